// 黑名单: entries (active and ended), credit-repair applications, listing proposals.
import { api, get, describeProblem, translateMessage } from "../api.js";
import { BLACKLIST_STATUS, REPAIR_STATUS, PROPOSAL_STATUS, label } from "../labels.js";
import { enterpriseNames, enterpriseCell } from "../names.js";
import { h, clear, alertBox, loading, table, pager, badge, fmtDate, fmtDateTime, makeForm, dialog, toast, nowLocalInput } from "../ui.js";

const LIMIT = 50;
const TABS = [
  ["active", "在列"],
  ["ended", "已移出"],
  ["repairs", "信用修复申请"],
  ["proposals", "列入建议"],
];
const ENDED = ["expired", "repaired", "revoked"];

async function loadEntries(tab, query) {
  if (tab === "active") return get("/registry/v1/blacklist", { status: "active", limit: LIMIT, offset: query.offset || 0 });
  const status = ENDED.includes(query.status) ? query.status : "";
  if (status) return get("/registry/v1/blacklist", { status, limit: LIMIT, offset: query.offset || 0 });
  // "ended" is three statuses; the list answers one at a time: merge them, newest first.
  const pages = await Promise.all(ENDED.map((s) => get("/registry/v1/blacklist", { status: s, limit: 200 })));
  const items = pages.flatMap((p) => p.items).sort((a, b) => String(b.ended_at || b.decided_at).localeCompare(String(a.ended_at || a.decided_at)));
  return { items, total: items.length, limit: items.length || 1, offset: 0 };
}

function entriesTable(page, names, navigate, tab) {
  return table(
    [
      { label: "企业", render: (b) => enterpriseCell(b.uscc, names) },
      { label: "列入情形", render: (b) => h("span", { title: b.situation }, b.situation_text) },
      { label: "处罚决定书", key: "penalty_decision_ref" },
      { label: "列入日期", render: (b) => fmtDate(b.decided_at), nowrap: true },
      tab === "active"
        ? { label: "到期日期", render: (b) => fmtDate(b.expires_at), nowrap: true }
        : { label: "移出日期", render: (b) => fmtDate(b.ended_at), nowrap: true },
      tab === "active"
        ? { label: "可申请修复", render: (b) => (b.repair_earliest ? fmtDate(b.repair_earliest) : "—"), nowrap: true }
        : { label: "移出原因", render: (b) => label(BLACKLIST_STATUS, b.status) },
      { label: "规则", render: (b) => h("span.muted", `${b.rule_set} v${b.rule_set_version}`) },
    ],
    page.items,
    { onRow: (b) => navigate(`/blacklist/${b.id}`), emptyText: tab === "active" ? "黑名单中没有在列企业" : "没有已移出的条目" }
  );
}

function decideProposal(p, reload) {
  const accept = makeForm({
    cls: "one",
    fields: [
      { name: "penalty_decision_ref", label: "行政处罚决定书文号", required: true, placeholder: "如 湖应急罚〔2026〕12号" },
      { name: "decided_at", label: "列入决定时间", type: "datetime", required: true, value: nowLocalInput() },
    ],
    submitLabel: "列入黑名单",
    async onSubmit(v) {
      await api(`/registry/v1/proposals/${p.id}/accept`, { method: "POST", json: v, ifMatch: p.version, silent: true });
      dlg.close();
      toast("已按建议列入黑名单", { kind: "ok" });
      reload();
    },
  });
  const dismiss = makeForm({
    cls: "one",
    fields: [{ name: "reason", label: "不予列入的理由", type: "textarea", required: true }],
    submitLabel: "不予列入",
    async onSubmit(v) {
      await api(`/registry/v1/proposals/${p.id}/dismiss`, { method: "POST", json: v, ifMatch: p.version, silent: true });
      dlg.close();
      toast("已决定不予列入", { kind: "ok" });
      reload();
    },
  });
  const dlg = dialog("处理列入建议", h("div", h("p", translateMessage(p.reason)), h("h3", "列入"), accept.el, h("hr"), h("h3", "不予列入"), dismiss.el));
}

export async function render({ main, query, navigate, alive }) {
  const tab = TABS.some(([t]) => t === query.tab) ? query.tab : "active";
  const reload = () => navigate("/blacklist", { ...query, t: Date.now() }, { replace: true });
  const body = h("div", loading());
  clear(
    main,
    h(
      "div.page-head",
      h("h1", "黑名单"),
      h("span.sub", "安全生产严重失信主体名单：列入、期满移出、信用修复"),
      h("div.actions", h("a.btn.danger", { href: "#/blacklist/new" }, "＋ 列入黑名单"))
    ),
    h("nav.tabs", TABS.map(([t, l]) => h("a", { href: `#/blacklist?tab=${t}`, class: t === tab ? "active" : "" }, l))),
    body
  );

  try {
    if (tab === "active" || tab === "ended") {
      const page = await loadEntries(tab, query);
      const names = await enterpriseNames(page.items.map((b) => b.uscc));
      if (!alive()) return;
      const statusFilter =
        tab === "ended"
          ? h(
              "div.filters",
              h(
                "label",
                "移出原因",
                (() => {
                  const s = h("select", { onchange: (e) => navigate("/blacklist", { tab, status: e.target.value }) }, h("option", { value: "" }, "全部"), ENDED.map((x) => h("option", { value: x }, BLACKLIST_STATUS[x])));
                  s.value = query.status || "";
                  return s;
                })()
              )
            )
          : null;
      clear(body, statusFilter, entriesTable(page, names, navigate, tab), page.total > page.limit ? pager(page, (o) => navigate("/blacklist", { tab, status: query.status, offset: o })) : null);
    } else if (tab === "repairs") {
      const status = query.status ?? "submitted";
      const page = await get("/registry/v1/repair-applications", { status, limit: LIMIT, offset: query.offset || 0 });
      const names = await enterpriseNames(page.items.map((r) => r.uscc));
      if (!alive()) return;
      const s = h("select", { onchange: (e) => navigate("/blacklist", { tab, status: e.target.value }) }, h("option", { value: "" }, "全部"), Object.entries(REPAIR_STATUS).map(([v, l]) => h("option", { value: v }, l)));
      s.value = status;
      clear(
        body,
        h("div.filters", h("label", "状态", s)),
        table(
          [
            { label: "企业", render: (r) => enterpriseCell(r.uscc, names) },
            { label: "信用承诺", render: (r) => h("span", { title: r.commitment }, r.commitment.length > 40 ? r.commitment.slice(0, 40) + "…" : r.commitment) },
            { label: "证明材料", render: (r) => `${r.evidence.length} 项` },
            { label: "申请时间", render: (r) => fmtDateTime(r.applied_at), nowrap: true },
            { label: "状态", render: (r) => badge(label(REPAIR_STATUS, r.status), { submitted: "warn", approved: "ok", rejected: "bad" }[r.status]) },
            { label: "", render: (r) => h("a", { href: `#/blacklist/${r.entry_id}` }, r.status === "submitted" ? "审批" : "查看") },
          ],
          page.items,
          { onRow: (r) => navigate(`/blacklist/${r.entry_id}`), emptyText: "没有信用修复申请" }
        ),
        pager(page, (o) => navigate("/blacklist", { tab, status, offset: o }))
      );
    } else {
      const status = query.status ?? "pending";
      const page = await get("/registry/v1/proposals", { status, limit: LIMIT, offset: query.offset || 0 });
      const names = await enterpriseNames(page.items.map((p) => p.uscc));
      if (!alive()) return;
      const s = h("select", { onchange: (e) => navigate("/blacklist", { tab, status: e.target.value }) }, h("option", { value: "" }, "全部"), Object.entries(PROPOSAL_STATUS).map(([v, l]) => h("option", { value: v }, l)));
      s.value = status;
      clear(
        body,
        alertBox("info", "列入建议由系统根据事故记录等事实自动提出", "须由监管人员依据行政处罚决定作出列入或不予列入的决定。"),
        h("div.filters", h("label", "状态", s)),
        table(
          [
            { label: "企业", render: (p) => enterpriseCell(p.uscc, names) },
            { label: "建议情形", key: "situation" },
            { label: "理由", render: (p) => translateMessage(p.reason) },
            { label: "提出时间", render: (p) => fmtDateTime(p.created_at), nowrap: true },
            { label: "状态", render: (p) => label(PROPOSAL_STATUS, p.status) },
            { label: "", render: (p) => (p.status === "pending" ? h("button.btn.small", { type: "button", onclick: () => decideProposal(p, reload) }, "处理") : p.entry_id ? h("a", { href: `#/blacklist/${p.entry_id}` }, "条目") : "") },
          ],
          page.items,
          { emptyText: "没有列入建议" }
        ),
        pager(page, (o) => navigate("/blacklist", { tab, status, offset: o }))
      );
    }
  } catch (err) {
    if (!alive()) return;
    const { title, detail } = describeProblem(err);
    clear(body, alertBox(err.status === 403 ? "warn" : "error", title, detail));
  }
}
