// Chinese names for the codes the APIs speak (domain.md's glossary), in one place.

export const DIVISIONS = {
  "330500": "湖州市",
  "330502": "吴兴区",
  "330503": "南浔区",
  "330521": "德清县",
  "330522": "长兴县",
  "330523": "安吉县",
};

export const CATEGORIES = {
  mining: "矿山",
  hazardous_chemicals: "危险化学品",
  fireworks: "烟花爆竹",
  metallurgy: "冶金",
  industry_trade: "工贸",
  general: "一般行业",
};

export const SCALES = { large: "大型", medium: "中型", small: "小型", micro: "微型" };
export const ENTERPRISE_STATUS = { operating: "在营", suspended: "停产", closed: "关闭" };
export const STANDARDIZATION_STATUS = {
  valid: "有效",
  expiring: "即将到期",
  expired: "已过期",
  none: "无",
  revoked: "已撤销",
};
export const GRADES = { 1: "一级", 2: "二级", 3: "三级" };
export const CREDIT_CLASSES = ["A", "B", "C", "D"];

export const ROLES = {
  admin: "系统管理员",
  officer: "监管人员",
  grid_worker: "网格员",
  expert: "专家",
  advisor: "安全顾问",
  enterprise: "企业用户",
};

export const SCORE_PARTS = {
  standardization: "安全生产标准化",
  safety_culture: "安全文化建设",
  staff_participation: "全员参与",
  public_commitment: "公开承诺",
  legal_compliance: "守法合规",
};

export const OVERRIDE_RULES = {
  no_public_commitment: "未签署公开承诺，降一级",
  fatal_accident: "考评期内发生死亡事故，封顶",
  fatal_accident_cap: "考评期内发生死亡事故，封顶",
  penalty: "考评期内受到行政处罚，封顶",
  penalty_cap: "考评期内受到行政处罚，封顶",
};

export const ASSESSMENT_STATUS = { submitted: "待审核", effective: "已生效", rejected: "已退回" };
export const BLACKLIST_STATUS = { active: "在列", expired: "期满移出", repaired: "信用修复移出", revoked: "已撤销" };
export const REPAIR_STATUS = { submitted: "待审批", approved: "已批准", rejected: "已驳回", revoked: "已撤销" };
export const PROPOSAL_STATUS = { pending: "待决定", accepted: "已列入", dismissed: "不予列入" };

export const HAZARD_STATUS = {
  reported: "已登记",
  notice_issued: "已下达整改通知书",
  rectifying: "整改中",
  awaiting_acceptance: "待验收",
  closed: "已销号",
};
export const HAZARD_LEVELS = { general: "一般隐患", major: "重大隐患" };
export const HAZARD_SOURCES = {
  routine_check: "日常检查",
  specialist_check: "专项检查",
  expert_checkup: "专家会诊",
  advisor: "安全顾问",
  grid_inspection: "网格巡查",
  grid_report: "网格上报",
  electrical_alarm: "智慧用电报警",
  self_check: "企业自查",
  other: "其他",
};
export const HAZARD_ACTIONS = {
  register: "登记隐患",
  fix_on_spot: "即查即改",
  issue_notice: "下达整改通知书",
  submit_plan: "提交治理方案",
  start_rectification: "开始整改",
  complete: "提交整改完成",
  accept: "验收通过（销号）",
  fail_acceptance: "验收不通过",
  request_extension: "申请延期",
  grant_extension: "批准延期",
  refuse_extension: "不予延期",
  list_supervision: "挂牌督办",
  delist: "摘牌",
  overdue: "逾期",
  reminder: "到期提醒",
  supervision_letter: "发出督办函",
  escalate: "逐级上报",
  import: "台账导入",
};
export const ESCALATION_STEPS = {
  reminder: "到期提醒",
  overdue: "逾期未改",
  supervision_letter: "发出督办函",
  acceptance_overdue: "验收超期",
};
export const EXTENSION_STATUS = { pending: "待批准", granted: "已批准", refused: "不予批准", lapsed: "已失效" };

export const ACCIDENT_KINDS = {
  struck_by_object: "物体打击",
  vehicle: "车辆伤害",
  mechanical_injury: "机械伤害",
  lifting: "起重伤害",
  electrocution: "触电",
  drowning: "淹溺",
  burns: "灼烫",
  fire: "火灾",
  fall_from_height: "高处坠落",
  collapse: "坍塌",
  roof_fall: "冒顶片帮",
  flooding: "透水",
  blasting: "放炮",
  explosive_explosion: "火药爆炸",
  gas_explosion: "瓦斯爆炸",
  boiler_explosion: "锅炉爆炸",
  vessel_explosion: "容器爆炸",
  other_explosion: "其他爆炸",
  poisoning_asphyxiation: "中毒和窒息",
  other: "其他伤害",
};
export const ACCIDENT_GRADES = {
  particularly_serious: "特别重大",
  serious: "重大",
  larger: "较大",
  general: "一般",
};

// ---- grid (网格化管理) ----
export const MEMBER_ROLES = {
  station_chief: "站长",
  grid_head: "网格长",
  grid_worker: "网格员",
  enterprise_safety_officer: "企业安全员",
  other: "其他",
};
export const REPORT_KINDS = { hazard: "隐患", illegal_activity: "非法违法行为", data_correction: "信息更正", other: "其他" };
export const REPORT_STATUS = { filed: "已上报", acknowledged: "已签收", resolved: "已办结" };
export const REPORT_ACTIONS = { file: "上报", acknowledge: "签收", resolve: "办结", escalate: "逾期未签收，上移一级" };
export const CHECK_RESULTS = { pass: "合格", fail: "不合格", not_applicable: "不适用" };
export const PLACEMENTS = { auto: "自动", manual: "手动" };
export const FINDING_LEVELS = { general: "一般隐患", major: "重大隐患" };
/** The standings the inspection frequency rule distinguishes (keys of the plan's ``intervals``). */
export const STANDINGS = { A: "A 级", B: "B 级", C: "C 级", D: "D 级", listed: "黑名单", unrated: "未评级" };

export const AGENCY_KINDS = {
  bank: "银行",
  power_utility: "供电企业",
  land_bureau: "自然资源部门",
  tax_bureau: "税务部门",
  award_body: "评优机构",
  other: "其他",
};
export const DOMAINS = { awards: "评优", loans: "贷款", electricity: "用电", land: "用地", tax: "缴税" };
export const WEBHOOK_STATUS = { active: "启用", disabled: "已停用" };
export const IMPORT_STATUS = { queued: "排队中", running: "导入中", done: "已完成", failed: "失败" };

export const FIELD_NAMES = {
  uscc: "统一社会信用代码",
  name: "企业名称",
  legal_representative: "法定代表人",
  person_in_charge: "主要负责人",
  person_in_charge_phone: "主要负责人电话",
  safety_lead: "安全负责人",
  safety_lead_phone: "安全负责人电话",
  division_code: "所在区县",
  township: "乡镇（街道）",
  village: "村（社区）",
  address: "地址",
  category: "行业类别",
  scale: "规模",
  employees: "从业人员数",
  status: "经营状态",
  standardization_grade: "标准化等级",
  standardization_valid_until: "标准化有效期至",
  description: "隐患描述",
  level: "隐患等级",
  source: "隐患来源",
  found_at: "发现时间",
  found_by: "发现人",
  deadline: "整改期限",
  measures: "整改措施",
  notice_number: "整改通知书编号",
  notice_issued_at: "通知书下达时间",
  closed_at: "销号时间",
  file: "文件",
  url: "接收地址",
  standard: "判定标准",
  clause: "判定条款",
  major_basis: "重大隐患判定依据",
  penalty_decision_ref: "处罚决定书文号",
  decided_at: "决定时间",
  situation: "列入情形",
  commitment: "信用承诺",
  evidence: "证明材料",
  period: "考评期",
  code: "网格编码",
  parent_id: "上级网格",
  cell_id: "网格",
  phone: "联系电话",
  role: "角色",
  duties: "职责",
  username: "登录账号",
  kind: "上报类型",
  resolution: "办结情况",
  inspected_at: "巡查时间",
  inspector: "巡查人",
  checklist: "检查项",
  findings: "发现的问题",
  note: "备注",
  from: "开始日期",
  to: "结束日期",
  depth: "层级深度",
};

/** The Chinese label of ``code`` in ``table``, or the code itself when unknown. */
export function label(table, code) {
  if (code === null || code === undefined || code === "") return "—";
  return table[code] ?? String(code);
}

export function divisionName(code) {
  return DIVISIONS[code] ?? code ?? "—";
}

/** The overriding rules of an assessment rule set, in words. */
export function CLASS_LINE_TEXT(o) {
  const parts = [];
  if (o.commitment_downgrade) parts.push(`未签署公开承诺降 ${o.commitment_downgrade} 级`);
  if (o.fatal_accident_cap) parts.push(`发生死亡事故最高 ${o.fatal_accident_cap} 级`);
  if (o.penalty_cap) parts.push(`受到行政处罚最高 ${o.penalty_cap} 级`);
  return parts.join("；") || "—";
}

export const FACT_SOURCES = { given: "考评人填写", default: "未填，按默认值", recorded: "按系统事故记录统计" };
