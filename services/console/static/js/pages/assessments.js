// 考评: assessments waiting for a second officer, and the decided ones.
import { get, describeProblem } from "../api.js";
import { ASSESSMENT_STATUS, label } from "../labels.js";
import * as session from "../session.js";
import { enterpriseNames, enterpriseCell } from "../names.js";
import { h, clear, alertBox, loading, table, pager, classBadge, badge, fmtDateTime } from "../ui.js";

const LIMIT = 50;

export async function render({ main, query, navigate, alive }) {
  const status = query.status ?? "submitted";
  const offset = Number(query.offset || 0);
  const me = session.user().name;
  const tabs = h(
    "nav.tabs",
    [["submitted", "待审核"], ["effective", "已生效"], ["rejected", "已退回"], ["all", "全部"]].map(([s, l]) =>
      h("a", { href: `#/assessments?status=${s}`, class: status === s ? "active" : "" }, l)
    )
  );
  const body = h("div", loading());
  clear(
    main,
    h("div.page-head", h("h1", "考评"), h("span.sub", "一次考评两个结果：标准化结果与诚信等级；须由提交人以外的监管人员审核")),
    alertBox("info", "如何发起考评", "在「企业」中打开一家企业，点击「发起考评」。"),
    tabs,
    body
  );
  let page;
  try {
    page = await get("/registry/v1/assessments", { status: status === "all" ? "" : status, limit: LIMIT, offset });
  } catch (err) {
    if (!alive()) return;
    const { title, detail } = describeProblem(err);
    clear(body, alertBox("error", title, detail));
    return;
  }
  const names = await enterpriseNames(page.items.map((a) => a.uscc));
  if (!alive()) return;
  clear(
    body,
    table(
      [
        { label: "企业", render: (a) => enterpriseCell(a.uscc, names) },
        { label: "考评期", key: "period", nowrap: true },
        { label: "总分", key: "total_score", num: true },
        { label: "诚信等级", render: (a) => classBadge(a.credit_class) },
        { label: "状态", render: (a) => badge(label(ASSESSMENT_STATUS, a.status), { submitted: "warn", effective: "ok", rejected: "bad" }[a.status]) },
        { label: "提交人", render: (a) => (a.author === me ? h("span", a.author, " ", badge("本人", "info")) : a.author) },
        { label: "提交时间", render: (a) => fmtDateTime(a.submitted_at), nowrap: true },
        { label: "审核人", render: (a) => a.decided_by || "—" },
        { label: "", render: (a) => h("a", { href: `#/assessments/${a.id}` }, a.status === "submitted" ? "审核" : "查看") },
      ],
      page.items,
      { onRow: (a) => navigate(`/assessments/${a.id}`), emptyText: status === "submitted" ? "没有待审核的考评" : "没有考评" }
    ),
    pager(page, (o) => navigate("/assessments", { status, offset: o }))
  );
}
