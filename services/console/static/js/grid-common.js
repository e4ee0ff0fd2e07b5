// Shared pieces of the grid (网格) pages: cell names fetched once per session, the cell picker,
// report badges, the dialog that files a report, and who may build the grid.
import { api, get, describeProblem, newKey } from "./api.js";
import * as session from "./session.js";
import { REPORT_KINDS, REPORT_STATUS, label } from "./labels.js";
import { h, badge, makeForm, dialog, toast, alertBox } from "./ui.js";

const cells = new Map(); // id -> Promise<cell | null>

/** Keep cells a list already returned, so their names need no further request. */
export function remember(list) {
  for (const c of list || []) if (c && c.id) cells.set(c.id, Promise.resolve(c));
}

/** One cell (null when it does not exist or lies outside the user's scope). */
export function cellById(id) {
  if (!id) return Promise.resolve(null);
  if (!cells.has(id)) cells.set(id, get(`/grid/v1/cells/${encodeURIComponent(id)}`).catch(() => null));
  return cells.get(id);
}

/** A Map of id -> cell (or null) for ``ids``, six requests at a time. */
export async function cellMap(ids) {
  const todo = [...new Set(ids)].filter((id) => id && !cells.has(id));
  let i = 0;
  async function worker() {
    while (i < todo.length) await cellById(todo[i++]);
  }
  await Promise.all(Array.from({ length: Math.min(6, todo.length) }, worker));
  const out = new Map();
  for (const id of new Set(ids)) if (id) out.set(id, await cellById(id));
  return out;
}

/** The cell's name linking to its page ("—" when there is none). */
export function cellLink(id, map) {
  if (!id) return "—";
  const c = map.get(id);
  if (!c) return h("span.muted", "（辖区外网格）");
  return namedCellLink(id, c.name);
}

/** A cell whose name the API item already carries (a report's ``cell_name``), linking to its page. */
export function namedCellLink(id, name) {
  return h("a", { href: `#/grid/cells/${encodeURIComponent(id)}` }, name);
}

/** Admins and officers build the grid: add cells and members, place enterprises. */
export function isBuilder() {
  const role = session.user().role;
  return role === "admin" || role === "officer";
}

export function reportStatusBadge(status) {
  return badge(label(REPORT_STATUS, status), { filed: "warn", acknowledged: "info", resolved: "ok" }[status] || "");
}

export function cellOption(c) {
  return `${c.name}（${c.level_name} · ${c.code}）`;
}

/**
 * A search box and a select of cells: the roots at first (every cell in scope when the user sees
 * no roots, e.g. a grid worker), matches of the name or code once something is typed.
 * ``value`` (an id) is selected at the start. Returns {el, select, value(), cell(), ready}.
 */
export function cellPicker({ value = "", allLabel = null, id = "cell-picker", name = "cell_id", onChange } = {}) {
  const select = h("select", { id, name, "aria-label": "网格" });
  const search = h("input", { type: "search", placeholder: "搜索网格名称或编码", "aria-label": "搜索网格", style: { width: "150px" } });
  const found = new Map();
  let current = value; // the id picked, kept while the options load
  let picked = null;
  let resolved = !value;
  let timer = null;
  let asked = 0;

  function fill(items) {
    select.replaceChildren();
    if (allLabel) select.append(h("option", { value: "" }, allLabel));
    else if (!current) select.append(h("option", { value: "" }, "请选择网格"));
    if (current && !items.some((c) => c.id === current)) {
      select.append(h("option", { value: current }, picked ? cellOption(picked) : resolved ? "（无法查看的网格）" : "正在加载…"));
    }
    for (const c of items) {
      found.set(c.id, c);
      select.append(h("option", { value: c.id }, cellOption(c)));
    }
    select.value = current;
  }

  async function load(q) {
    const n = ++asked;
    let items = [];
    try {
      if (q) items = (await get("/grid/v1/cells", { q, limit: 50 })).items;
      else {
        items = (await get("/grid/v1/cells", { roots: true, limit: 200 })).items;
        if (!items.length) items = (await get("/grid/v1/cells", { limit: 200 })).items;
      }
    } catch {
      items = [];
    }
    if (n !== asked) return; // a later search overtook this one
    remember(items);
    fill(items);
  }

  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => load(search.value.trim()), 250);
  });
  // Enter in the search box searches now instead of submitting the surrounding form.
  search.addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    e.preventDefault();
    clearTimeout(timer);
    load(search.value.trim());
  });
  select.addEventListener("change", () => {
    current = select.value;
    picked = found.get(current) || null;
    if (onChange) onChange(picked);
  });

  fill([]);
  const ready = (async () => {
    if (value) {
      picked = await cellById(value);
      if (picked) found.set(picked.id, picked);
    }
    resolved = true;
    await load("");
  })();
  return { el: h("span.cell-picker", search, select), select, value: () => current, cell: () => picked, ready };
}

/**
 * The dialog that files a report: in ``cell`` when given, else in a cell picked here.
 * ``onDone(report)`` runs after the report was filed.
 */
export function fileReport({ cell = null, uscc = "", onDone } = {}) {
  const idempotencyKey = newKey();
  const picker = cell ? null : cellPicker({ id: "report-cell" });
  const form = makeForm({
    cls: "one",
    fields: [
      { name: "kind", label: "上报类型", type: "select", options: REPORT_KINDS, required: true },
      { name: "uscc", label: "涉及企业的统一社会信用代码（可选）", value: uscc, maxlength: 18 },
      { name: "description", label: "情况描述", type: "textarea", required: true, rows: 4, placeholder: "时间、地点、看到的情况" },
    ],
    submitLabel: "上报",
    onCancel: () => dlg.close(),
    describe: describeProblem,
    async onSubmit(v, { msg }) {
      const target = cell || (picker && picker.cell());
      if (!target) {
        msg.replaceChildren(alertBox("error", "请选择上报所在的网格。"));
        return;
      }
      const body = { cell_id: target.id, kind: v.kind, description: v.description };
      if (v.uscc) body.uscc = v.uscc.toUpperCase();
      const { data } = await api("/grid/v1/reports", { method: "POST", json: body, idempotencyKey, silent: true });
      dlg.close();
      toast(`已上报，等待「${data.routed_to_name}」签收`, { kind: "ok" });
      if (onDone) onDone(data);
    },
  });
  const where = cell
    ? h("p", "上报网格：", h("b", cell.name), h("span.muted", `（${cell.level_name} · ${cell.code}）`), "。事项将送交上一级网格签收办理。")
    : h("div.field-row", h("span.lbl", "上报网格 "), picker.el, h("p.muted", "事项将送交所选网格的上一级签收办理。"));
  const dlg = dialog("上报事项", h("div", where, form.el));
  return dlg;
}
