// 合作单位详情 (admin): API keys and webhooks. A new key or signing secret is shown exactly once.
import { api, get, describeProblem } from "../api.js";
import * as session from "../session.js";
import { AGENCY_KINDS, DOMAINS, WEBHOOK_STATUS, label } from "../labels.js";
import { h, clear, alertBox, table, kv, badge, fmtDateTime, makeForm, dialog, toast, copyText } from "../ui.js";

/** The secret, a copy button and the warning that it will not be shown again. */
function showOnce(title, what, secret, after) {
  const code = h("code#one-time-secret", secret);
  const body = h(
    "div",
    alertBox("warn", `请立即复制并妥善保存这个${what}。`, `关闭此窗口后系统不再显示${what}（系统只保存其摘要），遗失后只能作废并重新生成。请通过安全渠道交给合作单位，不要通过普通邮件或聊天工具发送。`),
    h("div.secret-box", code, h("button.btn.primary#copy-secret", { type: "button", onclick: () => copyText(secret, code) }, "复制")),
    h("div.form-actions", { style: { marginTop: "12px" } }, h("button.btn", { type: "button", onclick: () => dlg.close() }, "我已保存，关闭"))
  );
  const dlg = dialog(title, body);
  dlg.el.addEventListener("close", after);
}

export async function render({ main, params, navigate, alive, setTitle }) {
  if (!session.isAdmin()) {
    clear(main, alertBox("warn", "合作单位管理仅限系统管理员。"));
    return;
  }
  const id = encodeURIComponent(params.id);
  const [agency, keys, hooks] = await Promise.all([
    get(`/incentives/v1/agencies/${id}`),
    get(`/incentives/v1/agencies/${id}/api-keys`),
    get(`/incentives/v1/agencies/${id}/webhooks`),
  ]);
  if (!alive()) return;
  setTitle(agency.name);
  const reload = () => navigate(`/partners/${params.id}`, { t: Date.now() }, { replace: true });

  function newKey() {
    const form = makeForm({
      cls: "one",
      fields: [
        { name: "name", label: "密钥用途（如 信贷审批系统）" },
        { name: "expires_at", label: "有效期至（留空为长期）", type: "datetime" },
        { name: "rate_limit_per_minute", label: "每分钟最多请求数（留空用默认值）", type: "number", min: 1 },
      ],
      submitLabel: "生成密钥",
      onCancel: () => dlg.close(),
      describe: describeProblem,
      async onSubmit(v) {
        for (const k of Object.keys(v)) if (v[k] === null) delete v[k];
        const { data } = await api(`/incentives/v1/agencies/${id}/api-keys`, { method: "POST", json: v, silent: true });
        dlg.close();
        showOnce("新的接口密钥", "接口密钥", data.key, reload);
      },
    });
    const dlg = dialog("生成接口密钥", form.el);
  }

  async function revoke(k) {
    if (!confirm(`作废密钥 ${k.prefix}…？使用它的系统将立即无法查询。`)) return;
    await api(`/incentives/v1/agencies/${id}/api-keys/${encodeURIComponent(k.id)}`, { method: "DELETE" });
    toast("密钥已作废", { kind: "ok" });
    reload();
  }

  function newHook() {
    const form = makeForm({
      cls: "one",
      fields: [{ name: "url", label: "接收地址（HTTPS）", type: "url", required: true, placeholder: "合作单位系统的回调地址" }],
      submitLabel: "添加",
      onCancel: () => dlg.close(),
      describe: describeProblem,
      async onSubmit(v) {
        const { data } = await api(`/incentives/v1/agencies/${id}/webhooks`, { method: "POST", json: v, silent: true });
        dlg.close();
        showOnce("Webhook 签名密钥", "签名密钥", data.secret, reload);
      },
    });
    const dlg = dialog("添加 Webhook", form.el);
  }

  async function syncMeasures() {
    if (!confirm("向该单位补推其领域内现行有效的全部措施？已推送过的不会重复推送。")) return;
    const { data } = await api(`/incentives/v1/agencies/${id}/sync`, { method: "POST" });
    toast(data.pushed ? `已补推 ${data.pushed} 项现行措施` : "没有需要补推的措施", { kind: "ok" });
  }

  async function toggle(w) {
    const action = w.status === "active" ? "disable" : "enable";
    await api(`/incentives/v1/agencies/${id}/webhooks/${encodeURIComponent(w.id)}/${action}`, { method: "POST" });
    toast(action === "disable" ? "已停用" : "已启用", { kind: "ok" });
    reload();
  }

  clear(
    main,
    h("div.page-head", h("h1", agency.name), h("span.sub", label(AGENCY_KINDS, agency.kind))),
    h(
      "section.card",
      h("h2", "基本信息"),
      kv([
        ["单位类型", label(AGENCY_KINDS, agency.kind)],
        ["可查询的措施领域", agency.domains.map((d) => label(DOMAINS, d)).join("、") || "—"],
        ["单位编号", h("span.mono", agency.id)],
        ["创建时间", fmtDateTime(agency.created_at)],
      ]),
      h(
        "div.btn-row",
        { style: { marginTop: "10px" } },
        h("button.btn#sync-measures", { type: "button", onclick: syncMeasures }, "补推现行措施"),
        h("span.hint", "新接入的单位配置好 Webhook 后执行一次：把其领域内已在执行的措施推送给它，以便反馈")
      )
    ),
    h(
      "section.card#api-keys",
      h("h2", "接口密钥", h("span.hint", "合作单位以 X-API-Key 调用 /partner/v1 接口；每次查询都记入审计")),
      table(
        [
          { label: "前缀", render: (k) => h("span.mono", `${k.prefix}…`) },
          { label: "用途", render: (k) => k.name || "—" },
          { label: "限流", render: (k) => `${k.rate_limit_per_minute} 次/分钟` },
          { label: "创建", render: (k) => fmtDateTime(k.created_at), nowrap: true },
          { label: "有效期至", render: (k) => (k.expires_at ? fmtDateTime(k.expires_at) : "长期"), nowrap: true },
          { label: "状态", render: (k) => (k.revoked_at ? badge(`已作废 ${fmtDateTime(k.revoked_at)}`, "bad") : badge("有效", "ok")) },
          { label: "", render: (k) => (k.revoked_at ? "" : h("button.btn.small.danger", { type: "button", onclick: () => revoke(k) }, "作废")) },
        ],
        keys,
        { wrap: "free", emptyText: "尚未生成接口密钥" }
      ),
      h("div.btn-row", { style: { marginTop: "10px" } }, h("button.btn.primary#new-key", { type: "button", onclick: newKey }, "生成接口密钥"))
    ),
    h(
      "section.card#webhooks",
      h("h2", "Webhook", h("span.hint", "等级变化、列入或移出黑名单时即时推送，按 Standard Webhooks 规范签名")),
      table(
        [
          { label: "接收地址", render: (w) => h("span.mono", w.url) },
          { label: "状态", render: (w) => h("span", badge(label(WEBHOOK_STATUS, w.status), w.status === "active" ? "ok" : "bad"), w.disabled_reason ? h("div.muted", w.disabled_reason) : null) },
          { label: "创建", render: (w) => fmtDateTime(w.created_at), nowrap: true },
          { label: "", render: (w) => h("button.btn.small", { type: "button", onclick: () => toggle(w) }, w.status === "active" ? "停用" : "启用") },
        ],
        hooks,
        { wrap: "free", emptyText: "尚未配置 Webhook" }
      ),
      h("div.btn-row", { style: { marginTop: "10px" } }, h("button.btn#new-webhook", { type: "button", onclick: newHook }, "添加 Webhook"))
    )
  );
}
