// 导入: upload an enterprise spreadsheet or a historical hazard ledger, follow the job, read the
// per-row error report. Each row is all-or-nothing; good rows are kept, bad rows are listed.
import { api, get, describeProblem, translateMessage } from "../api.js";
import { IMPORT_STATUS, FIELD_NAMES, label } from "../labels.js";
import { h, clear, alertBox, table, fmtInt, fmtDateTime } from "../ui.js";

const KINDS = {
  enterprises: {
    title: "企业名录",
    url: "/registry/v1/imports",
    template: "templates/enterprises.csv",
    help: "必需列：统一社会信用代码、企业名称、法定代表人、区划代码、行业类别。按统一社会信用代码新增或更新。",
  },
  hazards: {
    title: "隐患台账（历史）",
    url: "/hazard/v1/imports",
    template: "templates/hazards.csv",
    help: "必需列：统一社会信用代码、隐患描述、隐患等级、发现时间；可选：整改通知书编号、下达时间、整改期限、销号时间（未销号留空）。",
  },
};
const POLL_MS = 700;

function report(job, kind) {
  const done = job.status === "done" || job.status === "failed";
  const pct = Math.round((job.progress ?? 0) * 100);
  const rows = (job.errors || []).flatMap((r) => r.errors.map((e, i) => ({ row: i === 0 ? r.row : "", field: FIELD_NAMES[e.field] || e.field, message: translateMessage(e.message), raw: e.message })));
  return h(
    "div.import-report",
    { dataset: { status: job.status } },
    h(
      "div.rate",
      h("b", label(IMPORT_STATUS, job.status)),
      h("div.bar-track", h(`div.bar-fill.fill-${job.status === "failed" ? "D" : "accent"}`, { style: { width: `${pct}%` } })),
      h("span", `${pct}%`)
    ),
    h(
      "div.kpis.four",
      { style: { marginTop: "10px" } },
      h("div.kpi", { dataset: { kpi: "total_rows" } }, h("div.label", "总行数"), h("div.value", fmtInt(job.total_rows ?? 0))),
      h("div.kpi", { dataset: { kpi: "processed_rows" } }, h("div.label", "已处理"), h("div.value", fmtInt(job.processed_rows))),
      h("div.kpi", { dataset: { kpi: "succeeded_rows" } }, h("div.label", "成功"), h("div.value", { style: { color: "var(--ok)" } }, fmtInt(job.succeeded_rows))),
      h("div.kpi", { class: job.failed_rows ? "bad" : "", dataset: { kpi: "failed_rows" } }, h("div.label", "失败"), h("div.value", fmtInt(job.failed_rows)))
    ),
    job.error ? alertBox("error", "整个文件未能导入", job.error) : null,
    done && rows.length
      ? h(
          "div",
          { style: { marginTop: "10px" } },
          h("h3", `逐行问题（${job.failed_rows} 行未导入，其余行已导入）`),
          table(
            [
              { label: "行号", key: "row", num: true, width: "64px" },
              { label: "字段", key: "field", nowrap: true },
              { label: "问题", render: (r) => h("span", { title: r.raw }, r.message) },
            ],
            rows,
            { wrap: "short" }
          )
        )
      : done && !job.error
        ? alertBox("ok", "全部行均已导入。")
        : null,
    kind === "hazards" && done && job.succeeded_rows
      ? h("div.btn-row", { style: { marginTop: "10px" } }, h("a.btn.small#imported-hazards", { href: `#/hazards?import_job_id=${encodeURIComponent(job.id)}` }, `查看本次导入的 ${fmtInt(job.succeeded_rows)} 项隐患`))
      : null,
    h("p.muted", `${job.filename} · 提交于 ${fmtDateTime(job.created_at)}${job.finished_at ? ` · 完成于 ${fmtDateTime(job.finished_at)}` : ""}`)
  );
}

export function render({ main, query, navigate, alive }) {
  const timers = new Set();

  function card(kind) {
    const spec = KINDS[kind];
    const out = h("div.import-out");
    const file = h("input", { type: "file", name: "file", accept: ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", required: true, id: `file-${kind}` });
    const button = h("button.btn.primary", { type: "submit" }, "上传并导入");
    const fileName = h("span.file-name", "未选择文件");
    file.addEventListener("change", () => (fileName.textContent = file.files.length ? file.files[0].name : "未选择文件"));
    const form = h("form.filters", h("label.btn.file-pick", file, "选择文件…"), fileName, button);

    async function follow(id) {
      let job;
      try {
        job = await get(`${spec.url}/${encodeURIComponent(id)}`);
      } catch (err) {
        if (!alive()) return;
        const { title, detail } = describeProblem(err);
        clear(out, alertBox("error", title, detail));
        return;
      }
      if (!alive()) return;
      clear(out, report(job, kind));
      if (job.status !== "done" && job.status !== "failed") {
        const t = setTimeout(() => {
          timers.delete(t);
          follow(id);
        }, POLL_MS);
        timers.add(t);
      }
    }

    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (!file.files.length) {
        clear(out, alertBox("warn", "请先选择要上传的文件（CSV 或 XLSX）。"));
        return;
      }
      const data = new FormData();
      data.append("file", file.files[0]);
      button.disabled = true;
      clear(out, h("p.muted", "正在上传…"));
      try {
        const { data: job } = await api(spec.url, { method: "POST", form: data, silent: true });
        navigate("/imports", { ...query, [kind]: job.id }, { replace: true });
      } catch (err) {
        const { title, detail } = describeProblem(err);
        const fields = err.errors.map((x) => `${FIELD_NAMES[x.field] || x.field}：${translateMessage(x.message)}`).join("；");
        clear(out, alertBox("error", title, fields || detail));
      } finally {
        button.disabled = false;
      }
    });
    if (query[kind]) follow(query[kind]);
    return h(
      `section.card#import-${kind}`,
      h("h2", spec.title, h("a.btn.small", { href: spec.template, download: "" }, "下载模板")),
      h("p.muted", spec.help, " 支持 CSV（UTF-8 或 GB18030，Excel 另存即可）与 XLSX。"),
      form,
      out
    );
  }

  clear(main, h("div.page-head", h("h1", "导入"), h("span.sub", "批量导入企业名录与历史隐患台账")), h("div.grid2", card("enterprises"), card("hazards")));
  return () => timers.forEach(clearTimeout);
}
