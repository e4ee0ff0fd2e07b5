// 上报详情: one grid report, where it waits, its history (filed, acknowledged, escalated, resolved)
// and the moves its state allows: 签收 (acknowledge), then 办结 (resolve, with the resolution); a
// verified hazard report naming an enterprise can instead be 登记为隐患 (registered as a hazard,
// which resolves the report).
import { api, describeProblem, translateMessage } from "../api.js";
import * as session from "../session.js";
import { REPORT_KINDS, REPORT_STATUS, REPORT_ACTIONS, label } from "../labels.js";
import { h, clear, alertBox, kv, badge, fmtDateTime, localInputOf, makeForm, dialog, toast } from "../ui.js";
import { enterpriseLink } from "../names.js";
import { cellMap, cellLink, namedCellLink, reportStatusBadge } from "../grid-common.js";
import { LEVEL_FIELD, MAJOR_BASIS_FIELDS, descriptionField, foundFields, hazardBody, registerHazard } from "../hazard-common.js";

const MOVES = {
  acknowledge: {
    title: "签收上报事项",
    fields: [{ name: "note", label: "签收意见（可选）", type: "textarea", placeholder: "如 已安排人员核查" }],
    body: (v) => (v.note ? { note: v.note } : {}),
    done: "已签收",
    style: "primary",
  },
  resolve: {
    title: "办结上报事项",
    fields: [{ name: "resolution", label: "办结情况", type: "textarea", required: true, rows: 4, placeholder: "核查结果和处理措施" }],
    body: (v) => ({ resolution: v.resolution }),
    done: "已办结",
    style: "ok",
  },
};

/** The buttons of the moves ``r`` allows now; ``after(notice)`` runs once a move is done (or lost a race). */
export function moveButtons(r, after, { small = false } = {}) {
  return r.allowed_moves
    .filter((a) => MOVES[a])
    .map((a) =>
      h(
        `button.btn${small ? ".small" : ""}.${MOVES[a].style}`,
        { type: "button", dataset: { action: a, report: r.id }, onclick: () => reportMove(r, a, after) },
        label(REPORT_ACTIONS, a)
      )
    );
}

/** The dialog of one move, at the version the page shows (If-Match); a 409 or 412 (someone moved the
 * report first, or it climbed a level) closes it and reloads with the reason. */
export function reportMove(r, action, after) {
  const spec = MOVES[action];
  const form = makeForm({
    cls: "one",
    fields: spec.fields,
    submitLabel: label(REPORT_ACTIONS, action),
    onCancel: () => dlg.close(),
    describe: describeProblem,
    async onSubmit(v) {
      try {
        await api(`/grid/v1/reports/${encodeURIComponent(r.id)}/${action}`, {
          method: "POST",
          json: spec.body(v),
          ifMatch: r.version,
          silent: true,
        });
      } catch (err) {
        if (err.status === 409 || err.status === 412) {
          dlg.close();
          const { title, detail } = describeProblem(err);
          after(`该事项刚被他人处理：${title}${detail ? " " + detail : ""}`);
          return;
        }
        throw err;
      }
      dlg.close();
      toast(`${spec.done}：${r.description.length > 20 ? r.description.slice(0, 20) + "…" : r.description}`, { kind: "ok" });
      after();
    },
  });
  const dlg = dialog(
    spec.title,
    h("div", h("p", h("b", label(REPORT_KINDS, r.kind)), "：", r.description), h("p.muted", `当前状态：${label(REPORT_STATUS, r.status)}；等待「${r.routed_to_name}」办理`), form.el)
  );
}

// The resolution 登记为隐患 writes; the report page links the hazard it names.
const HAZARD_RESOLUTION = "已登记为隐患，编号 ";
const HAZARD_IN_RESOLUTION = /已登记为隐患，编号 (\S+)/;

const hazardHref = (id) => `#/hazards/${encodeURIComponent(id)}`;

/**
 * Whether the signed-in user may act on ``r``, as the grid service decides: admins and officers on
 * every report they can see; a grid worker only where it waits (its cell or one above it is theirs,
 * which is exactly when they can read that cell: ``cells`` holds the lookups).
 */
function mayAct(r, cells) {
  if (session.user().role !== "grid_worker") return true;
  return !!(r.routed_to && cells.get(r.routed_to));
}

/** 登记为隐患: a hazard report naming an enterprise, acknowledged (verified), for whoever may resolve it. */
function offersHazard(r, cells) {
  return r.kind === "hazard" && !!r.uscc && r.status === "acknowledged" && r.allowed_moves.includes("resolve") && mayAct(r, cells);
}

/**
 * The dialog of 登记为隐患: a hazard (source 网格上报) in the report's cell, prefilled from the report;
 * once registered, the report is resolved naming the hazard. ``after(notice, kind, hazardId)``
 * reloads the page. A refused hazard stays in the dialog with the service's reason (the report
 * stays open); the key derived from the report makes a double click or a retry one hazard.
 */
export function registerAsHazard(r, after) {
  const idempotencyKey = `grid-report-${r.id}`;
  const form = makeForm({
    cls: "two",
    fields: [descriptionField(r.description), LEVEL_FIELD, ...foundFields({ at: localInputOf(r.filed_at), by: r.filed_by, step: 1 }), ...MAJOR_BASIS_FIELDS],
    submitLabel: "登记为隐患",
    onCancel: () => dlg.close(),
    describe: (err) =>
      err.code === "idempotency_key_reused"
        ? { title: "您已为此上报事项登记过隐患，但本次内容与当时不同。", detail: "请按原内容重新提交以取回该隐患，或在隐患列表（来源：网格上报）中查看。" }
        : describeProblem(err),
    async onSubmit(v) {
      let hazard;
      try {
        const body = hazardBody(v, { uscc: r.uscc, source: "grid_report", cell_id: r.cell_id, report_id: r.id });
        hazard = await registerHazard(body, idempotencyKey);
      } catch (err) {
        // Someone else registered this report meanwhile: one hazard per report; finish with theirs.
        if (err.code !== "report_already_registered" || !err.problem.hazard_id) throw err;
        hazard = { id: err.problem.hazard_id };
        toast("此上报事项已由他人登记为隐患", { kind: "info" });
      }
      dlg.close();
      try {
        await api(`/grid/v1/reports/${encodeURIComponent(r.id)}/resolve`, {
          method: "POST",
          json: { resolution: `${HAZARD_RESOLUTION}${hazard.id}` },
          silent: true,
        });
      } catch (err) {
        if (err.status === undefined) throw err;
        const { title, detail } = describeProblem(err);
        after(`隐患已登记，但上报事项未能办结：${title}${detail ? " " + detail : ""}`, "warn", hazard.id);
        return;
      }
      toast("已登记为隐患，上报事项已办结", { kind: "ok" });
      after("已登记为隐患，上报事项已办结。", "ok", hazard.id);
    },
  });
  const dlg = dialog(
    "登记为隐患",
    h(
      "div",
      h("p", "企业：", h("b", r.enterprise_name || r.uscc), h("span.muted", `（${r.uscc}）`), "；上报网格：", h("b", r.cell_name)),
      h("p.muted", "核查属实后登记为隐患（来源：网格上报），登记后本上报事项自动办结。"),
      form.el
    )
  );
}

/** The resolution, its hazard number linking to the hazard when 登记为隐患 wrote it. */
function resolutionText(text) {
  const m = text ? text.match(HAZARD_IN_RESOLUTION) : null;
  if (!m) return text;
  const at = m.index + m[0].length - m[1].length;
  return h("span", text.slice(0, at), h("a#resolution-hazard", { href: hazardHref(m[1]) }, m[1]), text.slice(at + m[1].length));
}

export async function render({ main, params, navigate, alive, setTitle, query }) {
  const { data: r } = await api(`/grid/v1/reports/${encodeURIComponent(params.id)}`);
  // The report names its own cell and enterprise; the cells it went to are looked up for the
  // history (and tell whether a grid worker may act where it waits).
  const cells = await cellMap([r.routed_to, ...r.history.map((m) => m.routed_to)]);
  if (!alive()) return;
  setTitle(`网格上报：${label(REPORT_KINDS, r.kind)}`);
  const reload = (notice, kind = "", hazard = "") =>
    navigate(`/grid/reports/${r.id}`, { t: Date.now(), notice, kind, hazard }, { replace: true });
  const where = (id) => (id ? (cells.get(id) ? cells.get(id).name : "上级网格") : "安监局");
  const actionMsg = h("div#action-msg");
  if (query.notice) {
    const link = query.hazard ? h("a#hazard-link", { href: hazardHref(query.hazard) }, `查看隐患 ${query.hazard}`) : null;
    actionMsg.append(alertBox(["ok", "warn"].includes(query.kind) ? query.kind : "info", query.notice, link));
  }
  const buttons = moveButtons(r, reload);
  const hazardOffer = offersHazard(r, cells);
  if (hazardOffer) {
    buttons.unshift(
      h("button.btn.primary", { type: "button", dataset: { action: "register-hazard", report: r.id }, onclick: () => registerAsHazard(r, reload) }, "登记为隐患")
    );
  }

  clear(
    main,
    h(
      "div.page-head",
      h("h1", `${label(REPORT_KINDS, r.kind)}：${r.description.length > 30 ? r.description.slice(0, 30) + "…" : r.description}`),
      h("span#report-status", reportStatusBadge(r.status)),
      r.escalations ? badge(`已上移 ${r.escalations} 次`, "bad") : null,
      h("div.actions", h("a.btn", { href: `#/grid/reports?cell_id=${encodeURIComponent(r.cell_id)}` }, "本网格的上报"))
    ),
    h(
      "section.card#report-actions",
      h("h2", "可办理事项", h("span.hint", `当前状态：${label(REPORT_STATUS, r.status)}`)),
      actionMsg,
      buttons.length
        ? h("div.btn-row", buttons)
        : h("p.muted", r.status === "resolved" ? "该事项已办结。" : "当前状态下没有您可以办理的事项。"),
      hazardOffer ? h("p.muted", "核查属实的隐患可「登记为隐患」：登记后进入隐患治理，本事项随之办结。") : null
    ),
    h(
      "div.grid2",
      h(
        "section.card#report-info",
        h("h2", "上报情况"),
        kv([
          ["上报类型", label(REPORT_KINDS, r.kind)],
          ["情况描述", r.description],
          ["上报网格", namedCellLink(r.cell_id, r.cell_name)],
          ["涉及企业", r.uscc ? enterpriseLink(r.uscc, r.enterprise_name) : "—"],
          ["上报人", r.filed_by],
          ["上报时间", fmtDateTime(r.filed_at)],
        ])
      ),
      h(
        "section.card#report-handling",
        h("h2", "办理情况"),
        kv([
          ["状态", reportStatusBadge(r.status)],
          ["当前办理", r.status === "resolved" ? `${r.routed_to_name}（已办结）` : h("span", r.routed_to ? cellLink(r.routed_to, cells) : r.routed_to_name, `，${fmtDateTime(r.routed_at)} 起`)],
          ["逾期上移", r.escalations ? `${r.escalations} 次` : "无"],
          ["签收时间", fmtDateTime(r.acknowledged_at)],
          ["办结时间", fmtDateTime(r.resolved_at)],
          ["办结情况", resolutionText(r.resolution)],
        ])
      )
    ),
    h(
      "section.card#report-history",
      h("h2", "办理记录", h("span.hint", "每一步都留痕")),
      h(
        "ol.timeline",
        r.history.map((m) =>
          h(
            "li",
            h("div.t-head", label(REPORT_ACTIONS, m.action), m.action === "file" || m.action === "escalate" ? h("span.muted", `  → ${where(m.routed_to)}`) : null),
            h("div.t-meta", `${fmtDateTime(m.at)} · ${m.by === "system" ? "系统" : m.by}`),
            m.note ? h("div", translateMessage(m.note)) : null
          )
        )
      )
    )
  );
}
