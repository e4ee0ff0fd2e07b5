// 巡查计划: which enterprises of a cell are due for an inspection in a period (by the frequency
// rule of their credit class), overdue ones highlighted; and the inspections recorded.
import { get, describeProblem } from "../api.js";
import { STANDINGS, CHECK_RESULTS, label } from "../labels.js";
import { h, clear, alertBox, loading, table, pager, badge, classBadge, fmtDate, fmtDateTime } from "../ui.js";
import { cellPicker, cellMap, cellLink } from "../grid-common.js";

const LIMIT = 50;
const TABS = [
  ["plan", "巡查计划"],
  ["records", "巡查记录"],
];

function ruleText(plan) {
  const parts = Object.entries(plan.intervals).map(([k, m]) => `${label(STANDINGS, k)}每 ${m} 个月`);
  return `巡查频次（${plan.rule}）：${parts.join("，")}。从未巡查的企业自本期第一天起即应巡查。`;
}

function failed(body, alive, err) {
  if (!alive()) return;
  const { title, detail } = describeProblem(err);
  clear(body, alertBox(err.status === 403 ? "warn" : "error", title, detail));
}

export function newInspectionLink(uscc, small = true) {
  return h(`a.btn${small ? ".small" : ""}`, { href: `#/grid/inspections/new?uscc=${encodeURIComponent(uscc)}` }, "记录巡查");
}

export async function render({ main, query, navigate, alive }) {
  const tab = TABS.some(([t]) => t === query.tab) ? query.tab : "plan";
  const f = {
    tab,
    cell_id: query.cell_id || "",
    from: query.from || "",
    to: query.to || "",
    due_only: query.due_only === "false" ? "false" : "",
    uscc: query.uscc || "",
    offset: Number(query.offset || 0),
  };
  const picker = cellPicker({ value: f.cell_id, allLabel: "我辖区的全部网格", id: "plan-cell" });
  const fromInput = h("input", { type: "date", name: "from", id: "plan-from", value: f.from });
  const toInput = h("input", { type: "date", name: "to", id: "plan-to", value: f.to });
  const filterForm = h(
    "form.filters",
    h("label", "网格", picker.el),
    h("label", tab === "plan" ? "计划期起" : "巡查日期起", fromInput),
    h("label", "止", toInput),
    tab === "plan"
      ? h("label.check", { style: { alignSelf: "center" } }, h("input", { type: "checkbox", id: "plan-due-only", name: "due_only", value: "true", checked: f.due_only !== "false" }), "只看本期应巡查的企业")
      : h("label", "企业代码", h("input", { type: "text", name: "uscc", value: f.uscc, style: { width: "170px" }, placeholder: "统一社会信用代码" })),
    h("button.btn.primary", { type: "submit" }, "查询"),
    h("button.btn", { type: "button", onclick: () => navigate("/grid/plan", { tab }) }, "重置")
  );
  filterForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(filterForm));
    const next = { tab, cell_id: picker.value(), from: data.from, to: data.to, offset: 0 };
    if (tab === "plan") next.due_only = data.due_only ? "" : "false";
    else next.uscc = String(data.uscc || "").trim().toUpperCase();
    navigate("/grid/plan", next);
  });

  const body = h("div", loading());
  const keep = { cell_id: f.cell_id, from: f.from, to: f.to };
  clear(
    main,
    h(
      "div.page-head",
      h("h1", "巡查计划"),
      h("span.sub", "按企业诚信等级确定巡查频次：A 级少查，C、D 级和黑名单企业多查"),
      h("div.actions", h("a.btn.primary", { href: "#/grid/inspections/new" }, "＋ 记录巡查"))
    ),
    h("nav.tabs", TABS.map(([t, l]) => h("a", { href: `#/grid/plan?${new URLSearchParams(Object.entries({ ...keep, tab: t }).filter(([, v]) => v))}`, class: t === tab ? "active" : "" }, l))),
    filterForm,
    body
  );

  if (tab === "plan") {
    let plan;
    try {
      plan = await get("/grid/v1/inspection-plan", {
        cell_id: f.cell_id,
        from: f.from,
        to: f.to,
        due_only: f.due_only === "false" ? "false" : "true",
        limit: LIMIT,
        offset: f.offset,
      });
    } catch (err) {
      failed(body, alive, err);
      return;
    }
    if (!alive()) return;
    if (!f.from) fromInput.value = plan.first_day;
    if (!f.to) toInput.value = plan.last_day;
    const overdue = plan.items.filter((x) => x.overdue).length;
    clear(
      body,
      h("p.muted#plan-rule", `计划期 ${plan.first_day} 至 ${plan.last_day}。${ruleText(plan)}`),
      overdue ? alertBox("warn", `本页有 ${overdue} 家企业已过应巡查日期（标红）。`, "请尽快安排巡查，巡查后记录在案。") : null,
      h(
        "div#plan-table",
        table(
          [
            { label: "企业", render: (x) => h("span", h("a", { href: `#/enterprises/${encodeURIComponent(x.uscc)}` }, x.name || x.uscc), h("div.muted.mono", x.uscc)) },
            { label: "所在网格", render: (x) => (x.cell_id ? h("a", { href: `#/grid/cells/${encodeURIComponent(x.cell_id)}` }, x.cell_name || "网格") : h("span.muted", "未纳入网格")), nowrap: true },
            { label: "诚信等级", render: (x) => classBadge(x.credit_class, x.blacklisted) },
            { label: "巡查频次", render: (x) => `每 ${x.interval_months} 个月`, nowrap: true },
            { label: "上次巡查", render: (x) => (x.last_inspected_on ? fmtDate(x.last_inspected_on) : h("span.muted", "从未巡查")), nowrap: true },
            { label: "应巡查日期", render: (x) => fmtDate(x.next_due), nowrap: true },
            {
              label: "状态",
              render: (x) => (x.overdue ? badge("逾期未查", "bad") : x.next_due <= plan.last_day ? badge("本期应查", "warn") : badge("未到期", "ok")),
              nowrap: true,
            },
            { label: "", render: (x) => newInspectionLink(x.uscc), nowrap: true },
          ],
          plan.items,
          { rowClass: (x) => (x.overdue ? "overdue" : ""), emptyText: f.due_only === "false" ? "该网格没有企业" : "本期没有应巡查的企业" }
        )
      ),
      pager(plan, (offset) => navigate("/grid/plan", { ...f, offset }))
    );
    return;
  }

  let page;
  try {
    page = await get("/grid/v1/inspections", { cell_id: f.cell_id, uscc: f.uscc, from: f.from, to: f.to, limit: LIMIT, offset: f.offset });
  } catch (err) {
    failed(body, alive, err);
    return;
  }
  const cells = await cellMap(page.items.map((i) => i.cell_id));
  if (!alive()) return;
  const count = (i, result) => i.checklist.filter((c) => c.result === result).length;
  clear(
    body,
    table(
      [
        { label: "巡查时间", render: (i) => h("a", { href: `#/grid/inspections/${i.id}` }, fmtDateTime(i.inspected_at)), nowrap: true },
        { label: "企业", render: (i) => h("span", h("a", { href: `#/enterprises/${encodeURIComponent(i.uscc)}` }, i.enterprise_name || i.uscc), h("div.muted.mono", i.uscc)) },
        { label: "网格", render: (i) => cellLink(i.cell_id, cells), nowrap: true },
        { label: "巡查人", key: "inspector", nowrap: true },
        { label: "检查项", render: (i) => (i.checklist.length ? `${label(CHECK_RESULTS, "pass")} ${count(i, "pass")}，${label(CHECK_RESULTS, "fail")} ${count(i, "fail")}` : "—"), nowrap: true },
        { label: "发现问题", render: (i) => (i.findings.length ? badge(`${i.findings.length} 项`, i.findings.some((x) => x.level === "major") ? "bad" : "warn") : h("span.muted", "无")), nowrap: true },
        { label: "记录人", key: "recorded_by", nowrap: true },
      ],
      page.items,
      { onRow: (i) => navigate(`/grid/inspections/${i.id}`), emptyText: "没有符合条件的巡查记录" }
    ),
    pager(page, (offset) => navigate("/grid/plan", { ...f, offset }))
  );
}
