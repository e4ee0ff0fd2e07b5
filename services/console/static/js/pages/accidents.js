// 事故: record an accident (graded by State Council Order 493) and list them by year.
import { api, get, describeProblem, newKey } from "../api.js";
import { ACCIDENT_KINDS, ACCIDENT_GRADES, label, divisionName } from "../labels.js";
import { h, clear, alertBox, loading, table, pager, badge, fmtDateTime, fmtMoney, fmtInt, makeForm, dialog, toast, today, nowLocalInput } from "../ui.js";

const LIMIT = 50;

function recordAccident(reload) {
  const idempotencyKey = newKey();
  const form = makeForm({
    cls: "two",
    fields: [
      { name: "uscc", label: "企业统一社会信用代码", required: true, maxlength: 18 },
      { name: "occurred_at", label: "发生时间", type: "datetime", required: true, value: nowLocalInput() },
      { name: "kind", label: "事故类别（GB 6441）", type: "select", options: ACCIDENT_KINDS, required: true },
      { name: "is_fire", label: "火灾事故", type: "checkbox" },
      { name: "deaths", label: "死亡人数", type: "number", min: 0, required: true, value: 0 },
      { name: "serious_injuries", label: "重伤人数", type: "number", min: 0, required: true, value: 0 },
      { name: "direct_loss", label: "直接经济损失（元）", type: "number", min: 0, step: "0.01", required: true, value: 0 },
      { name: "description", label: "事故经过", type: "textarea", wide: true },
    ],
    submitLabel: "记录事故",
    onCancel: () => dlg.close(),
    describe: describeProblem,
    async onSubmit(v) {
      const body = { ...v, uscc: v.uscc.toUpperCase(), direct_loss: String(v.direct_loss) };
      if (!body.description) delete body.description;
      const { data } = await api("/hazard/v1/accidents", { method: "POST", json: body, idempotencyKey, silent: true });
      dlg.close();
      toast(`事故已记录（${label(ACCIDENT_GRADES, data.grade)}事故）`, { kind: "ok" });
      reload();
    },
  });
  const dlg = dialog("记录事故", form.el);
}

export async function render({ main, query, navigate, alive }) {
  const year = query.year || today().slice(0, 4);
  const offset = Number(query.offset || 0);
  const reload = () => navigate("/accidents", { year, t: Date.now() }, { replace: true });
  const years = [];
  for (let y = Number(today().slice(0, 4)); y >= Number(today().slice(0, 4)) - 10; y--) years.push(String(y));
  const yearSel = h("select", { name: "year", onchange: (e) => navigate("/accidents", { year: e.target.value }) }, years.map((y) => h("option", { value: y }, `${y} 年`)));
  yearSel.value = year;
  const body = h("div", loading());
  clear(
    main,
    h("div.page-head", h("h1", "事故"), h("span.sub", "生产安全事故记录；三项指标见「总览」"), h("div.actions", h("button.btn.primary", { type: "button", onclick: () => recordAccident(reload) }, "＋ 记录事故"))),
    h("div.filters", h("label", "年份", yearSel)),
    body
  );
  let page;
  try {
    page = await get("/hazard/v1/accidents", { year, limit: LIMIT, offset });
  } catch (err) {
    if (!alive()) return;
    const { title, detail } = describeProblem(err);
    clear(body, alertBox("error", title, detail));
    return;
  }
  if (!alive()) return;
  clear(
    body,
    table(
      [
        { label: "发生时间", render: (a) => fmtDateTime(a.occurred_at), nowrap: true },
        { label: "企业", render: (a) => h("a", { href: `#/enterprises/${encodeURIComponent(a.uscc)}` }, a.enterprise_name || a.uscc) },
        { label: "区域", render: (a) => divisionName(a.division_code), nowrap: true },
        { label: "类别", render: (a) => h("span", label(ACCIDENT_KINDS, a.kind), a.is_fire ? h("span", " ", badge("火灾", "warn")) : null) },
        { label: "等级", render: (a) => badge(`${label(ACCIDENT_GRADES, a.grade)}事故`, a.grade === "general" ? "" : "bad"), nowrap: true },
        { label: "死亡", render: (a) => fmtInt(a.deaths), num: true },
        { label: "重伤", render: (a) => fmtInt(a.serious_injuries), num: true },
        { label: "直接经济损失", render: (a) => fmtMoney(a.direct_loss), num: true, nowrap: true },
        { label: "记录人", key: "recorded_by" },
      ],
      page.items,
      { emptyText: `${year} 年没有事故记录` }
    ),
    pager(page, (o) => navigate("/accidents", { year, offset: o }))
  );
}
