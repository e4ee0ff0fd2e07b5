// 企业: the registry, filtered by area, township, industry, credit class, blacklist, name or code.
import { get, describeProblem } from "../api.js";
import * as session from "../session.js";
import { DIVISIONS, CATEGORIES, STANDARDIZATION_STATUS, ENTERPRISE_STATUS, GRADES, label, divisionName } from "../labels.js";
import { h, clear, alertBox, loading, table, pager, classBadge, badge } from "../ui.js";

const LIMIT = 50;

export function standardizationCell(e) {
  if (e.standardization_revoked || e.standardization_status === "revoked") return badge("证书已撤销", "bad");
  if (!e.standardization_grade) return h("span.muted", "无");
  const kind = { valid: "ok", expiring: "warn", expired: "bad" }[e.standardization_status] || "";
  return h("span", `${GRADES[e.standardization_grade]} `, badge(label(STANDARDIZATION_STATUS, e.standardization_status), kind));
}

export async function render({ main, query, navigate, alive }) {
  const scope = session.divisionsInScope();
  const f = {
    q: query.q || "",
    division_code: query.division_code && scope.includes(query.division_code) ? query.division_code : session.citywide() ? "" : scope[0],
    township: query.township || "",
    category: query.category || "",
    credit_class: query.credit_class || "",
    blacklisted: query.blacklisted || "",
    standardization_status: query.standardization_status || "",
    offset: Number(query.offset || 0),
  };
  const go = (patch) => navigate("/enterprises", { ...f, ...patch });

  const sel = (name, options, all = "全部") => {
    const s = h("select", { name }, h("option", { value: "" }, all), options.map(([v, l]) => h("option", { value: v }, l)));
    s.value = f[name];
    return s;
  };
  const divisionOptions = scope.filter((c) => c !== "330500").map((c) => [c, DIVISIONS[c]]);
  const filterForm = h(
    "form.filters",
    { role: "search" },
    h("label", "名称或统一社会信用代码", h("input", { type: "search", name: "q", value: f.q, placeholder: "输入企业名称或代码", id: "ent-q" })),
    h("label", "区县", sel("division_code", divisionOptions, session.citywide() ? "全市" : DIVISIONS[scope[0]])),
    h("label", "乡镇（街道）", h("input", { type: "text", name: "township", value: f.township, placeholder: "如 旧馆镇", style: { width: "110px" } })),
    h("label", "行业类别", sel("category", Object.entries(CATEGORIES))),
    h("label", "诚信等级", sel("credit_class", ["A", "B", "C", "D"].map((c) => [c, `${c} 级`]))),
    h("label", "黑名单", sel("blacklisted", [["true", "在黑名单"], ["false", "不在黑名单"]])),
    h("label", "标准化", sel("standardization_status", Object.entries(STANDARDIZATION_STATUS))),
    h("button.btn.primary", { type: "submit" }, "查询"),
    h("button.btn", { type: "button", onclick: () => navigate("/enterprises", {}) }, "重置")
  );
  filterForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(filterForm));
    for (const k of Object.keys(data)) data[k] = String(data[k]).trim();
    go({ ...data, offset: 0 });
  });

  const body = h("div", loading());
  clear(
    main,
    h("div.page-head", h("h1", "企业"), h("span.sub", "按统一社会信用代码登记的生产经营单位"), h("div.actions", h("a.btn.primary", { href: "#/enterprises/new" }, "＋ 登记企业"))),
    filterForm,
    body
  );

  let page;
  try {
    page = await get("/registry/v1/enterprises", {
      q: f.q,
      division_code: f.division_code,
      township: f.township,
      category: f.category,
      credit_class: f.credit_class,
      blacklisted: f.blacklisted,
      standardization_status: f.standardization_status,
      limit: LIMIT,
      offset: f.offset,
    });
  } catch (err) {
    if (!alive()) return;
    const { title, detail } = describeProblem(err);
    clear(body, alertBox("error", title, detail));
    return;
  }
  if (!alive()) return;
  const open = (e) => navigate(`/enterprises/${encodeURIComponent(e.uscc)}`);
  clear(
    body,
    table(
      [
        { label: "企业名称", render: (e) => h("a", { href: `#/enterprises/${encodeURIComponent(e.uscc)}` }, e.name) },
        { label: "统一社会信用代码", render: (e) => h("span.mono", e.uscc), nowrap: true },
        { label: "区县", render: (e) => divisionName(e.division_code), nowrap: true },
        { label: "乡镇", render: (e) => e.township || "—", nowrap: true },
        { label: "行业", render: (e) => label(CATEGORIES, e.category), nowrap: true },
        { label: "诚信等级", render: (e) => classBadge(e.credit_class, e.blacklisted) },
        { label: "得分", key: "credit_score", num: true },
        { label: "标准化", render: standardizationCell, nowrap: true },
        { label: "状态", render: (e) => label(ENTERPRISE_STATUS, e.status), nowrap: true },
      ],
      page.items,
      { onRow: open, emptyText: "没有符合条件的企业" }
    ),
    pager(page, (offset) => go({ offset }))
  );
}
