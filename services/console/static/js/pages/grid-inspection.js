// 巡查记录: one inspection visit, its checklist and the problems found (each became a hazard).
import { api } from "../api.js";
import { CHECK_RESULTS, FINDING_LEVELS, label } from "../labels.js";
import { h, clear, table, kv, badge, fmtDateTime } from "../ui.js";
import { cellMap, cellLink } from "../grid-common.js";
import { newInspectionLink } from "./grid-plan.js";

const RESULT_BADGE = { pass: "ok", fail: "bad", not_applicable: "" };

export async function render({ main, params, alive, setTitle }) {
  const { data: i } = await api(`/grid/v1/inspections/${encodeURIComponent(params.id)}`);
  const cells = await cellMap([i.cell_id]);
  if (!alive()) return;
  const name = i.enterprise_name || i.uscc;
  setTitle(`巡查记录：${name}`);
  const enc = encodeURIComponent(i.uscc);
  clear(
    main,
    h(
      "div.page-head",
      h("h1", "巡查记录：", h("a", { href: `#/enterprises/${enc}` }, name)),
      h("span.sub", fmtDateTime(i.inspected_at)),
      h("div.actions", h("a.btn", { href: `#/grid/plan?tab=records&uscc=${enc}` }, "该企业的巡查记录"), newInspectionLink(i.uscc, false))
    ),
    h(
      "section.card#inspection-info",
      h("h2", "巡查情况"),
      kv(
        [
          ["企业", h("a", { href: `#/enterprises/${enc}` }, name)],
          ["统一社会信用代码", h("span.mono", i.uscc)],
          ["所属网格", cellLink(i.cell_id, cells)],
          ["巡查时间", fmtDateTime(i.inspected_at)],
          ["巡查人", i.inspector],
          ["记录", `${i.recorded_by}，${fmtDateTime(i.recorded_at)}`],
          ["备注", i.note],
        ],
        "cols2"
      )
    ),
    h(
      "section.card#inspection-checklist",
      h("h2", "检查项"),
      table(
        [
          { label: "检查内容", key: "item" },
          { label: "结果", render: (c) => badge(label(CHECK_RESULTS, c.result), RESULT_BADGE[c.result]), nowrap: true },
          { label: "备注", render: (c) => c.note || "—" },
        ],
        i.checklist,
        { wrap: "free", emptyText: "未填写检查项" }
      )
    ),
    h(
      "section.card#inspection-findings",
      h("h2", "发现的问题", h("span.hint", "每项问题已转入隐患台账（来源：网格巡查）")),
      table(
        [
          { label: "问题描述", key: "description" },
          { label: "等级", render: (x) => badge(label(FINDING_LEVELS, x.level), x.level === "major" ? "bad" : ""), nowrap: true },
          { label: "判定依据", render: (x) => (x.major_basis ? `${x.major_basis.standard} ${x.major_basis.clause}` : "—") },
        ],
        i.findings,
        { wrap: "free", emptyText: "未发现问题" }
      ),
      i.findings.length ? h("div.btn-row", { style: { marginTop: "10px" } }, h("a.btn.small", { href: `#/hazards?uscc=${enc}&source=grid_inspection` }, "查看该企业的网格巡查隐患")) : null
    )
  );
}
