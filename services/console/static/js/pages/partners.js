// 合作单位 (admin): partner agencies, feedback statistics and the audit of partner queries.
import { api, get, describeProblem } from "../api.js";
import * as session from "../session.js";
import { AGENCY_KINDS, DOMAINS, label } from "../labels.js";
import { enterpriseNames, enterpriseCell } from "../names.js";
import { h, clear, alertBox, loading, table, pager, fmtInt, fmtDateTime, makeForm, dialog, toast, today, addDays } from "../ui.js";

const TABS = [
  ["agencies", "合作单位"],
  ["feedback", "反馈统计"],
  ["audit", "查询审计"],
];

function newAgency(reload) {
  const domainBoxes = Object.entries(DOMAINS).map(([v, l]) => h("label.check", h("input", { type: "checkbox", name: "domains", value: v }), l));
  const form = makeForm({
    cls: "one",
    fields: [
      { name: "name", label: "单位名称", required: true },
      { name: "kind", label: "单位类型", type: "select", options: AGENCY_KINDS, required: true },
    ],
    submitLabel: "新增",
    onCancel: () => dlg.close(),
    describe: describeProblem,
    async onSubmit(v) {
      const domains = domainBoxes.map((l) => l.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
      const { data } = await api("/incentives/v1/agencies", { method: "POST", json: { ...v, domains }, silent: true });
      dlg.close();
      toast(`已新增合作单位：${data.name}`, { kind: "ok" });
      reload(data.id);
    },
  });
  form.el.insertBefore(h("label.field", { dataset: { field: "domains" } }, h("span.lbl", "可查询的措施领域"), h("div.btn-row", domainBoxes), h("span.field-error")), form.msg);
  const dlg = dialog("新增合作单位", form.el);
}

export async function render({ main, query, navigate, alive }) {
  if (!session.isAdmin()) {
    clear(main, alertBox("warn", "合作单位管理仅限系统管理员。", "如需为合作单位开通接口，请联系系统管理员。"));
    return;
  }
  const tab = TABS.some(([t]) => t === query.tab) ? query.tab : "agencies";
  const body = h("div", loading());
  clear(
    main,
    h(
      "div.page-head",
      h("h1", "合作单位"),
      h("span.sub", "联合奖惩：银行、供电、自然资源、税务、评优机构"),
      h("div.actions", h("button.btn.primary", { type: "button", onclick: () => newAgency((id) => navigate(`/partners/${id}`)) }, "＋ 新增合作单位"))
    ),
    h("nav.tabs", TABS.map(([t, l]) => h("a", { href: `#/partners?tab=${t}`, class: t === tab ? "active" : "" }, l))),
    body
  );
  try {
    if (tab === "agencies") {
      const page = await get("/incentives/v1/agencies", { limit: 200 });
      if (!alive()) return;
      clear(
        body,
        table(
          [
            { label: "单位名称", render: (a) => h("a", { href: `#/partners/${a.id}` }, a.name) },
            { label: "类型", render: (a) => label(AGENCY_KINDS, a.kind) },
            { label: "措施领域", render: (a) => a.domains.map((d) => label(DOMAINS, d)).join("、") || "—" },
            { label: "创建时间", render: (a) => fmtDateTime(a.created_at), nowrap: true },
          ],
          page.items,
          { onRow: (a) => navigate(`/partners/${a.id}`), emptyText: "尚无合作单位" }
        )
      );
    } else if (tab === "feedback") {
      const from = query.from || addDays(today(), -365);
      const to = query.to || today();
      // The API takes instants: the officer's days are Beijing days, the end exclusive.
      const stats = await get("/incentives/v1/stats/feedback", { from: `${from}T00:00:00+08:00`, to: `${addDays(to, 1)}T00:00:00+08:00` });
      if (!alive()) return;
      const range = h(
        "form.filters",
        h("label", "起", h("input", { type: "date", name: "from", value: from })),
        h("label", "止", h("input", { type: "date", name: "to", value: to })),
        h("button.btn", { type: "submit" }, "统计")
      );
      range.addEventListener("submit", (e) => {
        e.preventDefault();
        navigate("/partners", { tab, ...Object.fromEntries(new FormData(range)) });
      });
      clear(
        body,
        range,
        alertBox("info", "反馈统计", `措施推送给合作单位后，单位应回告是否执行（已执行 / 不适用），解除时回告已解除；超过 ${stats.overdue_after_days} 天未回告的计为逾期。`),
        table(
          [
            { label: "合作单位", render: (s) => h("a", { href: `#/partners/${s.agency_id}` }, s.agency_name) },
            { label: "推送措施", render: (s) => fmtInt(s.pushed), num: true },
            { label: "已签收", render: (s) => fmtInt(s.acknowledged), num: true },
            { label: "已执行", render: (s) => fmtInt(s.applied), num: true },
            { label: "不适用", render: (s) => fmtInt(s.not_applicable), num: true },
            { label: "推送解除", render: (s) => fmtInt(s.lift_pushed), num: true },
            { label: "已解除", render: (s) => fmtInt(s.lifted), num: true },
            { label: "逾期未回告", render: (s) => (s.overdue ? h("b.up-bad", fmtInt(s.overdue)) : "0"), num: true },
          ],
          stats.items,
          { emptyText: "没有反馈数据" }
        )
      );
    } else {
      const offset = Number(query.offset || 0);
      const [agencies, page] = await Promise.all([
        get("/incentives/v1/agencies", { limit: 200 }),
        get("/incentives/v1/audit", { agency_id: query.agency_id, uscc: query.uscc, limit: 50, offset }),
      ]);
      const names = await enterpriseNames(page.items.map((a) => a.uscc));
      if (!alive()) return;
      const agencyName = Object.fromEntries(agencies.items.map((a) => [a.id, a.name]));
      const sel = h("select", { name: "agency_id" }, h("option", { value: "" }, "全部单位"), agencies.items.map((a) => h("option", { value: a.id }, a.name)));
      sel.value = query.agency_id || "";
      const filters = h("form.filters", h("label", "合作单位", sel), h("label", "企业代码", h("input", { type: "text", name: "uscc", value: query.uscc || "" })), h("button.btn", { type: "submit" }, "查询"));
      filters.addEventListener("submit", (e) => {
        e.preventDefault();
        navigate("/partners", { tab, ...Object.fromEntries(new FormData(filters)) });
      });
      clear(
        body,
        filters,
        table(
          [
            { label: "时间", render: (a) => fmtDateTime(a.at), nowrap: true },
            { label: "合作单位", render: (a) => agencyName[a.agency_id] || a.agency_id },
            { label: "接口密钥", render: (a) => h("span.mono", a.key_id) },
            { label: "查询企业", render: (a) => enterpriseCell(a.uscc, names) },
            { label: "接口", render: (a) => h("span.mono", a.endpoint) },
            { label: "结果", render: (a) => (a.found ? "已找到" : "未找到") },
          ],
          page.items,
          { emptyText: "尚无合作单位查询记录" }
        ),
        pager(page, (o) => navigate("/partners", { ...query, tab, offset: o }))
      );
    }
  } catch (err) {
    if (!alive()) return;
    const { title, detail } = describeProblem(err);
    clear(body, alertBox(err.status === 403 ? "warn" : "error", title, detail));
  }
}
