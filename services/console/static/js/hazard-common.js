// Shared pieces of the forms that register a hazard: 登记隐患 (the hazard pages) and 登记为隐患
// (a verified grid report): the fields, the request body and the request itself.
import { api } from "./api.js";
import * as session from "./session.js";
import { HAZARD_LEVELS } from "./labels.js";
import { nowLocalInput } from "./ui.js";

export const LEVEL_FIELD = { name: "level", label: "隐患等级", type: "select", options: HAZARD_LEVELS, required: true, value: "general", blank: false };

export function descriptionField(value = "") {
  return { name: "description", label: "隐患描述", type: "textarea", required: true, wide: true, value };
}

/** 发现时间 (``at``: a datetime-local value, Beijing time; ``step`` 1 keeps its seconds) and 发现人. */
export function foundFields({ at = nowLocalInput(), by = session.user().name, step = null } = {}) {
  return [
    { name: "found_at", label: "发现时间", type: "datetime", required: true, value: at, step },
    { name: "found_by", label: "发现人", required: true, value: by },
  ];
}

/** The judgement standard and clause of a major hazard: the service refuses a major one without them, beside these fields. */
export const MAJOR_BASIS_FIELDS = [
  { type: "heading", label: "重大隐患判定依据（重大隐患必填）" },
  { name: "standard", label: "判定标准", placeholder: "如 应急管理部令第10号", help: "如《工贸企业重大事故隐患判定标准》" },
  { name: "clause", label: "条款", placeholder: "如 第四条第（一）项" },
];

/** The body of POST /hazard/v1/hazards from the form's values; ``fixed``: uscc, source, cell_id... */
export function hazardBody(v, fixed = {}) {
  const body = { ...fixed, level: v.level, description: v.description, found_at: v.found_at, found_by: v.found_by };
  if (v.work_suspended !== undefined) body.work_suspended = v.work_suspended;
  if (v.level === "major" || v.standard || v.clause) body.major_basis = { standard: v.standard || "", clause: v.clause || "" };
  return body;
}

/** Register a hazard; the same ``idempotencyKey`` and body again answer with the same hazard. */
export async function registerHazard(body, idempotencyKey) {
  const { data } = await api("/hazard/v1/hazards", { method: "POST", json: body, idempotencyKey, silent: true });
  return data;
}
