// 登记隐患: a hazard found by an inspector, expert, advisor, grid worker or sensor.
import { api, describeProblem, newKey } from "../api.js";
import * as session from "../session.js";
import { HAZARD_LEVELS, HAZARD_SOURCES } from "../labels.js";
import { h, clear, makeForm, toast, nowLocalInput } from "../ui.js";

export async function render({ main, query, navigate }) {
  const idempotencyKey = newKey();
  const form = makeForm({
    fields: [
      { name: "uscc", label: "企业统一社会信用代码", required: true, value: query.uscc || "", maxlength: 18 },
      { name: "level", label: "隐患等级", type: "select", options: HAZARD_LEVELS, required: true, value: "general", blank: false },
      { name: "source", label: "隐患来源", type: "select", options: HAZARD_SOURCES, required: true, value: "routine_check", blank: false },
      { name: "description", label: "隐患描述", type: "textarea", required: true, wide: true },
      { name: "found_at", label: "发现时间", type: "datetime", required: true, value: nowLocalInput() },
      { name: "found_by", label: "发现人", required: true, value: session.user().name },
      { name: "work_suspended", label: "已责令局部或全部停产停业", type: "checkbox" },
      { type: "heading", label: "重大隐患判定依据（重大隐患必填）" },
      { name: "standard", label: "判定标准", placeholder: "如 应急管理部令第10号", help: "如《工贸企业重大事故隐患判定标准》" },
      { name: "clause", label: "条款", placeholder: "如 第四条第（一）项" },
    ],
    submitLabel: "登记",
    onCancel: () => history.back(),
    describe: describeProblem,
    async onSubmit(v) {
      const body = {
        uscc: v.uscc.toUpperCase(),
        level: v.level,
        source: v.source,
        description: v.description,
        found_at: v.found_at,
        found_by: v.found_by,
        work_suspended: v.work_suspended,
      };
      if (v.level === "major" || v.standard || v.clause) body.major_basis = { standard: v.standard || "", clause: v.clause || "" };
      const { data } = await api("/hazard/v1/hazards", { method: "POST", json: body, idempotencyKey, silent: true });
      toast("隐患已登记", { kind: "ok" });
      navigate(`/hazards/${data.id}`);
    },
  });
  clear(main, h("div.page-head", h("h1", "登记隐患")), h("section.card", form.el));
}
