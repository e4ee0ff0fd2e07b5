// 黑名单条目: the listing, its principal people, credit-repair applications and their approval.
import { api, get, describeProblem, newKey } from "../api.js";
import { BLACKLIST_STATUS, REPAIR_STATUS, label } from "../labels.js";
import { h, clear, alertBox, table, kv, badge, fmtDate, fmtDateTime, makeForm, dialog, toast } from "../ui.js";

const PEOPLE = { legal_representative: "法定代表人", person_in_charge: "主要负责人", safety_lead: "安全负责人" };

export async function render({ main, params, navigate, alive, setTitle }) {
  const { data: b, etag } = await api(`/registry/v1/blacklist/${encodeURIComponent(params.id)}`);
  const [enterprise, repairs] = await Promise.all([
    get(`/registry/v1/enterprises/${encodeURIComponent(b.uscc)}`).catch(() => null),
    get("/registry/v1/repair-applications", { entry_id: b.id, limit: 50 }).catch(() => ({ items: [] })),
  ]);
  if (!alive()) return;
  const name = enterprise ? enterprise.name : b.uscc;
  setTitle(`黑名单：${name}`);
  const reload = () => navigate(`/blacklist/${b.id}`, { t: Date.now() }, { replace: true });
  const active = b.status === "active";
  const earliest = b.repair_earliest ? new Date(b.repair_earliest) : null;
  const repairOpen = active && (!earliest || earliest <= new Date());

  function decide(r, action) {
    const needsReason = action !== "approve";
    const title = { approve: "批准信用修复", reject: "驳回信用修复申请", revoke: "撤销信用修复（以虚假材料取得）" }[action];
    const form = makeForm({
      cls: "one",
      fields: needsReason
        ? [{ name: "reason", label: "理由", type: "textarea", required: true }]
        : [],
      submitLabel: { approve: "批准，提前移出黑名单", reject: "驳回", revoke: "撤销修复并恢复列入" }[action],
      onCancel: () => dlg.close(),
      async onSubmit(v) {
        await api(`/registry/v1/repair-applications/${r.id}/${action}`, { method: "POST", json: needsReason ? v : undefined, ifMatch: r.version, silent: true });
        dlg.close();
        toast(`${title}：已完成`, { kind: "ok" });
        reload();
      },
    });
    const dlg = dialog(title, h("div", action === "approve" ? h("p", "批准后条目以「信用修复」结束，企业恢复考评所支持的诚信等级，各联合惩戒措施同步解除。") : null, form.el));
  }

  function revokeEntry() {
    const form = makeForm({
      cls: "one",
      fields: [{ name: "reason", label: "撤销理由（如处罚决定被撤销）", type: "textarea", required: true }],
      submitLabel: "撤销列入",
      onCancel: () => dlg.close(),
      async onSubmit(v) {
        await api(`/registry/v1/blacklist/${b.id}/revoke`, { method: "POST", json: v, ifMatch: etag, silent: true });
        dlg.close();
        toast("已撤销列入", { kind: "ok" });
        reload();
      },
    });
    const dlg = dialog("撤销黑名单列入", form.el);
  }

  const idempotencyKey = newKey();
  const applyForm = makeForm({
    cls: "one",
    fields: [
      { name: "commitment", label: "信用承诺（企业签署的公开信用承诺书内容）", type: "textarea", required: true },
      { name: "evidence", label: "证明材料（每行一项：如 罚款缴纳凭证、隐患整改验收报告）", type: "textarea", required: true, rows: 4 },
    ],
    submitLabel: "提交信用修复申请",
    describe: describeProblem,
    async onSubmit(v) {
      const evidence = v.evidence.split("\n").map((s) => s.trim()).filter(Boolean);
      await api(`/registry/v1/blacklist/${b.id}/repair-applications`, { method: "POST", json: { commitment: v.commitment, evidence }, idempotencyKey, silent: true });
      toast("信用修复申请已提交", { kind: "ok" });
      reload();
    },
  });

  clear(
    main,
    h(
      "div.page-head",
      h("h1", "黑名单：", h("a", { href: `#/enterprises/${encodeURIComponent(b.uscc)}` }, name)),
      badge(label(BLACKLIST_STATUS, b.status), active ? "bad" : "ok"),
      h("div.actions", active ? h("button.btn.danger", { type: "button", onclick: revokeEntry }, "撤销列入") : null)
    ),
    h(
      "div.grid2",
      h(
        "section.card#entry",
        h("h2", "列入情况"),
        kv([
          ["统一社会信用代码", h("span.mono", b.uscc)],
          ["列入情形", b.situation_text],
          ["依据规则", `${b.rule_set} 第 ${b.rule_set_version} 版`],
          ["处罚决定书", b.penalty_decision_ref],
          ["列入决定时间", fmtDateTime(b.decided_at)],
          ["到期时间", fmtDate(b.expires_at)],
          ["最早可申请修复", b.repair_earliest ? fmtDate(b.repair_earliest) : "—"],
          ["状态", label(BLACKLIST_STATUS, b.status)],
          b.ended_at ? ["移出时间", `${fmtDateTime(b.ended_at)}（${b.end_reason || ""}）`] : null,
          b.reinstated_at ? ["恢复列入", fmtDateTime(b.reinstated_at)] : null,
          ["登记人", `${b.created_by}，${fmtDateTime(b.created_at)}`],
        ])
      ),
      h(
        "section.card#principal-people",
        h("h2", "列入时的主要人员"),
        kv(Object.entries(b.principal_people || {}).map(([k, v]) => [PEOPLE[k] || k, v])),
        h("p.muted", "严重失信主体包括企业及其主要负责人、分管安全负责人等。")
      )
    ),
    h(
      "section.card#repairs",
      h("h2", "信用修复", h("span.hint", "列入满最短期限、处罚已履行、隐患已消除、无新的严重失信行为，并签署信用承诺后可申请提前移出")),
      table(
        [
          { label: "申请时间", render: (r) => fmtDateTime(r.applied_at), nowrap: true },
          { label: "信用承诺", key: "commitment" },
          { label: "证明材料", render: (r) => h("ul", { style: { margin: 0, paddingLeft: "16px" } }, r.evidence.map((e) => h("li", e))) },
          { label: "状态", render: (r) => badge(label(REPAIR_STATUS, r.status), { submitted: "warn", approved: "ok", rejected: "bad" }[r.status]) },
          { label: "决定", render: (r) => (r.decided_by ? `${r.decided_by} ${fmtDateTime(r.decided_at)}${r.decision_reason ? "：" + r.decision_reason : ""}` : "—") },
          {
            label: "",
            render: (r) =>
              r.status === "submitted"
                ? h("div.btn-row", h("button.btn.small.ok", { type: "button", onclick: () => decide(r, "approve") }, "批准"), h("button.btn.small.danger", { type: "button", onclick: () => decide(r, "reject") }, "驳回"))
                : r.status === "approved"
                  ? h("button.btn.small.danger", { type: "button", onclick: () => decide(r, "revoke") }, "撤销修复")
                  : "",
          },
        ],
        repairs.items,
        { wrap: "free", emptyText: "尚无信用修复申请" }
      ),
      active
        ? repairOpen
          ? h("div", { style: { marginTop: "12px" } }, h("h3", "登记信用修复申请"), applyForm.el)
          : alertBox("info", `${fmtDate(b.repair_earliest)} 起可申请信用修复`, "未满规则规定的最短列入期限。")
        : null
    )
  );
}
