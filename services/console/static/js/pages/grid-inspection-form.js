// 记录巡查: a visit to an enterprise with its checklist (合格/不合格/不适用) and the problems found;
// each problem becomes a hazard in the hazard ledger, a major one needs its standard and clause.
import { api, get, describeProblem, translateMessage, newKey } from "../api.js";
import * as session from "../session.js";
import { CHECK_RESULTS, FINDING_LEVELS, PLACEMENTS, label } from "../labels.js";
import { h, clear, alertBox, makeForm, toast, nowLocalInput } from "../ui.js";

/** The usual checklist of a grid visit; every row can be changed or removed. */
const DEFAULT_CHECKLIST = ["安全出口畅通", "消防器材有效", "电气线路规范", "特种作业持证上岗", "危化品存放合规"];
const SUB_FIELDS = { item: "检查内容", result: "结果", note: "备注", description: "问题描述", level: "等级", major_basis: "判定依据", standard: "判定标准", clause: "条款" };

function options(table, value) {
  const s = h("select", Object.entries(table).map(([v, l]) => h("option", { value: v }, l)));
  s.value = value;
  return s;
}

function checklistRow(item = "") {
  const el = h(
    "div.row-line.check-row",
    h("input", { type: "text", name: "item", value: item, placeholder: "检查内容", maxlength: 300, "aria-label": "检查内容" }),
    options(CHECK_RESULTS, "pass"),
    h("input", { type: "text", name: "note", placeholder: "备注（可选）", maxlength: 1000, "aria-label": "备注" }),
    h("button.btn.small", { type: "button", title: "删除此项", onclick: () => el.remove() }, "删除"),
    h("span.field-error")
  );
  el.querySelector("select").name = "result";
  el.querySelector("select").setAttribute("aria-label", "结果");
  return el;
}

function findingRow() {
  const level = options(FINDING_LEVELS, "general");
  level.name = "level";
  level.setAttribute("aria-label", "隐患等级");
  const standard = h("input", { type: "text", name: "standard", placeholder: "判定标准（重大隐患必填）", maxlength: 300, "aria-label": "判定标准" });
  const clause = h("input", { type: "text", name: "clause", placeholder: "条款（重大隐患必填）", maxlength: 300, "aria-label": "条款" });
  const sync = () => {
    const major = level.value === "major";
    standard.required = major;
    clause.required = major;
    standard.disabled = !major;
    clause.disabled = !major;
    el.classList.toggle("major", major);
  };
  level.addEventListener("change", sync);
  const el = h(
    "div.row-line.finding-row",
    h("input", { type: "text", name: "description", placeholder: "发现的问题，如 安全出口堵塞", maxlength: 4000, "aria-label": "问题描述" }),
    level,
    standard,
    clause,
    h("button.btn.small", { type: "button", title: "删除此项", onclick: () => el.remove() }, "删除"),
    h("span.field-error")
  );
  sync();
  return el;
}

const val = (row, name) => row.querySelector(`[name="${name}"]`).value.trim();

function rowError(row, text) {
  row.classList.add("has-error");
  const box = row.querySelector(".field-error");
  box.textContent = box.textContent ? `${box.textContent}；${text}` : text;
}

export async function render({ main, query, navigate }) {
  const idempotencyKey = newKey();
  const checklist = h("div.rows#checklist-rows", DEFAULT_CHECKLIST.map((item) => checklistRow(item)));
  const findings = h("div.rows#finding-rows");
  const enterpriseHint = h("div#inspection-enterprise");

  async function showEnterprise(uscc) {
    clear(enterpriseHint);
    if (!uscc) return;
    try {
      const e = await get(`/grid/v1/enterprises/${encodeURIComponent(uscc.toUpperCase())}`);
      clear(
        enterpriseHint,
        alertBox(
          "info",
          `巡查企业：${e.name || e.uscc}`,
          e.cell_id ? `所属网格：${e.cell_name}（${label(PLACEMENTS, e.placement)}纳入）` : "该企业尚未纳入网格。"
        )
      );
    } catch (err) {
      if (err.status === 404 || err.status === 403) clear(enterpriseHint, alertBox("warn", "网格中没有这家企业，或不在您的辖区内。", "请核对统一社会信用代码。"));
    }
  }

  const form = makeForm({
    fields: [
      { name: "uscc", label: "企业统一社会信用代码", required: true, value: query.uscc || "", maxlength: 18 },
      { name: "inspected_at", label: "巡查时间", type: "datetime", required: true, value: nowLocalInput() },
      { name: "inspector", label: "巡查人", required: true, value: session.user().name || "", maxlength: 100 },
      { name: "note", label: "备注", type: "textarea", wide: true, rows: 2 },
    ],
    submitLabel: "保存巡查记录",
    onCancel: () => history.back(),
    describe: describeProblem,
    async onSubmit(v, { setErrors, msg }) {
      // Rows left wholly blank are dropped; the rest go in the order shown.
      const checkRows = [...checklist.querySelectorAll(".check-row")].filter((r) => val(r, "item") || val(r, "note"));
      const findRows = [...findings.querySelectorAll(".finding-row")].filter((r) => val(r, "description") || val(r, "standard") || val(r, "clause"));
      let blank = 0;
      for (const [rows, name, text] of [[checkRows, "item", "请填写检查内容"], [findRows, "description", "请填写问题描述"]]) {
        for (const r of rows) {
          if (val(r, name)) continue;
          rowError(r, text);
          blank++;
        }
      }
      if (blank) {
        msg.replaceChildren(alertBox("error", "请补全标红的行。"));
        return;
      }
      const body = {
        uscc: v.uscc.toUpperCase(),
        inspected_at: v.inspected_at,
        inspector: v.inspector,
        checklist: checkRows.map((r) => {
          const row = { item: val(r, "item"), result: r.querySelector("[name=result]").value };
          if (val(r, "note")) row.note = val(r, "note");
          return row;
        }),
        findings: findRows.map((r) => {
          const row = { description: val(r, "description"), level: r.querySelector("[name=level]").value };
          if (row.level === "major") row.major_basis = { standard: val(r, "standard"), clause: val(r, "clause") };
          return row;
        }),
      };
      if (v.note) body.note = v.note;
      let data;
      try {
        ({ data } = await api("/grid/v1/inspections", { method: "POST", json: body, idempotencyKey, silent: true }));
      } catch (err) {
        if (err.status === undefined) throw err;
        // Row errors name "checklist.0.item" or "findings.0.major_basis": show them on their row.
        const rest = [];
        for (const e of err.errors) {
          const m = String(e.field || "").match(/^(checklist|findings)(?:\.(\d+)|\[(\d+)\])(?:\.(\w+))?/);
          const row = m ? (m[1] === "checklist" ? checkRows : findRows)[Number(m[2] ?? m[3])] : null;
          if (row) rowError(row, `${m[4] ? (SUB_FIELDS[m[4]] || m[4]) + "：" : ""}${translateMessage(e.message)}`);
          else rest.push(e);
        }
        setErrors(Object.assign(Object.create(Object.getPrototypeOf(err)), err, { errors: rest }));
        return;
      }
      toast(`巡查已记录${data.findings.length ? `，${data.findings.length} 项问题将转为隐患` : ""}`, { kind: "ok" });
      navigate(`/grid/inspections/${data.id}`);
    },
  });

  // The rows sit inside the form, above its messages and buttons.
  form.el.insertBefore(
    h(
      "div.wide.row-section",
      h("h3", "检查项"),
      checklist,
      h("button.btn.small#add-check", { type: "button", onclick: () => checklist.append(checklistRow()) }, "＋ 添加检查项")
    ),
    form.msg
  );
  form.el.insertBefore(
    h(
      "div.wide.row-section",
      h("h3", "发现的问题", h("span.muted", "（每项问题将登记为一条隐患，来源为「网格巡查」；重大隐患须填写判定标准和条款）")),
      findings,
      h("button.btn.small#add-finding", { type: "button", onclick: () => findings.append(findingRow()) }, "＋ 添加问题")
    ),
    form.msg
  );
  const usccInput = form.controls.uscc.control;
  usccInput.addEventListener("change", () => showEnterprise(usccInput.value.trim()));

  clear(main, h("div.page-head", h("h1", "记录巡查"), h("span.sub", "网格员、安监站对企业的现场巡查")), enterpriseHint, h("section.card", form.el));
  if (query.uscc) showEnterprise(query.uscc);
}
