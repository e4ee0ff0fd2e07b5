// Small DOM helpers: elements, formatting (Asia/Shanghai, 元), tables, pagers, forms, dialogs.
// Text always goes in through textContent: nothing the API returns is parsed as HTML.

/** h("div.card#id", {onclick, class, style: {...}, dataset: {...}}, ...children) */
export function h(tag, attrs, ...children) {
  if (attrs === null || typeof attrs !== "object" || attrs instanceof Node || Array.isArray(attrs)) {
    if (attrs !== undefined && attrs !== null) children.unshift(attrs);
    attrs = {};
  }
  const [name, ...rest] = tag.split(/(?=[.#])/);
  const el = document.createElement(name || "div");
  for (const part of rest) {
    if (part.startsWith(".")) el.classList.add(part.slice(1));
    else if (part.startsWith("#")) el.id = part.slice(1);
  }
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") String(v).split(/\s+/).filter(Boolean).forEach((c) => el.classList.add(c));
    else if (k === "style") Object.assign(el.style, v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "value") el.value = v;
    else if (k === "checked") el.checked = !!v;
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// ---- formatting -------------------------------------------------------------------------

const TZ = "Asia/Shanghai";
const partsFmt = new Intl.DateTimeFormat("zh-CN", {
  timeZone: TZ,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});
const numFmt = new Intl.NumberFormat("zh-CN");
const moneyFmt = new Intl.NumberFormat("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function shanghaiParts(date) {
  const out = {};
  for (const p of partsFmt.formatToParts(date)) out[p.type] = p.value;
  return out;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A date for display: date-only values as they are, instants as the Shanghai calendar date. */
export function fmtDate(value) {
  if (!value) return "—";
  if (DATE_ONLY.test(value)) return value;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const p = shanghaiParts(d);
  return `${p.year}-${p.month}-${p.day}`;
}

/** An instant in Beijing time, "2026-11-30 10:16". */
export function fmtDateTime(value) {
  if (!value) return "—";
  if (DATE_ONLY.test(value)) return value;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const p = shanghaiParts(d);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** Today in Shanghai as YYYY-MM-DD. */
export function today() {
  return fmtDate(new Date().toISOString());
}

export function addDays(isoDate, days) {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Now in Shanghai for a datetime-local input: YYYY-MM-DDTHH:mm. */
export function nowLocalInput() {
  const p = shanghaiParts(new Date());
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** An instant as a datetime-local value in Beijing time, to the second: YYYY-MM-DDTHH:mm:ss. */
export function localInputOf(value) {
  const p = shanghaiParts(new Date(value));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

/** A datetime-local value (Beijing wall time) as RFC 3339 with +08:00. */
export function toInstant(localValue) {
  if (!localValue) return null;
  const v = localValue.length === 16 ? `${localValue}:00` : localValue;
  return `${v}+08:00`;
}

export function fmtInt(n) {
  if (n === null || n === undefined || n === "") return "—";
  return numFmt.format(Number(n));
}

/** Money in 元 with thousands separators: "1,680,000.00 元". */
export function fmtMoney(value) {
  if (value === null || value === undefined || value === "") return "—";
  const n = Number(value);
  if (Number.isNaN(n)) return String(value);
  return `${moneyFmt.format(n)} 元`;
}

export function fmtPct(value) {
  if (value === null || value === undefined || value === "") return "—";
  return `${Number(value).toFixed(2)}%`;
}

/** Year-on-year change, signed, with the right colour (for accidents a fall is good). */
export function changeBadge(percent) {
  if (percent === null || percent === undefined) return h("span.muted", "上年同期为 0，无法比较");
  const n = Number(percent);
  const sign = n > 0 ? "+" : "";
  const arrow = n > 0 ? "▲" : n < 0 ? "▼" : "＝";
  const cls = n > 0 ? "up-bad" : n < 0 ? "down-good" : "muted";
  return h(`span.${cls}`, `同比 ${arrow} ${sign}${n.toFixed(2)}%`);
}

// ---- messages -----------------------------------------------------------------------------

export function toast(title, { kind = "info", detail = "", ms = 6000 } = {}) {
  const box = document.getElementById("toasts");
  if (!box) return;
  const el = h(`div.toast.${kind}`, { role: kind === "error" ? "alert" : "status" }, h("div.toast-title", title));
  if (detail) el.append(h("div.toast-detail", detail));
  box.append(el);
  setTimeout(() => el.remove(), ms);
}

export function alertBox(kind, title, detail) {
  return h(`div.alert.${kind}`, { role: kind === "error" ? "alert" : null }, h("div.alert-title", title), detail ? h("div.alert-detail", detail) : null);
}

export function loading(text = "正在加载…") {
  return h("div.loading", text);
}

export function empty(text = "暂无数据") {
  return h("div.empty", text);
}

export function badge(text, kind = "") {
  return h(`span.badge${kind ? "." + kind : ""}`, text);
}

export function classBadge(cls, blacklisted = false) {
  if (blacklisted) return h("span.badge.black", { title: "在黑名单中，不参加 A/B/C/D 分级" }, "黑名单");
  if (!cls) return h("span.badge.cls.cls-none", { title: "未评级" }, "未评");
  return h(`span.badge.cls.cls-${cls}`, cls);
}

// ---- tables -------------------------------------------------------------------------------

/**
 * columns: [{label, key | render(row), num, nowrap, width}]; rows: objects.
 * onRow(row): makes rows clickable (and keyboard-activatable); rowClass(row): extra classes of a row.
 */
export function table(columns, rows, { onRow, rowClass, emptyText = "暂无数据", wrap = "", caption } = {}) {
  const thead = h("thead", h("tr", columns.map((c) => h("th", { class: c.num ? "num" : "", style: c.width ? { width: c.width } : null }, c.label))));
  const tbody = h("tbody");
  if (!rows.length) {
    tbody.append(h("tr", h("td", { colspan: columns.length }, h("div.empty", emptyText))));
  }
  for (const row of rows) {
    const tr = h("tr", { class: rowClass ? rowClass(row) : null });
    if (onRow) {
      tr.classList.add("clickable");
      tr.tabIndex = 0;
      tr.addEventListener("click", (e) => {
        if (e.target.closest("a, button, input, select")) return;
        onRow(row);
      });
      tr.addEventListener("keydown", (e) => e.key === "Enter" && onRow(row));
    }
    for (const c of columns) {
      const v = c.render ? c.render(row) : row[c.key];
      tr.append(h("td", { class: [c.num ? "num" : "", c.nowrap ? "nowrap" : ""].join(" ") }, v ?? "—"));
    }
    tbody.append(tr);
  }
  return h(`div.table-wrap${wrap ? "." + wrap : ""}`, h("table.data", caption ? h("caption.muted", caption) : null, thead, tbody));
}

export function pager({ total, limit, offset }, onPage) {
  const pages = Math.max(1, Math.ceil(total / limit));
  const page = Math.floor(offset / limit) + 1;
  const prev = h("button.btn.small", { type: "button", disabled: offset <= 0, onclick: () => onPage(Math.max(0, offset - limit)) }, "上一页");
  const next = h("button.btn.small", { type: "button", disabled: offset + limit >= total, onclick: () => onPage(offset + limit) }, "下一页");
  const from = total ? offset + 1 : 0;
  const to = Math.min(total, offset + limit);
  return h("div.pager", h("span", `共 ${fmtInt(total)} 条，第 ${from}-${to} 条`), h("span.spacer"), prev, h("span", `${page} / ${pages}`), next);
}

// ---- forms --------------------------------------------------------------------------------

// api.js registers how a problem reads in Chinese (kept there, beside the codes it knows).
let describer = (err) => ({ title: err.message || "操作失败", detail: "" });
let translator = (m) => m;
export function setProblemText(describe, translate) {
  describer = describe;
  translator = translate;
}

function optionList(options) {
  if (Array.isArray(options)) return options;
  return Object.entries(options);
}

function fieldControl(f) {
  const common = { name: f.name, id: `f-${f.name}`, required: f.required || null, placeholder: f.placeholder || null };
  if (f.type === "select") {
    const sel = h("select", common);
    if (f.blank !== false) sel.append(h("option", { value: "" }, f.blank || "请选择"));
    for (const [v, l] of optionList(f.options || {})) sel.append(h("option", { value: v }, l));
    if (f.value !== undefined && f.value !== null) sel.value = String(f.value);
    return sel;
  }
  if (f.type === "textarea") return h("textarea", { ...common, rows: f.rows || 3 }, f.value ?? "");
  if (f.type === "checkbox") return h("input", { ...common, type: "checkbox", checked: !!f.value });
  const type = { datetime: "datetime-local", number: "number", date: "date", password: "password", url: "url" }[f.type] || "text";
  return h("input", { ...common, type, value: f.value ?? "", min: f.min ?? null, max: f.max ?? null, step: f.step ?? null, maxlength: f.maxlength ?? null, autocomplete: f.autocomplete || "off" });
}

/**
 * A form: fields [{name, label, type, options, required, value, help, wide, ...}].
 * onSubmit(values) may throw an ApiError: its `errors` land beside the fields they name, and the
 * problem's title above the buttons.
 */
export function makeForm({ fields, submitLabel = "保存", onSubmit, onCancel, cls = "", describe, extraButtons = [] }) {
  const formEl = h(`form.form${cls ? "." + cls : ""}`, { novalidate: true });
  const controls = {};
  for (const f of fields) {
    if (f.type === "heading") {
      formEl.append(h("h3.wide", f.label));
      continue;
    }
    const control = fieldControl(f);
    controls[f.name] = { f, control };
    if (f.type === "checkbox") {
      formEl.append(h("label.field", { class: f.wide ? "wide" : "", dataset: { field: f.name } }, h("span.check", control, f.label), f.help ? h("span.help", f.help) : null, h("span.field-error")));
    } else {
      formEl.append(
        h(
          "label.field",
          { class: f.wide ? "wide" : "", dataset: { field: f.name }, for: control.id },
          h("span.lbl", f.label, f.required ? h("span.req", "*") : null),
          control,
          f.help ? h("span.help", f.help) : null,
          h("span.field-error")
        )
      );
    }
  }
  const msg = h("div.form-msg");
  const submit = h("button.btn.primary", { type: "submit" }, submitLabel);
  const actions = h("div.form-actions", submit, ...extraButtons);
  if (onCancel) actions.append(h("button.btn", { type: "button", onclick: onCancel }, "取消"));
  formEl.append(msg, actions);

  function values() {
    const out = {};
    for (const [name, { f, control }] of Object.entries(controls)) {
      if (f.type === "checkbox") out[name] = control.checked;
      else if (f.type === "number") out[name] = control.value === "" ? null : Number(control.value);
      else if (f.type === "datetime") out[name] = control.value ? toInstant(control.value) : null;
      else {
        const v = control.value.trim();
        out[name] = v === "" ? null : v;
      }
    }
    return out;
  }

  function clearErrors() {
    msg.replaceChildren();
    formEl.querySelectorAll(".has-error").forEach((el) => el.classList.remove("has-error"));
    formEl.querySelectorAll(".field-error").forEach((el) => (el.textContent = ""));
  }

  function setErrors(err, { translate, describe: desc } = {}) {
    const tr = translate || translator;
    const unplaced = [];
    let placed = 0;
    const place = (key, text) => {
      const wrap = formEl.querySelector(`[data-field="${CSS.escape(key)}"]`);
      wrap.classList.add("has-error");
      const box = wrap.querySelector(".field-error");
      box.textContent = box.textContent ? `${box.textContent}；${text}` : text;
      placed++;
    };
    for (const e of err.errors || []) {
      const name = String(e.field || "");
      const candidates = [name, name.split(".").pop(), name.replace(/^body\./, "")];
      const key = candidates.find((c) => controls[c]);
      // "missing or blank: a, b" on a nested object names the form's own fields a and b.
      const missing = String(e.message || "").match(/^missing or blank: (.+)$/);
      const parts = missing ? missing[1].split(/,\s*/).filter((p) => controls[p]) : [];
      if (key) place(key, tr(e.message));
      else if (parts.length) parts.forEach((p) => place(p, "必填"));
      else unplaced.push(`${name}：${tr(e.message)}`);
    }
    const { title, detail } = (desc || describe || describer)(err);
    // Messages shown beside their fields are not repeated above the buttons.
    const text = placed ? unplaced.join("；") : [detail, ...unplaced].filter(Boolean).join("；");
    msg.replaceChildren(alertBox("error", title, text));
    const first = formEl.querySelector(".has-error input, .has-error select, .has-error textarea");
    if (first) first.focus();
  }

  formEl.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors();
    const missing = Object.values(controls).filter(({ f, control }) => f.required && f.type !== "checkbox" && !control.value.trim());
    if (missing.length) {
      for (const { f } of missing) {
        const wrap = formEl.querySelector(`[data-field="${CSS.escape(f.name)}"]`);
        wrap.classList.add("has-error");
        wrap.querySelector(".field-error").textContent = "必填";
      }
      msg.replaceChildren(alertBox("error", "请填写标 * 的必填项。"));
      return;
    }
    submit.disabled = true;
    try {
      await onSubmit(values(), { setErrors, clearErrors, msg });
    } catch (err) {
      if (err && err.status !== undefined) setErrors(err);
      else {
        msg.replaceChildren(alertBox("error", "操作失败", String(err && err.message ? err.message : err)));
        throw err;
      }
    } finally {
      submit.disabled = false;
    }
  });
  return { el: formEl, values, setErrors, clearErrors, controls, msg };
}

// ---- dialog -------------------------------------------------------------------------------

/** A modal dialog holding ``body``; returns {close}. */
export function dialog(title, body) {
  const dlg = h("dialog.modal", h("div.modal-head", title), h("div.modal-body", body));
  document.body.append(dlg);
  dlg.addEventListener("close", () => dlg.remove());
  dlg.showModal();
  return { el: dlg, close: () => dlg.close() };
}

/** Copy text to the clipboard; falls back to selecting it for Ctrl+C. */
export async function copyText(text, fallbackEl) {
  try {
    await navigator.clipboard.writeText(text);
    toast("已复制到剪贴板", { kind: "ok", ms: 2500 });
  } catch {
    if (fallbackEl) {
      const range = document.createRange();
      range.selectNodeContents(fallbackEl);
      const sel = getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    }
    toast("浏览器不允许自动复制，已选中内容，请按 Ctrl+C 复制。", { ms: 5000 });
  }
}

/** Horizontal bars: items [{key, label, value}], colours by ``fill-<key>`` classes. */
export function bars(items, { total, unit = "家" } = {}) {
  const max = Math.max(1, ...items.map((i) => i.value));
  const sum = total ?? items.reduce((a, i) => a + i.value, 0);
  return h(
    "div.bars",
    items.map((i) =>
      h(
        "div.bar-row",
        { dataset: { key: i.key } },
        h("span.name", i.label),
        h("div.bar-track", { title: `${i.label}：${fmtInt(i.value)}` }, h(`div.bar-fill.fill-${i.key}`, { style: { width: `${(i.value / max) * 100}%` } })),
        h("span.num", h("b", fmtInt(i.value)), h("small", unit), h("small", sum ? `${((i.value / sum) * 100).toFixed(1)}%` : ""))
      )
    )
  );
}

export function kv(pairs, cls = "") {
  return h(`dl.kv${cls ? "." + cls : ""}`, pairs.filter(Boolean).flatMap(([k, v]) => [h("dt", k), h("dd", v === null || v === undefined || v === "" ? "—" : v)]));
}
