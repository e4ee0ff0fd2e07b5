// 隐患: the hazard ledger, filtered by status, level, overdue, listed supervision and area.
import { get, describeProblem } from "../api.js";
import * as session from "../session.js";
import { DIVISIONS, HAZARD_STATUS, HAZARD_LEVELS, HAZARD_SOURCES, label, divisionName } from "../labels.js";
import { h, clear, alertBox, loading, table, pager, badge, fmtDate } from "../ui.js";

const LIMIT = 50;

export function statusCell(x) {
  return h(
    "span",
    label(HAZARD_STATUS, x.status),
    x.overdue ? h("span", " ", badge("逾期", "bad")) : null,
    x.listed ? h("span", " ", badge("挂牌督办", "warn")) : null,
    x.extension_pending ? h("span", " ", badge("延期待批", "info")) : null
  );
}

export function levelBadge(level) {
  return level === "major" ? badge("重大隐患", "bad") : badge("一般隐患");
}

export async function render({ main, query, navigate, alive }) {
  const scope = session.divisionsInScope();
  const f = {
    status: query.status || "",
    level: query.level || "",
    source: query.source || "",
    overdue: query.overdue || "",
    listed: query.listed || "",
    division_code: scope.includes(query.division_code) ? query.division_code : "",
    uscc: query.uscc || "",
    import_job_id: query.import_job_id || "",
    from: query.from || "",
    to: query.to || "",
    offset: Number(query.offset || 0),
  };
  const sel = (name, options, all = "全部") => {
    const s = h("select", { name }, h("option", { value: "" }, all), options.map(([v, l]) => h("option", { value: v }, l)));
    s.value = f[name];
    return s;
  };
  const filterForm = h(
    "form.filters",
    h("label", "状态", sel("status", Object.entries(HAZARD_STATUS))),
    h("label", "等级", sel("level", Object.entries(HAZARD_LEVELS))),
    h("label", "逾期", sel("overdue", [["true", "逾期未改"], ["false", "未逾期"]])),
    h("label", "挂牌督办", sel("listed", [["true", "挂牌中"], ["false", "未挂牌"]])),
    h("label", "区域", sel("division_code", scope.map((c) => [c, DIVISIONS[c]]), "我的辖区")),
    h("label", "来源", sel("source", Object.entries(HAZARD_SOURCES))),
    h("label", "企业代码", h("input", { type: "text", name: "uscc", value: f.uscc, style: { width: "170px" }, placeholder: "统一社会信用代码" })),
    h("label", "发现日期起", h("input", { type: "date", name: "from", value: f.from })),
    h("label", "止", h("input", { type: "date", name: "to", value: f.to })),
    h("button.btn.primary", { type: "submit" }, "查询"),
    h("button.btn", { type: "button", onclick: () => navigate("/hazards", {}) }, "重置")
  );
  filterForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(filterForm));
    navigate("/hazards", { ...data, uscc: String(data.uscc || "").trim().toUpperCase(), offset: 0 });
  });
  const body = h("div", loading());
  clear(
    main,
    h("div.page-head", h("h1", "隐患"), h("span.sub", "排查治理闭环：登记 → 整改通知书 → 整改 → 验收销号"), h("div.actions", h("a.btn.primary", { href: "#/hazards/new" }, "＋ 登记隐患"))),
    filterForm,
    f.import_job_id
      ? alertBox("info", "仅显示一次台账导入所载入的隐患。", h("a", { href: "#/hazards" }, "显示全部隐患"))
      : null,
    body
  );
  let page;
  try {
    page = await get("/hazard/v1/hazards", {
      status: f.status,
      level: f.level,
      source: f.source,
      overdue: f.overdue,
      listed: f.listed,
      division_code: f.division_code,
      uscc: f.uscc,
      import_job_id: f.import_job_id,
      from: f.from,
      to: f.to,
      limit: LIMIT,
      offset: f.offset,
    });
  } catch (err) {
    if (!alive()) return;
    const { title, detail } = describeProblem(err);
    clear(body, alertBox(err.status === 403 ? "warn" : "error", title, detail));
    return;
  }
  if (!alive()) return;
  clear(
    body,
    table(
      [
        { label: "发现日期", render: (x) => fmtDate(x.found_at), nowrap: true },
        { label: "企业", render: (x) => h("span", x.enterprise_name || x.uscc, h("div.muted", divisionName(x.division_code))) },
        { label: "隐患描述", render: (x) => h("a", { href: `#/hazards/${x.id}` }, x.description) },
        { label: "等级", render: (x) => levelBadge(x.level), nowrap: true },
        { label: "来源", render: (x) => label(HAZARD_SOURCES, x.source), nowrap: true },
        { label: "状态", render: statusCell },
        { label: "整改通知书", render: (x) => x.notice_number || "—" },
        { label: "整改期限", render: (x) => fmtDate(x.deadline), nowrap: true },
      ],
      page.items,
      { onRow: (x) => navigate(`/hazards/${x.id}`), emptyText: "没有符合条件的隐患" }
    ),
    pager(page, (offset) => navigate("/hazards", { ...f, offset }))
  );
}
