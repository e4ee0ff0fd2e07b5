// Every request to the services goes through api(): it adds the bearer token, parses
// application/problem+json and tells the officer, in Chinese, what went wrong.
import * as session from "./session.js";
import { HAZARD_ACTIONS, HAZARD_STATUS, REPORT_ACTIONS, REPORT_STATUS, FIELD_NAMES, label } from "./labels.js";
import { setProblemText, toast } from "./ui.js";

export class ApiError extends Error {
  constructor(status, problem) {
    const p = problem && typeof problem === "object" ? problem : { detail: String(problem ?? "") };
    super(p.detail || p.title || `HTTP ${status}`);
    this.status = status;
    this.problem = p;
    this.code = p.code || null;
    this.errors = Array.isArray(p.errors) ? p.errors : [];
  }
}

let onUnauthorized = () => {};
/** Set by the app shell: what to do when the token is refused (back to sign-in). */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

function queryString(query) {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === "") continue;
    params.append(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : "";
}

/**
 * Call a service. Options: method, query, json (a body to send as JSON), form (FormData or
 * URLSearchParams), ifMatch (an ETag or a version number), idempotencyKey, silent (do not toast
 * errors: the caller shows them; the default for GET), auth (send the token; default true).
 * Resolves to {data, etag, status}; rejects with an ApiError.
 */
export async function api(path, opts = {}) {
  // Reads are shown in place by the page that asked (silent); a failed change is toasted unless
  // the caller (a form) shows it beside its fields.
  const { method = "GET", query, json, form, ifMatch, idempotencyKey, auth = true } = opts;
  const silent = opts.silent ?? method === "GET";
  const headers = { Accept: "application/json, application/problem+json" };
  const tok = session.token();
  if (auth && tok) headers.Authorization = `Bearer ${tok}`;
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form;
  }
  if (ifMatch !== undefined && ifMatch !== null) {
    headers["If-Match"] = typeof ifMatch === "number" ? `"${ifMatch}"` : ifMatch;
  }
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;

  let res;
  try {
    res = await fetch(path + queryString(query), { method, headers, body, credentials: "same-origin" });
  } catch (e) {
    const err = new ApiError(0, { code: "network", detail: String(e && e.message ? e.message : e) });
    if (!silent) showError(err);
    throw err;
  }
  const etag = res.headers.get("etag");
  let data = null;
  if (res.status !== 204) {
    const type = res.headers.get("content-type") || "";
    const text = await res.text();
    if (type.includes("json") && text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = { detail: text };
      }
    } else {
      data = text;
    }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 401 && auth && tok) {
      onUnauthorized(err);
      throw err;
    }
    if (!silent) showError(err);
    throw err;
  }
  return { data, etag, status: res.status };
}

/** GET and return the body. */
export async function get(path, query, opts = {}) {
  return (await api(path, { ...opts, query })).data;
}

export async function post(path, json, opts = {}) {
  return (await api(path, { ...opts, method: "POST", json })).data;
}

/** A new Idempotency-Key for a POST the officer might press twice. */
export function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

// ---- problem -> Chinese -------------------------------------------------------------------

const MESSAGE_PATTERNS = [
  [/^organization code check character \(position 17\) should be '(.)', got '(.)'$/, (m) => `组织机构代码校验位（第17位）应为「${m[1]}」，实际为「${m[2]}」`],
  [/^check character should be '(.)', got '(.)'$/, (m) => `校验码（第18位）应为「${m[1]}」，实际为「${m[2]}」`],
  [/^must be (\d+) characters, got (\d+)$/, (m) => `应为 ${m[1]} 位，实际为 ${m[2]} 位`],
  [/^character '(.)' at position (\d+) is not allowed/, (m) => `第 ${m[2]} 位的字符「${m[1]}」不允许使用（不含 I、O、S、V、Z）`],
  [/^positions 3-8 \(division code\) must be digits, got '(.)' at position (\d+)$/, (m) => `第3-8位（登记机关行政区划码）须为数字，第 ${m[2]} 位为「${m[1]}」`],
  [/^String should have at least 1 character$/, () => "不能为空"],
  [/^Field required$/, () => "必填"],
  [/^String should have at most (\d+) characters?$/, (m) => `不能超过 ${m[1]} 个字`],
  [/^Input should be a valid integer/, () => "应为整数"],
  [/^Input should be a valid number/, () => "应为数字"],
  [/^Input should be a valid date/, () => "日期格式不正确"],
  [/^Input should be greater than or equal to (\S+)$/, (m) => `不能小于 ${m[1]}`],
  [/^Input should be less than or equal to (\S+)$/, (m) => `不能大于 ${m[1]}`],
  [/^Input should be (.+)$/, (m) => `取值无效（可选：${m[1]}）`],
  [/^division code must be 6 digits/, () => "区划代码应为6位数字"],
  [/^unknown enterprise (.+)$/, (m) => `未登记的企业 ${m[1]}`],
  [/^at least one non-blank item is required$/, () => "至少填写一项"],
  [/^(?:is )?before found_at$/, () => "早于隐患发现时间"],
  [/^is before the notice was issued$/, () => "早于通知书下达时间"],
  [/^must carry a UTC offset$/, () => "须带时区"],
  [/^must be 0 or more$/, () => "不能为负数"],
  [/^must not point to a private, local or reserved address$/, () => "不能指向内网、本机或保留地址"],
  [/^missing or blank: (.+)$/, (m) => `缺少：${m[1].split(/,\s*/).map((f) => FIELD_NAMES[f] || f).join("、")}`],
  // the grid service
  [/^String should match pattern/, () => "格式不正确"],
  [/^unknown enterprise$/, () => "未登记的企业"],
  [/^unknown cell$/, () => "网格不存在或不在您的辖区内"],
  [/^taken$/, () => "已被使用，请换一个"],
  [/^a grid code is 1-40 letters/, () => "网格编码为 1-40 位字母、数字、点、短横线或下划线，以字母或数字开头"],
  [/^must be (\d+) here$/, (m) => `此处应为第 ${m[1]} 级`],
  [/^already at level (\d+)$/, (m) => `上级网格已是第 ${m[1]} 级，不能再往下分`],
  [/^outside the parent's division$/, () => "不在上级网格的区县之内"],
  [/^outside the enterprise's division$/, () => "不在企业所在的区县"],
  [/^a major finding needs its standard and clause$/, () => "重大隐患须填写判定标准和条款"],
  [/^in the future$/, () => "不能晚于当前时间"],
  [/^must not be before from$/, () => "不能早于开始日期"],
  [/^too deep for this subtree$/, () => "层级太深，请减少层数"],
  [/^not acknowledged within ([\d.]+) h$/, (m) => `超过 ${m[1]} 小时未签收，自动上移一级`],
  // reasons recorded in credit history
  [/^assessment (\S+) approved: total (\S+), class (\w)$/, (m) => `${m[1]} 年度考评批准生效：总分 ${m[2]}，${m[3]} 级`],
  [/^listed: (\S+) \((.*)\)$/, (m) => `列入黑名单（${m[2]}）`],
  [/^listing ended \((\w+)\): the class of the latest assessment returns$/, (m) => `移出黑名单（${{ expired: "期满", repaired: "信用修复", revoked: "撤销" }[m[1]] || m[1]}），恢复最近一次考评的等级`],
  [/^listing reinstated: repair (\S+) revoked$/, () => "信用修复被撤销，恢复列入黑名单"],
  [/^(\d+) major hazard\(s\) left unrectified while work continues, overdue since (\S+)$/, (m) => `${m[1]} 项重大隐患逾期未整改且仍在生产（自 ${m[2]} 起逾期）`],
];

/** A field message from the API, in Chinese where we know the phrasing. */
export function translateMessage(message) {
  const text = String(message ?? "");
  for (const [re, fn] of MESSAGE_PATTERNS) {
    const m = text.match(re);
    if (m) return fn(m);
  }
  return text;
}

function actionName(a) {
  return label(HAZARD_ACTIONS, a);
}

/** {title, detail} in Chinese for an ApiError (detail: what the service said). */
export function describeProblem(err) {
  const p = err.problem || {};
  const detail = p.detail || "";
  const firstField = err.errors[0];
  switch (err.code) {
    case "network":
      return { title: "无法连接服务器，请检查网络后重试。", detail };
    case "four_eyes": {
      const what = String(p.instance || "").includes("repair-applications")
        ? ["信用修复申请", "登记", "审批"]
        : String(p.instance || "").includes("assessments")
          ? ["考评", "提交", "审核"]
          : ["事项", "提交", "审核"];
      return {
        title: `四眼原则：${what[1]}人不能${what[2]}自己${what[1]}的${what[0]}。`,
        detail: `须由另一名监管人员作出决定，以防一人说了算。请将此${what[0]}交给同事${what[2]}。`,
      };
    }
    case "invalid_transition": {
      if (String(p.instance || "").includes("/grid/v1/reports")) {
        const allowed = (p.allowed || []).map((a) => label(REPORT_ACTIONS, a));
        return {
          title: `当前状态「${label(REPORT_STATUS, p.state)}」下不能执行「${label(REPORT_ACTIONS, p.action)}」。`,
          detail: allowed.length ? `现在可以执行：${allowed.join("、")}。` : "此上报事项已办结。",
        };
      }
      const allowed = (p.allowed || []).map(actionName);
      return {
        title: `当前状态「${label(HAZARD_STATUS, p.state)}」下不能执行「${actionName(p.action)}」。`,
        detail: allowed.length ? `现在可以执行：${allowed.join("、")}。` : "此隐患当前没有可执行的操作。",
      };
    }
    case "version_mismatch":
      return {
        title: "保存失败：这条记录已被他人修改。",
        detail: `当前版本为 ${p.current_version ?? "更新的版本"}。请刷新页面查看最新内容，再重新修改。`,
      };
    case "precondition_required":
      return { title: "缺少版本号（If-Match），请刷新后重试。", detail };
    case "invalid_uscc":
      return {
        title: "统一社会信用代码有误。",
        detail: err.errors.map((e) => translateMessage(e.message)).join("；") || detail,
      };
    case "enterprise_exists":
      return { title: "该统一社会信用代码的企业已经登记，请直接打开它进行编辑。", detail };
    case "out_of_scope":
      return { title: "超出您的辖区：您只能查看和处理本辖区的数据。", detail };
    case "too_early":
      return { title: "未到信用修复的最短期限，暂不能申请。", detail };
    case "not_yours": {
      const m = detail.match(/^this report waits at (.+?); only/);
      const where = !m || m[1] === "the bureau" ? "安监局" : m[1];
      return { title: `此事项正在等待「${where}」办理。`, detail: "只有该网格（或其上级网格）的人员，或辖区监管人员可以签收、办结。" };
    }
    case "duplicate_code":
      return { title: "网格编码已被使用，请换一个编码。", detail: "" };
    case "invalid_grid_code":
      return { title: "网格编码格式不正确。", detail: "网格编码为 1-40 位字母、数字、点、短横线或下划线，以字母或数字开头。" };
    case "unknown_parent":
      return { title: "上级网格不存在或不在您的辖区内。", detail: "" };
    case "invalid_level":
      return { title: "网格层级不正确：下级网格比上级多一级。", detail: err.errors.map((e) => translateMessage(e.message)).join("；") };
    case "too_deep": {
      const m = detail.match(/at most (\d+) levels deep/);
      return { title: `网格最多 ${m ? m[1] : "规定的"} 级，这一级下面不能再添加下级网格。`, detail: "" };
    }
    case "division_outside_parent":
      return { title: "所选区县不在上级网格的区县之内。", detail: "" };
    case "unknown_enterprise":
      return { title: "网格中没有这家企业：请先在企业库登记，或稍后再试（登记信息同步需要片刻）。", detail: "" };
    case "cell_outside_division":
      return { title: "所选网格不在这家企业所在的区县。", detail: "" };
    case "major_basis_required":
      return { title: "重大隐患须填写判定标准和条款，否则无法转为隐患。", detail: "" };
    case "inspected_in_future":
      return { title: "巡查时间不能晚于当前时间。", detail: "" };
    case "invalid_period":
      return { title: "结束日期不能早于开始日期。", detail: "" };
    case "forbidden_role":
      return { title: "您的角色不能办理此事项。", detail: "" };
    case "unauthorized":
      return { title: "登录已失效，请重新登录。", detail };
    case "validation_error":
      return {
        title: "提交的内容有误，请检查标红的字段。",
        detail: err.errors
          .map((e) => `${FIELD_NAMES[e.field] || e.field}：${translateMessage(e.message)}`)
          .join("；"),
      };
    default:
      break;
  }
  if (err.status === 401) return { title: "用户名或密码不正确，或登录已失效。", detail };
  if (err.status === 403) return { title: "您没有权限执行此操作或查看此内容。", detail };
  if (err.status === 404) return { title: "没有找到这条记录：它可能不存在，或不在您的辖区内。", detail };
  if (err.status === 409) return { title: "操作与当前状态冲突。", detail };
  if (err.status === 412) return { title: "数据已被他人修改，请刷新后重试。", detail };
  if (err.status === 413) return { title: "文件太大。", detail };
  if (err.status === 422) {
    const fields = err.errors.map((e) => `${FIELD_NAMES[e.field] || e.field}：${translateMessage(e.message)}`);
    return { title: "提交的内容有误。", detail: fields.join("；") || detail };
  }
  if (err.status === 429) return { title: "请求过于频繁，请稍后再试。", detail };
  if (err.status >= 500) return { title: `服务暂时不可用（${err.status}），请稍后重试。`, detail };
  return { title: detail || `请求失败（${err.status}）`, detail: "" };
}

export function showError(err) {
  const { title, detail } = describeProblem(err);
  toast(title, { kind: "error", detail });
}

setProblemText(describeProblem, translateMessage);
