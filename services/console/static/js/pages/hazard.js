// 隐患详情: the whole history of moves, notices, extensions and escalations, and the moves the
// hazard's state allows now (the API's allowed_moves; an illegal move answers 409).
import { api, describeProblem, newKey } from "../api.js";
import {
  HAZARD_STATUS, HAZARD_SOURCES, HAZARD_ACTIONS, EXTENSION_STATUS, ESCALATION_STEPS, ROLES, label, divisionName,
} from "../labels.js";
import { h, clear, alertBox, table, kv, badge, fmtDate, fmtDateTime, fmtMoney, makeForm, dialog, toast, today, addDays } from "../ui.js";
import { levelBadge, statusCell } from "./hazards.js";

const DETAIL_NAMES = {
  notice_number: "通知书文号",
  deadline: "期限",
  plan_deadline: "治理时限",
  work_suspended: "停产停业",
  previous_deadline: "原期限",
  requested_deadline: "申请延至",
  granted_deadline: "批准延至",
  evidence: "证据",
  passed: "验收通过",
  note: "备注",
};
function detailText(details) {
  return Object.entries(details)
    .map(([k, v]) => `${DETAIL_NAMES[k] || k}：${v === true ? "是" : v === false ? "否" : Array.isArray(v) ? v.join("、") : v}`)
    .join("；");
}

const lines = (text) => (text || "").split("\n").map((s) => s.trim()).filter(Boolean);

/** What each move asks for and where it goes. */
function moveSpec(x) {
  const pending = (x.extensions || []).find((e) => e.status === "pending");
  return {
    issue_notice: {
      path: "notices",
      key: true,
      fields: [
        { name: "deadline", label: "整改期限", type: "date", required: true, value: addDays(today(), 15) },
        { name: "measures", label: "整改措施与要求", type: "textarea", required: true, rows: 4 },
      ],
      done: (r) => `已下达整改通知书 ${r.number}`,
    },
    fix_on_spot: {
      path: "fix-on-spot",
      fields: [
        { name: "evidence", label: "整改证据（每行一项）", type: "textarea", required: true },
        { name: "fixed_at", label: "整改时间", type: "datetime", help: "留空为当前时间" },
        { name: "note", label: "备注" },
      ],
      body: (v) => ({ ...v, evidence: lines(v.evidence) }),
    },
    submit_plan: {
      path: "plan",
      fields: [
        { name: "measures", label: "治理措施", type: "textarea", required: true },
        { name: "funds", label: "治理资金（元）", type: "number", min: 0, step: "0.01", required: true },
        { name: "deadline", label: "治理时限", type: "date", required: true, value: x.deadline || addDays(today(), 30) },
        { name: "responsible_person", label: "责任人", required: true },
        { name: "emergency_plan", label: "应急预案", type: "textarea", required: true },
        { name: "work_suspended", label: "局部或全部停产停业", type: "checkbox", value: x.work_suspended },
      ],
    },
    start_rectification: { path: "rectification", fields: [{ name: "note", label: "备注" }] },
    complete: {
      path: "completion",
      fields: [
        { name: "evidence", label: "整改证据（每行一项：照片编号、检测报告等）", type: "textarea", required: true },
        { name: "completed_at", label: "完成时间", type: "datetime", help: "留空为当前时间" },
        { name: "note", label: "备注" },
      ],
      body: (v) => ({ ...v, evidence: lines(v.evidence) }),
    },
    accept: { path: "acceptance", fields: [{ name: "note", label: "验收意见" }], body: (v) => ({ passed: true, note: v.note }), danger: false },
    fail_acceptance: { path: "acceptance", fields: [{ name: "note", label: "不通过的原因（退回整改）", type: "textarea", required: true }], body: (v) => ({ passed: false, note: v.note }) },
    request_extension: {
      path: "extensions",
      fields: [
        { name: "deadline", label: "申请延至", type: "date", required: true, value: x.deadline ? addDays(x.deadline, 15) : "" },
        { name: "reason", label: "申请理由", type: "textarea", required: true },
      ],
    },
    grant_extension: pending && {
      path: `extensions/${pending.id}/grant`,
      intro: `申请延至 ${pending.requested_deadline}（原期限 ${pending.previous_deadline}），理由：${pending.reason}`,
      fields: [
        { name: "deadline", label: "批准延至", type: "date", value: pending.requested_deadline },
        { name: "note", label: "意见" },
      ],
    },
    refuse_extension: pending && {
      path: `extensions/${pending.id}/refuse`,
      intro: `申请延至 ${pending.requested_deadline}，理由：${pending.reason}`,
      fields: [{ name: "note", label: "不予延期的理由", type: "textarea", required: true }],
    },
    list_supervision: { path: "listing", fields: [{ name: "note", label: "督办要求" }] },
    delist: { path: "delisting", fields: [{ name: "note", label: "摘牌意见" }] },
  };
}

const ORDER = ["issue_notice", "fix_on_spot", "submit_plan", "start_rectification", "request_extension", "grant_extension", "refuse_extension", "complete", "accept", "fail_acceptance", "list_supervision", "delist"];
const STYLE = { issue_notice: "primary", accept: "primary", complete: "primary", fail_acceptance: "danger", refuse_extension: "danger", list_supervision: "danger" };

export async function render({ main, params, navigate, alive, setTitle, query }) {
  const { data: x } = await api(`/hazard/v1/hazards/${encodeURIComponent(params.id)}`);
  if (!alive()) return;
  setTitle(`隐患：${x.description}`);
  const reload = (notice) => navigate(`/hazards/${x.id}`, { t: Date.now(), notice }, { replace: true });
  const actionMsg = h("div#action-msg");
  if (query.notice) actionMsg.append(alertBox("info", query.notice));
  const specs = moveSpec(x);

  function openMove(action) {
    actionMsg.replaceChildren();
    const spec = specs[action];
    if (!spec) return;
    const key = spec.key ? newKey() : null;
    const form = makeForm({
      cls: "one",
      fields: spec.fields,
      submitLabel: label(HAZARD_ACTIONS, action),
      onCancel: () => dlg.close(),
      describe: describeProblem,
      async onSubmit(v) {
        const body = spec.body ? spec.body(v) : v;
        for (const k of Object.keys(body)) if (body[k] === null) delete body[k];
        let res;
        try {
          res = await api(`/hazard/v1/hazards/${x.id}/${spec.path}`, { method: "POST", json: body, ifMatch: x.version, idempotencyKey: key, silent: true });
        } catch (err) {
          if (err.status === 412 || err.status === 409) {
            // Someone moved the hazard meanwhile: show why in plain words on the fresh page.
            dlg.close();
            const { title, detail } = err.status === 409 ? describeProblem(err) : { title: "该隐患刚被他人处理，页面已刷新为最新状态。", detail: "请核对当前状态后再操作。" };
            reload(`${title}${detail ? " " + detail : ""}`);
            return;
          }
          throw err;
        }
        dlg.close();
        toast(spec.done ? spec.done(res.data) : `${label(HAZARD_ACTIONS, action)}：已完成`, { kind: "ok" });
        reload();
      },
    });
    const dlg = dialog(label(HAZARD_ACTIONS, action), h("div", spec.intro ? h("p", spec.intro) : null, form.el));
  }

  const moves = ORDER.filter((a) => x.allowed_moves.includes(a) && specs[a]);
  const actions = h(
    "section.card#actions",
    h("h2", "可办理事项", h("span.hint", `当前状态：${label(HAZARD_STATUS, x.status)}`)),
    actionMsg,
    moves.length
      ? h("div.btn-row", moves.map((a) => h(`button.btn${STYLE[a] ? "." + STYLE[a] : ""}`, { type: "button", dataset: { action: a }, onclick: () => openMove(a) }, label(HAZARD_ACTIONS, a))))
      : h("p.muted", x.status === "closed" ? "该隐患已销号，闭环完成。" : "当前状态下没有您可以办理的事项。")
  );

  const basis = x.major_basis ? `${x.major_basis.standard} ${x.major_basis.clause}` : null;
  clear(
    main,
    h("div.page-head", h("h1", x.description), levelBadge(x.level), statusCell(x)),
    x.overdue ? alertBox("error", `已逾期：整改期限 ${fmtDate(x.deadline)} 已过`, x.supervision_letter_at ? `已于 ${fmtDateTime(x.supervision_letter_at)} 发出督办函。` : "逾期未改将发出督办函并逐级上报。") : null,
    actions,
    h(
      "div.grid2",
      h(
        "section.card#hazard-info",
        h("h2", "隐患信息"),
        kv([
          ["企业", h("a", { href: `#/enterprises/${encodeURIComponent(x.uscc)}` }, x.enterprise_name || x.uscc)],
          ["统一社会信用代码", h("span.mono", x.uscc)],
          ["区域", divisionName(x.division_code)],
          ["来源", label(HAZARD_SOURCES, x.source)],
          ["发现", `${fmtDateTime(x.found_at)}${x.found_by ? "，" + x.found_by : ""}`],
          ["等级", levelBadge(x.level)],
          basis ? ["重大隐患判定依据", basis] : null,
          ["停产停业", x.work_suspended ? "是" : "否"],
          x.imported ? ["来源", "历史台账导入"] : null,
        ])
      ),
      h(
        "section.card#rectification",
        h("h2", "整改与验收"),
        kv([
          ["整改通知书", x.notice_number],
          ["下达时间", fmtDateTime(x.notice_issued_at)],
          ["整改期限", fmtDate(x.deadline)],
          ["逾期", x.overdue ? h("span.up-bad", `自 ${fmtDateTime(x.overdue_since)} 起逾期`) : "否"],
          ["到期提醒", fmtDateTime(x.reminder_sent_at)],
          ["督办函", fmtDateTime(x.supervision_letter_at)],
          ["整改完成", fmtDateTime(x.completed_at)],
          ["整改证据", x.evidence.length ? x.evidence.join("；") : "—"],
          ["验收期限", x.acceptance_due_by ? h("span", fmtDate(x.acceptance_due_by), x.acceptance_overdue ? h("span", " ", badge("验收超期", "bad")) : null) : "—"],
          ["验收通过", fmtDateTime(x.accepted_at)],
          ["销号", fmtDateTime(x.closed_at)],
          ["挂牌督办", x.listed ? `挂牌中（${fmtDateTime(x.listed_at)} 起）` : x.delisted_at ? `已于 ${fmtDateTime(x.delisted_at)} 摘牌` : "否"],
        ])
      )
    ),
    x.plan
      ? h(
          "section.card#plan",
          h("h2", "重大隐患治理方案"),
          kv(
            [
              ["治理措施", x.plan.measures],
              ["治理资金", fmtMoney(x.plan.funds)],
              ["治理时限", fmtDate(x.plan.deadline)],
              ["责任人", x.plan.responsible_person],
              ["应急预案", x.plan.emergency_plan],
              ["提交", `${x.plan.submitted_by}，${fmtDateTime(x.plan.submitted_at)}`],
            ],
            "cols2"
          )
        )
      : null,
    h(
      "section.card#notices",
      h("h2", "整改通知书"),
      table(
        [
          { label: "文号", key: "number" },
          { label: "下达时间", render: (n) => fmtDateTime(n.issued_at), nowrap: true },
          { label: "下达人", render: (n) => n.issued_by || "—" },
          { label: "整改期限", render: (n) => fmtDate(n.deadline), nowrap: true },
          { label: "整改措施", render: (n) => n.measures || "—" },
        ],
        x.notices,
        { wrap: "free", emptyText: "尚未下达整改通知书" }
      )
    ),
    x.extensions.length
      ? h(
          "section.card#extensions",
          h("h2", "延期"),
          table(
            [
              { label: "申请时间", render: (e) => fmtDateTime(e.requested_at), nowrap: true },
              { label: "申请人", key: "requested_by" },
              { label: "原期限", render: (e) => fmtDate(e.previous_deadline) },
              { label: "申请延至", render: (e) => fmtDate(e.requested_deadline) },
              { label: "理由", key: "reason" },
              { label: "结果", render: (e) => h("span", label(EXTENSION_STATUS, e.status), e.granted_deadline ? `，延至 ${fmtDate(e.granted_deadline)}` : "") },
              { label: "决定", render: (e) => (e.decided_by ? `${e.decided_by} ${fmtDateTime(e.decided_at)}${e.decision_note ? "：" + e.decision_note : ""}` : "—") },
            ],
            x.extensions,
            { wrap: "free" }
          )
        )
      : null,
    x.escalations.length
      ? h(
          "section.card#escalations",
          h("h2", "逾期督办"),
          table(
            [
              { label: "时间", render: (e) => fmtDateTime(e.at), nowrap: true },
              { label: "事项", render: (e) => label(ESCALATION_STEPS, e.step) },
              { label: "依据期限", key: "basis" },
              { label: "规则", key: "rule" },
            ],
            x.escalations,
            { wrap: "free" }
          )
        )
      : null,
    h(
      "section.card#history",
      h("h2", "办理记录", h("span.hint", "每一步都留痕")),
      h(
        "ol.timeline",
        x.transitions.map((t) =>
          h(
            "li",
            h("div.t-head", label(HAZARD_ACTIONS, t.action), t.from_status && t.from_status !== t.to_status ? h("span.muted", `  ${label(HAZARD_STATUS, t.from_status)} → ${label(HAZARD_STATUS, t.to_status)}`) : null),
            h("div.t-meta", `${fmtDateTime(t.at)} · ${t.by}${t.by_role ? "（" + label(ROLES, t.by_role) + "）" : ""}`),
            t.reason ? h("div", t.reason) : null,
            t.details ? h("div.t-meta", detailText(t.details)) : null
          )
        )
      )
    )
  );
}
