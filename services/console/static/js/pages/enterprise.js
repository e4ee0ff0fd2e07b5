// 企业详情: basic facts, principal people, credit class and standardization, credit history,
// the grid cell it belongs to with its responsible people, assessments, blacklist entries and hazards.
import { api, get, describeProblem, translateMessage } from "../api.js";
import {
  CATEGORIES, SCALES, ENTERPRISE_STATUS, STANDARDIZATION_STATUS, GRADES, ASSESSMENT_STATUS, BLACKLIST_STATUS,
  HAZARD_STATUS, HAZARD_LEVELS, MEMBER_ROLES, PLACEMENTS, label, divisionName,
} from "../labels.js";
import { h, clear, alertBox, loading, table, kv, classBadge, badge, fmtDate, fmtDateTime } from "../ui.js";

function section(title, id) {
  const body = h("div", loading());
  const el = h(`section.card#${id}`, h("h2", title), body);
  return { el, body };
}

async function fill(body, alive, load, renderRows) {
  try {
    const data = await load();
    if (alive()) clear(body, renderRows(data));
  } catch (err) {
    if (!alive()) return;
    const { title, detail } = describeProblem(err);
    clear(body, alertBox(err.status === 403 ? "warn" : "error", title, detail));
  }
}

export function standardizationBlock(e) {
  if (e.standardization_revoked || e.standardization_status === "revoked") {
    return alertBox("error", "标准化证书已撤销", "企业列入黑名单后，标准化评审中止、证书撤销。");
  }
  if (!e.standardization_grade) return h("span.muted", "未取得安全生产标准化等级");
  const kind = { valid: "ok", expiring: "warn", expired: "bad" }[e.standardization_status] || "";
  return h(
    "div",
    h("div", h("b", `${GRADES[e.standardization_grade]}`), " ", badge(label(STANDARDIZATION_STATUS, e.standardization_status), kind)),
    h("div.muted", `有效期至 ${fmtDate(e.standardization_valid_until)}`),
    e.standardization_status === "expiring" ? alertBox("warn", "标准化等级即将到期", "请提醒企业在到期前 3 个月内申请复评。") : null
  );
}

/** 所属网格: the enterprise's cell and responsible people, nearest first; "未纳入网格" when it has none. */
async function fillGrid(body, alive, uscc) {
  const outside = () => h("p.muted#grid-none", "未纳入网格");
  let g;
  try {
    g = await get(`/grid/v1/enterprises/${encodeURIComponent(uscc)}`);
  } catch (err) {
    if (!alive()) return;
    // Not known to the grid, outside the user's part of it, or a role without grid access: quietly none.
    if (err.status === 404 || err.status === 403) clear(body, outside());
    else {
      const { title, detail } = describeProblem(err);
      clear(body, alertBox("error", title, detail));
    }
    return;
  }
  if (!alive()) return;
  if (!g.cell_id) {
    clear(body, outside());
    return;
  }
  clear(
    body,
    kv([
      ["所属网格", h("a#grid-cell-link", { href: `#/grid/cells/${encodeURIComponent(g.cell_id)}` }, g.cell_name || "网格")],
      ["纳入方式", `${label(PLACEMENTS, g.placement)}${g.placement === "auto" ? "（按登记的乡镇、村自动纳入）" : ""}`],
      ["最近巡查", g.last_inspected_at ? fmtDateTime(g.last_inspected_at) : "尚无巡查记录"],
    ]),
    h("h3", { style: { margin: "12px 0 6px" } }, "安全生产责任人", h("span.muted", "（由近及远）")),
    table(
      [
        { label: "网格", render: (m) => h("a", { href: `#/grid/cells/${encodeURIComponent(m.cell_id)}` }, m.cell_name), nowrap: true },
        { label: "角色", render: (m) => label(MEMBER_ROLES, m.role), nowrap: true },
        { label: "姓名", key: "name", nowrap: true },
        { label: "联系电话", render: (m) => h("span.mono", m.phone), nowrap: true },
        { label: "职责", key: "duties" },
      ],
      g.responsible,
      { wrap: "short", emptyText: "所在网格尚未指定成员" }
    ),
    h(
      "div.btn-row",
      { style: { marginTop: "10px" } },
      h("a.btn.small", { href: `#/grid/inspections/new?uscc=${encodeURIComponent(g.uscc)}` }, "记录巡查"),
      h("a.btn.small", { href: `#/grid/plan?tab=records&uscc=${encodeURIComponent(g.uscc)}` }, "巡查记录")
    )
  );
}

export async function render({ main, params, alive, setTitle }) {
  const uscc = params.uscc;
  const { data: e } = await api(`/registry/v1/enterprises/${encodeURIComponent(uscc)}`);
  if (!alive()) return;
  setTitle(e.name);
  const enc = encodeURIComponent(e.uscc);

  const credit = section("信用历史", "credit-history");
  const assessments = section("考评记录", "enterprise-assessments");
  const blacklist = section("黑名单记录", "enterprise-blacklist");
  const hazards = section("隐患", "enterprise-hazards");
  const grid = section("所属网格", "enterprise-grid");

  clear(
    main,
    h(
      "div.page-head",
      h("h1", e.name),
      classBadge(e.credit_class, e.blacklisted),
      e.honour_roll ? badge("诚信红榜", "ok") : null,
      h("span.sub.mono", e.uscc),
      h(
        "div.actions",
        h("a.btn", { href: `#/enterprises/${enc}/edit` }, "编辑"),
        h("a.btn", { href: `#/enterprises/${enc}/assess` }, "发起考评"),
        h("a.btn", { href: `#/hazards/new?uscc=${enc}` }, "登记隐患"),
        e.blacklisted ? null : h("a.btn.danger", { href: `#/blacklist/new?uscc=${enc}` }, "列入黑名单")
      )
    ),
    e.blacklisted ? alertBox("error", "该企业在黑名单中", `在列期间不参加 A/B/C/D 分级${e.last_class ? `；列入前为 ${e.last_class} 级，移出后恢复` : ""}。`) : null,
    h(
      "div.grid3",
      h(
        "section.card#basic-info",
        h("h2", "基本信息"),
        kv([
          ["统一社会信用代码", h("span.mono", e.uscc)],
          ["所在区县", divisionName(e.division_code)],
          ["登记机关区划", e.registration_division_code],
          ["乡镇（街道）", e.township],
          ["村（社区）", e.village],
          ["地址", e.address],
          ["行业类别", label(CATEGORIES, e.category)],
          ["规模", label(SCALES, e.scale)],
          ["从业人员", e.employees === null ? "—" : `${e.employees} 人`],
          ["经营状态", label(ENTERPRISE_STATUS, e.status)],
          ["登记时间", fmtDateTime(e.created_at)],
          ["最近更新", `${fmtDateTime(e.updated_at)}（第 ${e.version} 版）`],
        ])
      ),
      h(
        "section.card#principal-people",
        h("h2", "主要人员"),
        kv([
          ["法定代表人", e.legal_representative],
          ["主要负责人", e.person_in_charge],
          ["联系电话", e.person_in_charge_phone],
          ["安全负责人", e.safety_lead],
          ["联系电话", e.safety_lead_phone],
        ])
      ),
      h(
        "section.card#credit-standing",
        h("h2", "诚信等级与标准化"),
        kv([
          ["诚信等级", h("span", classBadge(e.credit_class, e.blacklisted), " ", e.credit_class ? `${e.credit_class} 级` : e.blacklisted ? "" : "未评级")],
          ["考评得分", e.credit_score ?? "—"],
          ["上次等级", e.last_class ?? "—"],
          ["诚信红榜", e.honour_roll ? "在榜" : "否"],
          ["标准化", standardizationBlock(e)],
        ])
      )
    ),
    grid.el,
    credit.el,
    assessments.el,
    blacklist.el,
    hazards.el
  );

  fillGrid(grid.body, alive, e.uscc);
  fill(credit.body, alive, () => get(`/registry/v1/enterprises/${enc}/credit-history`, { limit: 50 }), (p) =>
    table(
      [
        { label: "生效时间", render: (c) => fmtDateTime(c.effective_at), nowrap: true },
        { label: "变更", render: (c) => h("span", classBadge(c.old_class), " → ", classBadge(c.new_class)) },
        { label: "得分", key: "score", num: true },
        { label: "原因", render: (c) => h("span", { title: c.reason }, translateMessage(c.reason)) },
        { label: "记录人", key: "recorded_by" },
        { label: "", render: (c) => (c.assessment_id ? h("a", { href: `#/assessments/${c.assessment_id}` }, "考评") : c.entry_id ? h("a", { href: `#/blacklist/${c.entry_id}` }, "黑名单") : "") },
      ],
      p.items,
      { wrap: "short", emptyText: "尚无等级变更记录" }
    )
  );
  fill(assessments.body, alive, () => get(`/registry/v1/enterprises/${enc}/assessments`, { limit: 50 }), (p) =>
    table(
      [
        { label: "考评期", key: "period" },
        { label: "总分", key: "total_score", num: true },
        { label: "诚信等级", render: (a) => classBadge(a.credit_class) },
        { label: "标准化结果", render: (a) => (a.standardization_result ? GRADES[a.standardization_result] : "未达标") },
        { label: "状态", render: (a) => label(ASSESSMENT_STATUS, a.status) },
        { label: "提交人", key: "author" },
        { label: "提交时间", render: (a) => fmtDateTime(a.submitted_at), nowrap: true },
      ],
      p.items,
      { wrap: "short", onRow: (a) => (location.hash = `#/assessments/${a.id}`), emptyText: "尚无考评" }
    )
  );
  fill(blacklist.body, alive, () => get("/registry/v1/blacklist", { uscc: e.uscc, limit: 50 }), (p) =>
    table(
      [
        { label: "列入情形", key: "situation_text" },
        { label: "处罚决定书", key: "penalty_decision_ref" },
        { label: "列入日期", render: (b) => fmtDate(b.decided_at), nowrap: true },
        { label: "到期日期", render: (b) => fmtDate(b.expires_at), nowrap: true },
        { label: "状态", render: (b) => label(BLACKLIST_STATUS, b.status) },
      ],
      p.items,
      { wrap: "short", onRow: (b) => (location.hash = `#/blacklist/${b.id}`), emptyText: "无黑名单记录" }
    )
  );
  fill(hazards.body, alive, () => get("/hazard/v1/hazards", { uscc: e.uscc, limit: 100 }), (p) =>
    table(
      [
        { label: "发现时间", render: (x) => fmtDate(x.found_at), nowrap: true },
        { label: "隐患描述", key: "description" },
        { label: "等级", render: (x) => (x.level === "major" ? badge("重大", "bad") : badge("一般")) },
        { label: "状态", render: (x) => h("span", label(HAZARD_STATUS, x.status), x.overdue ? badge("逾期", "bad") : null, x.listed ? badge("挂牌", "warn") : null) },
        { label: "整改期限", render: (x) => fmtDate(x.deadline), nowrap: true },
        { label: "通知书", key: "notice_number" },
      ],
      p.items,
      { wrap: "short", onRow: (x) => (location.hash = `#/hazards/${x.id}`), emptyText: `无隐患记录（${label(HAZARD_LEVELS, "general")}与${label(HAZARD_LEVELS, "major")}均无）` }
    )
  );
}
