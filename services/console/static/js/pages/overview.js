// 总览: credit classes, hazard indicators for a period and the three accident indicators, by area.
import { get, describeProblem } from "../api.js";
import * as session from "../session.js";
import { DIVISIONS, CATEGORIES, HAZARD_SOURCES, label } from "../labels.js";
import { h, clear, alertBox, loading, bars, table, fmtInt, fmtMoney, fmtPct, changeBadge, today } from "../ui.js";

function select(name, options, value, onchange) {
  const sel = h("select", { name, id: `ov-${name}`, onchange });
  for (const [v, l] of options) sel.append(h("option", { value: v }, l));
  sel.value = value;
  return sel;
}

function failed(err) {
  const { title, detail } = describeProblem(err);
  return alertBox(err.status === 403 ? "warn" : "error", title, detail);
}

export async function render({ main, query, navigate, alive }) {
  const year = Number(today().slice(0, 4));
  const scope = session.divisionsInScope();
  const state = {
    division: scope.includes(query.division) ? query.division : session.defaultDivision(),
    category: query.category || "",
    from: query.from || `${year}-01-01`,
    to: query.to || today(),
    year: query.year || String(year),
  };
  const refresh = (patch) => navigate("/overview", { ...state, ...patch }, { replace: true });

  const years = [];
  for (let y = year; y >= year - 10; y--) years.push([String(y), `${y} 年`]);
  const fromInput = h("input", { type: "date", name: "from", id: "ov-from", value: state.from, onchange: (e) => refresh({ from: e.target.value }) });
  const toInput = h("input", { type: "date", name: "to", id: "ov-to", value: state.to, onchange: (e) => refresh({ to: e.target.value }) });

  const credit = h("section.card#credit-card", h("h2", "诚信等级分布", h("span.hint", "黑名单企业不参加 A/B/C/D 分级，单列统计")), loading());
  const hazard = h("section.card#hazard-card", h("h2", "隐患排查治理", h("span.hint", `${state.from} 至 ${state.to}`)), loading());
  const work = h("section.card#work-card", h("h2", "企业基础与标准化", h("span.hint", `${state.from} 至 ${state.to}`)), loading());
  const sourcesHint = "统计期内发现的隐患，按来源（如安全顾问服务）；已整改 = 统计期末前已销号";
  const sources = h("section.card#source-card", h("h2", "隐患来源", h("span.hint", `${state.from} 至 ${state.to}`)), loading());
  const accidents = h("section.card#accident-card", h("h2", "事故三项指标", h("span.hint", `${state.year} 年，不含火灾，与上年同期比较`)), loading());

  clear(
    main,
    h(
      "div.page-head",
      h("h1", "总览"),
      h("span.sub", `${DIVISIONS[state.division] || state.division} · 数据实时取自各业务系统`)
    ),
    h(
      "div.filters",
      h("label", "区域", select("division", scope.map((c) => [c, DIVISIONS[c] || c]), state.division, (e) => refresh({ division: e.target.value }))),
      h("label", "行业类别（诚信统计）", select("category", [["", "全部行业"], ...Object.entries(CATEGORIES)], state.category, (e) => refresh({ category: e.target.value }))),
      h("label", "隐患统计起", fromInput),
      h("label", "止", toInput),
      h("label", "事故年份", select("year", years, state.year, (e) => refresh({ year: e.target.value })))
    ),
    h("div.grid2", credit, hazard),
    h("div.grid2", work, sources),
    accidents
  );

  const period = { division_code: state.division, from: state.from, to: state.to };
  const [c, hz, acc, src, act, std] = await Promise.allSettled([
    get("/registry/v1/stats/credit", { division_code: state.division, category: state.category }),
    get("/hazard/v1/stats", { division_code: state.division, from: state.from, to: state.to }),
    get("/hazard/v1/stats/accidents", { division_code: state.division, year: state.year }),
    get("/hazard/v1/stats/sources", { division_code: state.division, from: state.from, to: state.to }),
    get("/registry/v1/stats/activity", period),
    get("/registry/v1/stats/standardization", period),
  ]);
  if (!alive()) return;

  if (c.status === "fulfilled") {
    const s = c.value;
    const items = [
      { key: "A", label: "A 级", value: s.by_class.A },
      { key: "B", label: "B 级", value: s.by_class.B },
      { key: "C", label: "C 级", value: s.by_class.C },
      { key: "D", label: "D 级", value: s.by_class.D },
      { key: "unrated", label: "未评级", value: s.by_class.unrated },
      { key: "blacklisted", label: "黑名单", value: s.blacklisted },
    ];
    const links = h(
      "div.btn-row",
      ["A", "B", "C", "D"].map((k) => h("a.btn.small", { href: `#/enterprises?credit_class=${k}&division_code=${state.division}` }, `查看 ${k} 级企业`)),
      h("a.btn.small", { href: `#/enterprises?blacklisted=true&division_code=${state.division}` }, "查看黑名单企业")
    );
    clear(
      credit,
      h("h2", "诚信等级分布", h("span.hint", "黑名单企业不参加 A/B/C/D 分级，单列统计")),
      h(
        "div.kpis",
        { style: { marginBottom: "12px" } },
        h("div.kpi.emph", { dataset: { kpi: "total" } }, h("div.label", "企业总数"), h("div.value", fmtInt(s.total), h("small", "家"))),
        h("div.kpi", { dataset: { kpi: "graded" } }, h("div.label", "已评级（A-D）"), h("div.value", fmtInt(s.by_class.A + s.by_class.B + s.by_class.C + s.by_class.D), h("small", "家"))),
        h("div.kpi", { class: s.blacklisted ? "bad" : "", dataset: { kpi: "blacklisted" } }, h("div.label", "黑名单"), h("div.value", fmtInt(s.blacklisted), h("small", "家")))
      ),
      bars(items, { total: s.total }),
      h("div", { style: { marginTop: "10px" } }, links)
    );
  } else clear(credit, h("h2", "诚信等级分布"), failed(c.reason));

  if (hz.status === "fulfilled") {
    const s = hz.value;
    const kpi = (key, label, value, cls = "", unit = "") =>
      h(`div.kpi${cls ? "." + cls : ""}`, { dataset: { kpi: key } }, h("div.label", label), h("div.value", value, unit ? h("small", unit) : null));
    const rate = s.due_rectification_rate;
    clear(
      hazard,
      h("h2", "隐患排查治理", h("span.hint", `${s.from} 至 ${s.to}`)),
      h(
        "div.kpis.four",
        kpi("hazards", "隐患数", fmtInt(s.hazards), "", "项"),
        kpi("notices", "整改通知书", fmtInt(s.notices), "", "份"),
        kpi("due", "到期", fmtInt(s.due), "", "项"),
        kpi("closed_on_time", "按期整改", fmtInt(s.closed_on_time), "", "项"),
        kpi("closed_late", "逾期整改", fmtInt(s.closed_late), "", "项"),
        kpi("overdue", "逾期未改", fmtInt(s.overdue), s.overdue > 0 ? "bad" : "", "项"),
        kpi("major_listed", "挂牌督办", fmtInt(s.major_listed), "", "项")
      ),
      h(
        "div.rate",
        { style: { marginTop: "14px" } },
        h("b", "到期整改率"),
        h("div.bar-track", h("div.bar-fill.fill-accent", { style: { width: `${rate === null ? 0 : Number(rate)}%` } })),
        h("b#due-rate", { dataset: { kpi: "due_rectification_rate" } }, rate === null ? "—（期内无到期隐患）" : fmtPct(rate))
      ),
      h("p.muted", "到期整改率 = 期限在统计期内且按期销号的隐患 ÷ 期限在统计期内的隐患；逾期整改单列。"),
      h("div.btn-row", h("a.btn.small", { href: `#/hazards?overdue=true&division_code=${state.division}` }, "查看逾期未改隐患"), h("a.btn.small", { href: `#/hazards?listed=true&division_code=${state.division}` }, "查看挂牌督办隐患"))
    );
  } else clear(hazard, h("h2", "隐患排查治理"), failed(hz.reason));

  if (act.status === "fulfilled" && std.status === "fulfilled") {
    const a = act.value;
    const s = std.value;
    const kpi = (key, label, value, unit) =>
      h("div.kpi", { dataset: { kpi: key } }, h("div.label", label), h("div.value", fmtInt(value), h("small", unit)));
    clear(
      work,
      h("h2", "企业基础与标准化", h("span.hint", `${a.from} 至 ${a.to}`)),
      h(
        "div.kpis",
        kpi("changes", "基础信息新增或完善", a.changes, "家次"),
        kpi("registered", "其中新登记", a.registered, "家"),
        kpi("updated", "其中完善", a.updated, "次")
      ),
      h(
        "div.kpis.four",
        { style: { marginTop: "12px" } },
        kpi("assessed", "考评通过审核", s.assessed, "家"),
        kpi("grade_1", "标准化一级", s.by_grade["1"], "家"),
        kpi("grade_2", "标准化二级", s.by_grade["2"], "家"),
        kpi("grade_3", "标准化三级", s.by_grade["3"], "家")
      ),
      h("p.muted", "基础信息按企业信息变更记录统计（登记、修改、批量导入）；标准化按统计期内审核通过的考评，每家企业取期内最近一次结果。")
    );
  } else clear(work, h("h2", "企业基础与标准化"), failed(act.status === "rejected" ? act.reason : std.reason));

  if (src.status === "fulfilled") {
    const s = src.value;
    const rate = (f) => (f.rectification_rate === null ? "—" : fmtPct(f.rectification_rate));
    const rows = [...s.sources, { ...s.total, source: null }];
    clear(
      sources,
      h("h2", "隐患来源", h("span.hint", `${s.from} 至 ${s.to}`)),
      table(
        [
          { label: "来源", render: (f) => (f.source ? label(HAZARD_SOURCES, f.source) : h("b", "合计")) },
          { label: "隐患数", num: true, render: (f) => fmtInt(f.hazards) },
          { label: "涉及企业", num: true, render: (f) => fmtInt(f.enterprises) },
          { label: "已整改", num: true, render: (f) => fmtInt(f.rectified) },
          { label: "整改率", num: true, render: rate },
        ],
        s.sources.length ? rows : [],
        { rowClass: (f) => (f.source ? `src-${f.source}` : "src-total"), emptyText: "统计期内没有发现隐患" }
      ),
      h("p.muted", sourcesHint)
    );
  } else clear(sources, h("h2", "隐患来源"), failed(src.reason));

  if (acc.status === "fulfilled") {
    const s = acc.value;
    const row = (key, label, value, prev, change) =>
      h(
        "div.kpi",
        { dataset: { kpi: key } },
        h("div.label", label),
        h("div.value", value),
        h("div.delta", changeBadge(change)),
        h("div.muted", `上年同期：${prev}`)
      );
    clear(
      accidents,
      h("h2", "事故三项指标", h("span.hint", `${s.year} 年${s.include_fires ? "" : "，不含火灾"}，与 ${s.previous.year} 年比较`)),
      h(
        "div.kpis.wide",
        row("accidents", "事故起数", h("span", fmtInt(s.accidents), h("small", "起")), `${fmtInt(s.previous.accidents)} 起`, s.change_percent.accidents),
        row("deaths", "死亡人数", h("span", fmtInt(s.deaths), h("small", "人")), `${fmtInt(s.previous.deaths)} 人`, s.change_percent.deaths),
        row("direct_loss", "直接经济损失", h("span", fmtMoney(s.direct_loss)), fmtMoney(s.previous.direct_loss), s.change_percent.direct_loss)
      ),
      h("div.btn-row", { style: { marginTop: "10px" } }, h("a.btn.small", { href: `#/accidents?year=${s.year}` }, "查看事故记录"))
    );
  } else clear(accidents, h("h2", "事故三项指标"), failed(acc.reason));
}
