// 网格: the top cells of the grid (townships and streets) with this quarter's figures, a search for
// a cell at any level, and a new top cell. Clicking a cell drills down to its page.
import { api, get, describeProblem, newKey } from "../api.js";
import * as session from "../session.js";
import { DIVISIONS, divisionName } from "../labels.js";
import { h, clear, alertBox, loading, table, pager, fmtInt, fmtPct, makeForm, dialog, toast } from "../ui.js";
import { remember, isBuilder } from "../grid-common.js";

const LIMIT = 50;

/** The figures of /grid/v1/stats: [key, label, unit]. */
export const FIGURES = [
  ["enterprises", "企业", "家"],
  ["enterprises_inspected", "已巡查企业", "家"],
  ["inspections", "巡查次数", "次"],
  ["findings", "发现问题", "项"],
  ["reports", "上报事项", "件"],
  ["reports_open", "未办结上报", "件"],
  ["reports_escalated", "逾期上移", "件"],
];

function coverage(s) {
  return s.enterprises ? fmtPct((s.enterprises_inspected / s.enterprises) * 100) : "—";
}

/** The KPI tiles of one CellStats (its subtree summed). */
export function statsKpis(s) {
  const kpi = (key, text, value, unit, cls = "") =>
    h(`div.kpi${cls ? "." + cls : ""}`, { dataset: { kpi: key } }, h("div.label", text), h("div.value", value, unit ? h("small", unit) : null));
  return h(
    "div.kpis.eight",
    FIGURES.map(([key, text, unit]) => kpi(key, text, fmtInt(s[key]), unit, key === "reports_escalated" && s[key] > 0 ? "bad" : key === "enterprises" ? "emph" : "")),
    kpi("coverage", "巡查覆盖率", coverage(s), "")
  );
}

/** Table columns of the figures; ``pick(row)`` gives the row's CellStats (or undefined). */
export function statsColumns(pick) {
  return [
    ...FIGURES.map(([key, text]) => ({ label: text, num: true, render: (r) => (pick(r) ? fmtInt(pick(r)[key]) : "—") })),
    { label: "巡查覆盖率", num: true, render: (r) => (pick(r) ? coverage(pick(r)) : "—") },
  ];
}

/** The dialog that adds a cell: a top cell when ``parent`` is null, else a child of it. */
export function newCell({ parent = null, onDone }) {
  const idempotencyKey = newKey();
  const scope = session.divisionsInScope();
  const level = parent ? parent.level + 1 : 1;
  const form = makeForm({
    cls: "one",
    fields: [
      { name: "code", label: "网格编码", required: true, maxlength: 40, placeholder: parent ? `如 ${parent.code}-01` : "如 330503-06", help: "全市唯一：字母、数字、点、短横线或下划线" },
      { name: "name", label: "网格名称", required: true, maxlength: 100, placeholder: parent ? (parent.level === 1 ? "如 三桥村" : "网格名称") : "如 旧馆镇" },
      {
        name: "division_code",
        label: "所属区县",
        type: "select",
        options: scope.filter((c) => c !== "330500").map((c) => [c, DIVISIONS[c]]),
        blank: parent ? "同上级网格" : "不指定（功能区等）",
        value: !parent && scope.length === 1 ? scope[0] : "",
      },
    ],
    submitLabel: parent ? "添加下级网格" : "新建网格",
    onCancel: () => dlg.close(),
    describe: describeProblem,
    async onSubmit(v) {
      const body = { code: v.code, name: v.name };
      if (parent) body.parent_id = parent.id;
      if (v.division_code) body.division_code = v.division_code;
      const { data } = await api("/grid/v1/cells", { method: "POST", json: body, idempotencyKey, silent: true });
      remember([data]);
      dlg.close();
      toast(`网格「${data.name}」已建立（${data.level_name}）`, { kind: "ok" });
      onDone(data);
    },
  });
  const intro = parent
    ? h("p", "在「", h("b", parent.name), `」下添加第 ${level} 级网格。名称与企业登记的村（社区）一致时，企业自动纳入该网格。`)
    : h("p", "新建第 1 级网格（乡镇、街道）。名称与企业登记的乡镇（街道）一致时，企业自动纳入该网格。");
  const dlg = dialog(parent ? "添加下级网格" : "新建乡镇（街道）网格", h("div", intro, form.el));
}

export async function render({ main, query, navigate, alive }) {
  const f = { q: query.q || "", offset: Number(query.offset || 0) };
  const filterForm = h(
    "form.filters",
    { role: "search" },
    h("label", "网格名称或编码", h("input", { type: "search", name: "q", id: "grid-q", value: f.q, placeholder: "如 三桥村 或 330503-V007" })),
    h("button.btn.primary", { type: "submit" }, "查找"),
    f.q ? h("button.btn", { type: "button", onclick: () => navigate("/grid", {}) }, "返回网格树") : null
  );
  filterForm.addEventListener("submit", (e) => {
    e.preventDefault();
    navigate("/grid", { q: String(new FormData(filterForm).get("q") || "").trim(), offset: 0 });
  });

  const summary = h("section.card#grid-summary", h("h2", "本季度网格工作"), loading());
  const body = h("div#grid-cells", loading());
  clear(
    main,
    h(
      "div.page-head",
      h("h1", "网格"),
      h("span.sub", "乡镇（街道）→ 村（社区）→ 生产经营单位，逐级落实安全生产责任"),
      h(
        "div.actions",
        h("a.btn", { href: "#/grid/reports" }, "网格上报"),
        h("a.btn", { href: "#/grid/plan" }, "巡查计划"),
        isBuilder() ? h("button.btn.primary#new-root-cell", { type: "button", onclick: () => newCell({ onDone: (c) => navigate(`/grid/cells/${c.id}`) }) }, "＋ 新建网格") : null
      )
    ),
    summary,
    filterForm,
    body
  );

  const listQuery = f.q ? { q: f.q, limit: LIMIT, offset: f.offset } : { roots: true, limit: LIMIT, offset: f.offset };
  const [list, stats] = await Promise.allSettled([
    (async () => {
      const page = await get("/grid/v1/cells", listQuery);
      // A grid worker sees no roots: show the top of their own part of the grid instead.
      if (!f.q && page.total === 0 && f.offset === 0) return get("/grid/v1/cells", { limit: LIMIT });
      return page;
    })(),
    get("/grid/v1/stats", { depth: 1 }),
  ]);
  if (!alive()) return;

  const byCell = new Map();
  if (stats.status === "fulfilled") {
    const s = stats.value;
    for (const c of s.cells) byCell.set(c.cell_id, c);
    clear(summary, h("h2", "本季度网格工作", h("span.hint", `${s.first_day} 至 ${s.last_day}，${s.total.name}`)), statsKpis(s.total));
  } else {
    const { title, detail } = describeProblem(stats.reason);
    clear(summary, h("h2", "本季度网格工作"), alertBox(stats.reason.status === 403 ? "warn" : "error", title, detail));
  }

  if (list.status === "rejected") {
    const err = list.reason;
    const { title, detail } = describeProblem(err);
    clear(body, alertBox(err.status === 403 ? "warn" : "error", title, detail));
    return;
  }
  const page = list.value;
  remember(page.items);
  const open = (c) => navigate(`/grid/cells/${c.id}`);
  clear(
    body,
    f.q ? h("p.muted", `查找「${f.q}」的结果（各级网格）`) : null,
    table(
      [
        { label: "网格名称", render: (c) => h("a", { href: `#/grid/cells/${c.id}` }, c.name) },
        { label: "网格编码", render: (c) => h("span.mono", c.code), nowrap: true },
        { label: "层级", render: (c) => `${c.level_name}（第 ${c.level} 级）`, nowrap: true },
        { label: "区县", render: (c) => divisionName(c.scope_code), nowrap: true },
        ...(f.q ? [] : statsColumns((c) => byCell.get(c.id))),
      ],
      page.items,
      { onRow: open, emptyText: f.q ? "没有找到符合的网格" : "尚未建立网格" }
    ),
    pager(page, (offset) => navigate("/grid", { ...f, offset }))
  );
}
