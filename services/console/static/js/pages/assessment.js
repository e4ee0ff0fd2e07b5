// 考评详情: the score breakdown (weights version, each part, every override and why) and the
// second officer's decision. The author cannot decide their own assessment (四眼原则).
import { api, get, describeProblem } from "../api.js";
import { SCORE_PARTS, OVERRIDE_RULES, ASSESSMENT_STATUS, GRADES, FACT_SOURCES, label } from "../labels.js";
import * as session from "../session.js";
import { h, clear, alertBox, table, kv, classBadge, badge, fmtDateTime, makeForm, dialog, toast } from "../ui.js";

function pct(w) {
  return `${Math.round(Number(w) * 1000) / 10}%`;
}

export async function render({ main, params, navigate, alive, setTitle }) {
  const { data: a, etag } = await api(`/registry/v1/assessments/${encodeURIComponent(params.id)}`);
  let enterprise = null;
  try {
    enterprise = await get(`/registry/v1/enterprises/${encodeURIComponent(a.uscc)}`);
  } catch {
    /* the breakdown still reads without the name */
  }
  if (!alive()) return;
  const name = enterprise ? enterprise.name : a.uscc;
  setTitle(`考评：${name} ${a.period}`);
  const b = a.breakdown || {};
  const me = session.user().name;
  const isAuthor = a.author === me;
  const reload = () => navigate(`/assessments/${a.id}`, { t: Date.now() }, { replace: true });
  const decisionMsg = h("div#decision-msg");

  function showProblem(err) {
    const { title, detail } = describeProblem(err);
    decisionMsg.replaceChildren(alertBox(err.code === "four_eyes" ? "warn" : "error", title, detail));
  }

  async function approve() {
    decisionMsg.replaceChildren();
    try {
      await api(`/registry/v1/assessments/${a.id}/approve`, { method: "POST", ifMatch: etag, silent: true });
    } catch (err) {
      showProblem(err);
      return;
    }
    toast("考评已批准，诚信等级已生效", { kind: "ok" });
    reload();
  }

  function reject() {
    decisionMsg.replaceChildren();
    const dlg = dialog(
      "退回考评",
      makeForm({
        cls: "one",
        fields: [{ name: "reason", label: "退回理由（提交人将看到）", type: "textarea", required: true }],
        submitLabel: "退回",
        onCancel: () => dlg.close(),
        async onSubmit(v) {
          try {
            await api(`/registry/v1/assessments/${a.id}/reject`, { method: "POST", json: { reason: v.reason }, ifMatch: etag, silent: true });
          } catch (err) {
            if (err.code === "four_eyes") {
              dlg.close();
              showProblem(err);
              return;
            }
            throw err;
          }
          dlg.close();
          toast("考评已退回提交人", { kind: "ok" });
          reload();
        },
      }).el
    );
  }

  const parts = (b.parts || []).map((p) => ({ ...p, name: label(SCORE_PARTS, p.part) }));
  const facts = a.facts || {};
  const sources = facts.sources || {};
  const std = b.standardization || {};

  clear(
    main,
    h(
      "div.page-head",
      h("h1", `考评：`, h("a", { href: `#/enterprises/${encodeURIComponent(a.uscc)}` }, name)),
      badge(label(ASSESSMENT_STATUS, a.status), { submitted: "warn", effective: "ok", rejected: "bad" }[a.status]),
      h("span.sub", `考评期 ${a.period}`)
    ),
    a.status === "submitted"
      ? h(
          "section.card#decision",
          h("h2", "审核"),
          isAuthor
            ? alertBox("info", "您是这次考评的提交人", "按四眼原则，考评须由另一名监管人员批准或退回。")
            : alertBox("info", "请核对得分构成和否决规则后作出决定", "批准后企业的诚信等级即时变更，并通知各联合奖惩单位。"),
          decisionMsg,
          h("div.btn-row", h("button.btn.primary#approve", { type: "button", onclick: approve }, "批准"), h("button.btn.danger#reject", { type: "button", onclick: reject }, "退回"))
        )
      : null,
    a.status === "rejected" ? alertBox("warn", `已由 ${a.decided_by} 退回`, a.rejection_reason || "") : null,
    h(
      "div.grid2",
      h(
        "section.card#results",
        h("h2", "两个结果"),
        kv([
          ["诚信等级", h("span", classBadge(a.credit_class), ` ${a.credit_class} 级（总分 ${a.total_score}）`)],
          [
            "等级判定",
            h(
              "span",
              `分数线对应 ${b.base_class ?? "—"} 级`,
              (b.overrides || []).map((o) => h("div", `${label(OVERRIDE_RULES, o.rule)}：${o.from} → ${o.to}`))
            ),
          ],
          ["标准化结果", a.standardization_result ? `${GRADES[a.standardization_result]}（标准化得分 ${std.score ?? "—"}）` : `未达到三级（标准化得分 ${std.score ?? "—"}）`],
          ["考评规则", `${b.rule_set || a.rule_set} 第 ${b.version || a.rule_set_version} 版（权重版本）`],
          ["标准化规则", std.rule_set ? `${std.rule_set} 第 ${std.version} 版` : "—"],
          ["提交", `${a.author}，${fmtDateTime(a.submitted_at)}`],
          ["审核", a.decided_by ? `${a.decided_by}，${fmtDateTime(a.decided_at)}` : "—"],
        ])
      ),
      h(
        "section.card#facts",
        h("h2", "考评期内的事实"),
        kv([
          ["死亡事故", `${facts.fatal_accidents ?? 0} 起（${label(FACT_SOURCES, sources.fatal_accidents)}）`],
          ["行政处罚", `${facts.penalties ?? 0} 次（${label(FACT_SOURCES, sources.penalties)}）`],
          ["公开承诺", `${facts.public_commitment_signed === false ? "未签署" : "已签署"}（${label(FACT_SOURCES, sources.public_commitment_signed)}）`],
        ])
      )
    ),
    h(
      "section.card#breakdown",
      h("h2", "得分构成", h("span.hint", "标准化占比不低于 50%")),
      table(
        [
          { label: "分项", key: "name" },
          { label: "得分", key: "score", num: true },
          { label: "权重", render: (p) => (p.weight === "" ? "" : pct(p.weight)), num: true },
          { label: "加权得分", key: "weighted", num: true },
        ],
        [...parts, { name: h("b", "合计"), score: "", weight: null, weighted: h("b", b.total_score ?? a.total_score) }].map((p) => ({ ...p, weight: p.weight ?? "" })),
        { wrap: "free" }
      ),
      h(
        "div",
        { style: { marginTop: "12px" } },
        h("h3", "等级判定"),
        h("p", "按分数线得出 ", classBadge(b.base_class), ` ${b.base_class ?? "—"} 级`, (b.overrides || []).length ? "，再适用以下否决/降级规则：" : "，未适用任何否决或降级规则。"),
        (b.overrides || []).length
          ? table(
              [
                { label: "规则", render: (o) => label(OVERRIDE_RULES, o.rule) },
                { label: "调整", render: (o) => h("span", classBadge(o.from), " → ", classBadge(o.to)) },
                { label: "原因（规则原文）", key: "reason" },
              ],
              b.overrides,
              { wrap: "free" }
            )
          : null,
        h("p", "最终诚信等级：", classBadge(a.credit_class), ` ${a.credit_class} 级`)
      )
    )
  );
}
