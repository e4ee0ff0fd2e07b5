// 上报详情: one grid report, where it waits, its history (filed, acknowledged, escalated, resolved)
// and the moves its state allows: 签收 (acknowledge), then 办结 (resolve, with the resolution).
import { api, describeProblem, translateMessage } from "../api.js";
import { REPORT_KINDS, REPORT_STATUS, REPORT_ACTIONS, label } from "../labels.js";
import { h, clear, alertBox, kv, badge, fmtDateTime, makeForm, dialog, toast } from "../ui.js";
import { enterpriseNames, enterpriseCell } from "../names.js";
import { cellMap, cellLink, reportStatusBadge } from "../grid-common.js";

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

/** The dialog of one move; a 409 (someone moved the report first) closes it and reloads with the reason. */
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
        await api(`/grid/v1/reports/${encodeURIComponent(r.id)}/${action}`, { method: "POST", json: spec.body(v), silent: true });
      } catch (err) {
        if (err.status === 409) {
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

export async function render({ main, params, navigate, alive, setTitle, query }) {
  const { data: r } = await api(`/grid/v1/reports/${encodeURIComponent(params.id)}`);
  const routedIds = r.history.map((m) => m.routed_to);
  const [cells, names] = await Promise.all([cellMap([r.cell_id, ...routedIds]), enterpriseNames(r.uscc ? [r.uscc] : [])]);
  if (!alive()) return;
  setTitle(`网格上报：${label(REPORT_KINDS, r.kind)}`);
  const reload = (notice) => navigate(`/grid/reports/${r.id}`, { t: Date.now(), notice }, { replace: true });
  const where = (id) => (id ? (cells.get(id) ? cells.get(id).name : "上级网格") : "安监局");
  const actionMsg = h("div#action-msg");
  if (query.notice) actionMsg.append(alertBox("info", query.notice));
  const buttons = moveButtons(r, reload);

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
        : h("p.muted", r.status === "resolved" ? "该事项已办结。" : "当前状态下没有您可以办理的事项。")
    ),
    h(
      "div.grid2",
      h(
        "section.card#report-info",
        h("h2", "上报情况"),
        kv([
          ["上报类型", label(REPORT_KINDS, r.kind)],
          ["情况描述", r.description],
          ["上报网格", cellLink(r.cell_id, cells)],
          ["涉及企业", r.uscc ? enterpriseCell(r.uscc, names) : "—"],
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
          ["办结情况", r.resolution],
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
