// 网格上报: what the grid reports upward, filtered by cell, status, kind and "waiting for me";
// 签收 and 办结 right from the list, the whole history on the report's own page.
import { get, describeProblem } from "../api.js";
import { REPORT_KINDS, REPORT_STATUS, label } from "../labels.js";
import { h, clear, alertBox, loading, table, pager, badge, fmtDateTime } from "../ui.js";
import { enterpriseLink } from "../names.js";
import { namedCellLink, cellPicker, cellById, reportStatusBadge, fileReport } from "../grid-common.js";
import { moveButtons } from "./grid-report.js";

const LIMIT = 50;

export async function render({ main, query, navigate, alive }) {
  const f = {
    cell_id: query.cell_id || "",
    status: query.status || "",
    kind: query.kind || "",
    waiting_for_me: query.waiting_for_me === "true" ? "true" : "",
    uscc: query.uscc || "",
    offset: Number(query.offset || 0),
  };
  const reload = (notice) => navigate("/grid/reports", { ...f, t: Date.now(), notice }, { replace: true });
  const sel = (name, options) => {
    const s = h("select", { name, id: `rep-${name}` }, h("option", { value: "" }, "全部"), Object.entries(options).map(([v, l]) => h("option", { value: v }, l)));
    s.value = f[name];
    return s;
  };
  const picker = cellPicker({ value: f.cell_id, allLabel: "全部网格", id: "rep-cell" });
  const filterForm = h(
    "form.filters",
    h("label", "网格", picker.el),
    h("label", "状态", sel("status", REPORT_STATUS)),
    h("label", "类型", sel("kind", REPORT_KINDS)),
    h("label", "企业代码", h("input", { type: "text", name: "uscc", value: f.uscc, style: { width: "170px" }, placeholder: "统一社会信用代码" })),
    h("label.check", { style: { alignSelf: "center" } }, h("input", { type: "checkbox", name: "waiting_for_me", value: "true", id: "rep-waiting", checked: f.waiting_for_me === "true" }), "只看待我办理"),
    h("button.btn.primary", { type: "submit" }, "查询"),
    h("button.btn", { type: "button", onclick: () => navigate("/grid/reports", {}) }, "重置")
  );
  filterForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(filterForm));
    navigate("/grid/reports", { ...data, cell_id: picker.value(), uscc: String(data.uscc || "").trim().toUpperCase(), offset: 0 });
  });
  const notice = query.notice ? alertBox("info", query.notice) : null;
  const body = h("div", loading());
  clear(
    main,
    h(
      "div.page-head",
      h("h1", "网格上报"),
      h("span.sub", "村（社区）上报乡镇安监站，乡镇上报安监局；逾期未签收的自动上移一级"),
      h(
        "div.actions",
        h(
          "button.btn.primary#new-report",
          {
            type: "button",
            onclick: async () => fileReport({ cell: f.cell_id ? await cellById(f.cell_id) : null, onDone: (r) => navigate(`/grid/reports/${r.id}`) }),
          },
          "＋ 上报事项"
        )
      )
    ),
    filterForm,
    notice,
    body
  );

  let page;
  try {
    page = await get("/grid/v1/reports", {
      cell_id: f.cell_id,
      status: f.status,
      kind: f.kind,
      uscc: f.uscc,
      waiting_for_me: f.waiting_for_me,
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
        { label: "上报时间", render: (r) => fmtDateTime(r.filed_at), nowrap: true },
        { label: "上报网格", render: (r) => namedCellLink(r.cell_id, r.cell_name), nowrap: true },
        { label: "类型", render: (r) => label(REPORT_KINDS, r.kind), nowrap: true },
        { label: "情况描述", render: (r) => h("a", { href: `#/grid/reports/${r.id}` }, r.description) },
        { label: "涉及企业", render: (r) => (r.uscc ? enterpriseLink(r.uscc, r.enterprise_name) : "—") },
        { label: "状态", render: (r) => h("span", reportStatusBadge(r.status), r.escalations ? h("span", " ", badge(`上移 ${r.escalations} 次`, "bad")) : null), nowrap: true },
        { label: "当前办理", render: (r) => (r.status === "resolved" ? h("span.muted", r.routed_to_name) : r.routed_to_name), nowrap: true },
        { label: "办理", render: (r) => h("div.btn-row", moveButtons(r, reload, { small: true })), nowrap: true },
      ],
      page.items,
      { onRow: (r) => navigate(`/grid/reports/${r.id}`), emptyText: "没有符合条件的上报事项" }
    ),
    pager(page, (offset) => navigate("/grid/reports", { ...f, offset }))
  );
}
