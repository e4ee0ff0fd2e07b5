// 列入黑名单: a listing follows an administrative penalty; the situation comes from a rule set.
import { api, get, describeProblem, newKey } from "../api.js";
import { h, clear, alertBox, makeForm, toast, nowLocalInput, fmtDate } from "../ui.js";

export async function render({ main, query, navigate, alive }) {
  const { items } = await get("/registry/v1/rule-sets");
  if (!alive()) return;
  const ruleSets = items.filter((r) => r.kind === "blacklist");
  const current = ruleSets.find((r) => r.default) || ruleSets[0];
  const idempotencyKey = newKey();

  const form = makeForm({
    fields: [
      { name: "uscc", label: "统一社会信用代码", required: true, value: query.uscc || "", maxlength: 18 },
      {
        name: "rule_set",
        label: "依据规则",
        type: "select",
        blank: false,
        options: ruleSets.map((r) => [r.code, `${r.title}${r.default ? "（现行）" : ""}`]),
        value: current?.code,
      },
      { name: "situation", label: "列入情形", type: "select", options: [], required: true, wide: true },
      { name: "penalty_decision_ref", label: "行政处罚决定书文号", required: true, placeholder: "如 湖应急罚〔2026〕12号" },
      { name: "decided_at", label: "列入决定时间", type: "datetime", required: true, value: nowLocalInput() },
    ],
    submitLabel: "列入黑名单",
    onCancel: () => history.back(),
    describe: describeProblem,
    async onSubmit(v) {
      const body = { ...v, uscc: v.uscc.toUpperCase() };
      const { data } = await api("/registry/v1/blacklist", { method: "POST", json: body, idempotencyKey, silent: true });
      toast(`已列入黑名单，到期日 ${fmtDate(data.expires_at)}`, { kind: "ok" });
      navigate(`/blacklist/${data.id}`);
    },
  });
  const ruleSelect = form.controls.rule_set.control;
  const situationSelect = form.controls.situation.control;
  const ruleInfo = h("div.help");
  function fillSituations() {
    const rs = ruleSets.find((r) => r.code === ruleSelect.value);
    situationSelect.replaceChildren(h("option", { value: "" }, "请选择"), ...(rs?.situations || []).map((s) => h("option", { value: s.code }, s.text)));
    ruleInfo.textContent = rs
      ? `${rs.basis || rs.code}；自 ${rs.effective_from} 起施行；列入期限 ${rs.term_months ?? "—"} 个月${rs.repair_min_months ? `，满 ${rs.repair_min_months} 个月后可申请信用修复` : ""}。`
      : "";
  }
  ruleSelect.addEventListener("change", fillSituations);
  ruleSelect.closest("label").append(ruleInfo);
  fillSituations();

  clear(
    main,
    h("div.page-head", h("h1", "列入黑名单")),
    alertBox("warn", "列入前请确认程序完备", "列入应以行政处罚决定为前提，并已履行事先告知（陈述、申辩、异议）程序。列入后企业不参加 A/B/C/D 分级，标准化证书撤销，各联合惩戒单位将收到通知。"),
    h("section.card", form.el)
  );
}
