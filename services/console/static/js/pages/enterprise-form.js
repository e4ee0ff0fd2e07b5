// 登记企业 / 编辑企业: 422 problems land beside their fields; an edit carries If-Match and a 412
// says plainly that someone else changed the enterprise meanwhile.
import { api, describeProblem, newKey } from "../api.js";
import * as session from "../session.js";
import { DIVISIONS, CATEGORIES, SCALES, ENTERPRISE_STATUS, GRADES } from "../labels.js";
import { h, clear, alertBox, makeForm, toast } from "../ui.js";

function fields(e, isEdit) {
  const counties = session.divisionsInScope().filter((c) => c !== "330500").map((c) => [c, DIVISIONS[c]]);
  return [
    { type: "heading", label: "企业身份" },
    isEdit
      ? null
      : { name: "uscc", label: "统一社会信用代码", required: true, maxlength: 18, help: "18 位，系统按 GB 32100 校验末位校验码", placeholder: "如 91330502MA2XXXXXXX" },
    { name: "name", label: "企业名称", required: true, value: e.name },
    { name: "legal_representative", label: "法定代表人", required: true, value: e.legal_representative },
    { name: "category", label: "行业类别", type: "select", options: CATEGORIES, required: true, value: e.category },
    { name: "scale", label: "规模", type: "select", options: SCALES, value: e.scale, blank: "未填" },
    { name: "employees", label: "从业人员数", type: "number", min: 0, value: e.employees },
    { name: "status", label: "经营状态", type: "select", options: ENTERPRISE_STATUS, value: e.status || "operating", blank: false },
    { type: "heading", label: "所在地" },
    { name: "division_code", label: "所在区县", type: "select", options: counties, required: true, value: e.division_code || (counties.length === 1 ? counties[0][0] : "") },
    { name: "township", label: "乡镇（街道）", value: e.township },
    { name: "village", label: "村（社区）", value: e.village },
    { name: "address", label: "详细地址", value: e.address, wide: true },
    { type: "heading", label: "主要人员" },
    { name: "person_in_charge", label: "主要负责人", value: e.person_in_charge },
    { name: "person_in_charge_phone", label: "主要负责人电话", value: e.person_in_charge_phone },
    { name: "safety_lead", label: "安全负责人", value: e.safety_lead },
    { name: "safety_lead_phone", label: "安全负责人电话", value: e.safety_lead_phone },
    { type: "heading", label: "安全生产标准化" },
    { name: "standardization_grade", label: "标准化等级", type: "select", options: GRADES, value: e.standardization_grade, blank: "无" },
    { name: "standardization_valid_until", label: "有效期至", type: "date", value: e.standardization_valid_until },
  ].filter(Boolean);
}

function normalize(values) {
  const out = { ...values };
  if (out.standardization_grade !== null && out.standardization_grade !== undefined) out.standardization_grade = Number(out.standardization_grade);
  if (out.uscc) out.uscc = out.uscc.toUpperCase();
  return out;
}

export async function render({ main, params, navigate, alive, setTitle }) {
  const isEdit = !!params.uscc;
  let current = {};
  let etag = null;
  if (isEdit) {
    const res = await api(`/registry/v1/enterprises/${encodeURIComponent(params.uscc)}`);
    if (!alive()) return;
    current = res.data;
    etag = res.etag;
    setTitle(`编辑：${current.name}`);
  }
  const idempotencyKey = newKey();
  const reload = () => navigate(`/enterprises/${encodeURIComponent(params.uscc)}/edit`, { t: Date.now() });

  const form = makeForm({
    fields: fields(current, isEdit),
    submitLabel: isEdit ? "保存修改" : "登记",
    onCancel: () => history.back(),
    describe(err) {
      if (err.code === "version_mismatch") {
        return {
          title: "保存失败：在您编辑期间，这家企业的信息已被他人修改。",
          detail: `您打开的是第 ${current.version} 版，现在已是第 ${err.problem.current_version ?? "更新的"} 版。请重新载入后再修改，以免覆盖他人的更改。`,
        };
      }
      return describeProblem(err);
    },
    async onSubmit(values, { msg }) {
      const body = normalize(values);
      if (isEdit) {
        const changed = {};
        for (const [k, v] of Object.entries(body)) {
          const before = current[k] ?? null;
          if (String(before ?? "") !== String(v ?? "")) changed[k] = v;
        }
        if (!Object.keys(changed).length) {
          msg.replaceChildren(alertBox("info", "没有修改任何内容。"));
          return;
        }
        try {
          await api(`/registry/v1/enterprises/${encodeURIComponent(params.uscc)}`, { method: "PATCH", json: changed, ifMatch: etag, silent: true });
        } catch (err) {
          if (err.code === "version_mismatch") {
            form.setErrors(err);
            msg.append(h("button.btn", { type: "button", onclick: reload }, "重新载入最新内容"));
            return;
          }
          throw err;
        }
        toast("企业信息已保存", { kind: "ok" });
        navigate(`/enterprises/${encodeURIComponent(params.uscc)}`);
      } else {
        for (const k of Object.keys(body)) if (body[k] === null) delete body[k];
        const { data } = await api("/registry/v1/enterprises", { method: "POST", json: body, idempotencyKey, silent: true });
        toast(`已登记：${data.name}`, { kind: "ok" });
        navigate(`/enterprises/${encodeURIComponent(data.uscc)}`);
      }
    },
  });
  clear(
    main,
    h("div.page-head", h("h1", isEdit ? `编辑企业：${current.name}` : "登记企业"), isEdit ? h("span.sub.mono", current.uscc) : null),
    h("section.card", form.el)
  );
}
