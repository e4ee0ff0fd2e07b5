// 登记隐患: a hazard found by an inspector, expert, advisor, grid worker or sensor.
import { describeProblem, newKey } from "../api.js";
import { HAZARD_SOURCES } from "../labels.js";
import { h, clear, makeForm, toast } from "../ui.js";
import { LEVEL_FIELD, MAJOR_BASIS_FIELDS, descriptionField, foundFields, hazardBody, registerHazard } from "../hazard-common.js";

export async function render({ main, query, navigate }) {
  const idempotencyKey = newKey();
  const form = makeForm({
    fields: [
      { name: "uscc", label: "企业统一社会信用代码", required: true, value: query.uscc || "", maxlength: 18 },
      LEVEL_FIELD,
      { name: "source", label: "隐患来源", type: "select", options: HAZARD_SOURCES, required: true, value: "routine_check", blank: false },
      descriptionField(),
      ...foundFields(),
      { name: "work_suspended", label: "已责令局部或全部停产停业", type: "checkbox" },
      ...MAJOR_BASIS_FIELDS,
    ],
    submitLabel: "登记",
    onCancel: () => history.back(),
    describe: describeProblem,
    async onSubmit(v) {
      const data = await registerHazard(hazardBody(v, { uscc: v.uscc.toUpperCase(), source: v.source }), idempotencyKey);
      toast("隐患已登记", { kind: "ok" });
      navigate(`/hazards/${data.id}`);
    },
  });
  clear(main, h("div.page-head", h("h1", "登记隐患")), h("section.card", form.el));
}
