// 发起考评: five part scores and the period's facts; one assessment gives two results
// (一次考评两个结果): the standardization result and the credit class.
import { api, get, describeProblem } from "../api.js";
import { SCORE_PARTS, CLASS_LINE_TEXT } from "../labels.js";
import { h, clear, alertBox, makeForm, toast, kv, today } from "../ui.js";

function pct(w) {
  return `${Math.round(Number(w) * 1000) / 10}%`;
}

export async function render({ main, params, navigate, alive, setTitle }) {
  const enc = encodeURIComponent(params.uscc);
  const [enterprise, ruleSets] = await Promise.all([
    get(`/registry/v1/enterprises/${enc}`),
    get("/registry/v1/rule-sets").catch(() => ({ items: [] })),
  ]);
  if (!alive()) return;
  setTitle(`发起考评：${enterprise.name}`);
  const rules = ruleSets.items.find((r) => r.kind === "assessment" && r.default) || ruleSets.items.find((r) => r.kind === "assessment");
  const weights = rules?.weights || {};

  const scoreFields = Object.entries(SCORE_PARTS).map(([part, name]) => ({
    name: part,
    label: weights[part] ? `${name}（权重 ${pct(weights[part])}）` : name,
    type: "number",
    min: 0,
    max: 100,
    step: "0.1",
    required: true,
  }));
  const form = makeForm({
    fields: [
      { name: "period", label: "考评期", required: true, value: String(Number(today().slice(0, 4)) - 1), help: "如 2025 或 2025H2" },
      { type: "heading", label: "分项得分（0-100）" },
      ...scoreFields,
      { type: "heading", label: "考评期内的事实" },
      { name: "fatal_accidents", label: "死亡事故起数", type: "number", min: 0, help: "留空则按系统中的事故记录统计" },
      { name: "penalties", label: "行政处罚次数", type: "number", min: 0, help: "留空视为 0 次" },
      { name: "public_commitment_signed", label: "已签署安全生产公开承诺", type: "checkbox", value: true },
    ],
    submitLabel: "提交考评",
    onCancel: () => history.back(),
    describe: describeProblem,
    async onSubmit(v) {
      const body = {
        period: v.period,
        scores: Object.fromEntries(Object.keys(SCORE_PARTS).map((k) => [k, v[k]])),
        facts: { public_commitment_signed: v.public_commitment_signed },
      };
      if (v.fatal_accidents !== null) body.facts.fatal_accidents = v.fatal_accidents;
      if (v.penalties !== null) body.facts.penalties = v.penalties;
      const { data } = await api(`/registry/v1/enterprises/${enc}/assessments`, { method: "POST", json: body, silent: true });
      toast(`考评已提交：总分 ${data.total_score}，${data.credit_class} 级（待另一名监管人员审核）`, { kind: "ok" });
      navigate(`/assessments/${data.id}`);
    },
  });

  const ruleCard = rules
    ? h(
        "section.card",
        h("h2", "适用规则", h("span.hint", `${rules.code} 第 ${rules.version} 版，自 ${rules.effective_from} 起`)),
        kv([
          ["规则名称", rules.title],
          ["等级分数线", rules.class_lines ? Object.entries(rules.class_lines).map(([c, s]) => `${c} 级 ≥ ${s}`).join("，") + "，其余为 D 级" : "—"],
          ["否决与降级", rules.overrides ? CLASS_LINE_TEXT(rules.overrides) : "—"],
        ])
      )
    : null;

  clear(
    main,
    h("div.page-head", h("h1", `发起考评：${enterprise.name}`), h("span.sub.mono", enterprise.uscc)),
    alertBox("info", "一次考评，两个结果", "同一次考评同时得出安全生产标准化结果和诚信等级。考评提交后须由另一名监管人员审核（四眼原则），批准后生效。"),
    h("div.grid2", h("section.card", form.el), ruleCard)
  );
}
