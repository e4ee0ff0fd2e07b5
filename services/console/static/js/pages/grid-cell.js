// 网格详情: one cell with its path from the top, its members, its child cells and this quarter's
// figures (its subtree summed, and each child's); admins and officers add, edit and remove members
// (an edit or removal names the version shown: If-Match, 412 when someone changed it meanwhile)
// and add child cells.
import { api, get, describeProblem, newKey, showError } from "../api.js";
import { MEMBER_ROLES, label, divisionName } from "../labels.js";
import { h, clear, alertBox, loading, table, kv, badge, fmtDateTime, makeForm, dialog, toast } from "../ui.js";
import { remember, cellMap, isBuilder, fileReport } from "../grid-common.js";
import { statsKpis, statsColumns, newCell } from "./grid.js";

function addMember(cell, reload) {
  const idempotencyKey = newKey();
  const form = makeForm({
    cls: "two",
    fields: [
      { name: "name", label: "姓名", required: true, maxlength: 50 },
      { name: "phone", label: "联系电话", required: true, placeholder: "手机或座机，如 13900000000" },
      { name: "role", label: "角色", type: "select", options: MEMBER_ROLES, required: true, blank: false, value: cell.level === 1 ? "station_chief" : "grid_worker" },
      { name: "username", label: "控制台登录账号（可选）", maxlength: 100, help: "有账号的成员可凭此签收、办结上报事项" },
      { name: "duties", label: "职责", type: "textarea", required: true, wide: true, placeholder: "如 网格员：每月巡查，发现隐患及时上报" },
    ],
    submitLabel: "添加成员",
    onCancel: () => dlg.close(),
    describe: describeProblem,
    async onSubmit(v) {
      const body = { name: v.name, phone: v.phone, role: v.role, duties: v.duties };
      if (v.username) body.username = v.username;
      await api(`/grid/v1/cells/${cell.id}/members`, { method: "POST", json: body, idempotencyKey, silent: true });
      dlg.close();
      toast(`已添加${label(MEMBER_ROLES, v.role)}：${v.name}`, { kind: "ok" });
      reload();
    },
  });
  const dlg = dialog(`添加「${cell.name}」的网格成员`, form.el);
}

const MEMBER_FIELDS = ["name", "phone", "role", "duties"];

function memberPath(cell, m) {
  return `/grid/v1/cells/${encodeURIComponent(cell.id)}/members/${encodeURIComponent(m.id)}`;
}

function editMember(cell, m, reload) {
  const reloadButton = () => h("button.btn#member-reload", { type: "button", onclick: () => { dlg.close(); reload(); } }, "重新载入最新内容");
  const form = makeForm({
    cls: "two",
    fields: [
      { name: "name", label: "姓名", required: true, maxlength: 50, value: m.name },
      { name: "phone", label: "联系电话", required: true, value: m.phone, placeholder: "手机或座机，如 13900000000" },
      { name: "role", label: "角色", type: "select", options: MEMBER_ROLES, required: true, blank: false, value: m.role },
      { name: "duties", label: "职责", type: "textarea", required: true, wide: true, value: m.duties },
    ],
    submitLabel: "保存修改",
    onCancel: () => dlg.close(),
    describe(err) {
      if (err.code === "version_mismatch") {
        return {
          title: "保存失败：在您编辑期间，这位成员的信息已被他人修改。",
          detail: `您打开的是第 ${m.version} 版，现在已是第 ${err.problem.current_version ?? "更新的"} 版。请重新载入后再修改，以免覆盖他人的更改。`,
        };
      }
      if (err.code === "member_not_found") return { title: "这位成员已被他人删除。", detail: "请重新载入本页。" };
      return describeProblem(err);
    },
    async onSubmit(v, { msg }) {
      const changed = {};
      for (const k of MEMBER_FIELDS) if ((v[k] ?? "") !== (m[k] ?? "")) changed[k] = v[k];
      if (!Object.keys(changed).length) {
        msg.replaceChildren(alertBox("info", "没有修改任何内容。"));
        return;
      }
      try {
        await api(memberPath(cell, m), { method: "PATCH", json: changed, ifMatch: m.version, silent: true });
      } catch (err) {
        if (err.code === "version_mismatch" || err.code === "member_not_found") {
          form.setErrors(err);
          msg.append(reloadButton());
          return;
        }
        throw err;
      }
      dlg.close();
      toast(`已保存网格成员：${v.name}`, { kind: "ok" });
      reload();
    },
  });
  const dlg = dialog(`编辑「${cell.name}」的网格成员：${m.name}`, form.el);
}

async function removeMember(cell, m, reload) {
  const who = `${label(MEMBER_ROLES, m.role)}「${m.name}」`;
  if (!confirm(`确定删除「${cell.name}」的网格成员${who}吗？\n删除后，本网格及下级网格的企业将不再把此人列为责任人。`)) return;
  try {
    await api(memberPath(cell, m), { method: "DELETE", ifMatch: m.version, silent: true });
  } catch (err) {
    if (err.code === "version_mismatch") {
      toast("删除失败：这位成员的信息已被他人修改。", { kind: "error", detail: "请重新载入本页，确认最新内容后再删除。" });
    } else if (err.code === "member_not_found") {
      toast("这位成员已被他人删除。", { kind: "info" });
      reload();
    } else {
      showError(err);
    }
    return;
  }
  toast(`已删除网格成员：${m.name}`, { kind: "ok" });
  reload();
}

async function fillSection(body, alive, load, renderBody) {
  try {
    const data = await load();
    if (alive()) clear(body, renderBody(data));
  } catch (err) {
    if (!alive()) return;
    const { title, detail } = describeProblem(err);
    clear(body, alertBox(err.status === 403 ? "warn" : "error", title, detail));
  }
}

export async function render({ main, params, navigate, alive, setTitle }) {
  const { data: c } = await api(`/grid/v1/cells/${encodeURIComponent(params.id)}`);
  if (!alive()) return;
  setTitle(`网格：${c.name}`);
  remember([c]);
  const id = encodeURIComponent(c.id);
  const reload = () => navigate(`/grid/cells/${c.id}`, { t: Date.now() }, { replace: true });
  const builder = isBuilder();

  const crumbs = h("nav.breadcrumb#cell-path", { "aria-label": "网格路径" }, h("a", { href: "#/grid" }, "网格"), h("span.sep", "/"), h("span.muted", "…"));
  const parentInfo = h("span", c.parent_id ? "…" : "无（第 1 级网格）");
  const statsBody = h("div", loading());
  const childrenBody = h("div", loading());

  clear(
    main,
    crumbs,
    h(
      "div.page-head",
      h("h1", c.name),
      badge(c.level_name, "info"),
      h("span.sub.mono", c.code),
      h(
        "div.actions",
        h("a.btn#cell-reports", { href: `#/grid/reports?cell_id=${id}` }, "网格上报"),
        h("a.btn#cell-plan", { href: `#/grid/plan?cell_id=${id}` }, "巡查计划"),
        h("button.btn.primary#file-report", { type: "button", onclick: () => fileReport({ cell: c, onDone: (r) => navigate(`/grid/reports/${r.id}`) }) }, "＋ 上报事项")
      )
    ),
    h(
      "div.grid2",
      h(
        "section.card#cell-info",
        h("h2", "基本信息"),
        kv([
          ["网格编码", h("span.mono", c.code)],
          ["层级", `第 ${c.level} 级（${c.level_name}）`],
          ["所属区县", c.division_code ? divisionName(c.division_code) : c.scope_code ? `${divisionName(c.scope_code)}（随上级网格）` : "—"],
          ["上级网格", parentInfo],
          ["下级网格", `${c.children} 个`],
          ["直接纳入的企业", h("span", `${c.enterprises} 家 `, h("a", { href: `#/grid/plan?cell_id=${id}&due_only=false` }, "查看本网格全部企业"))],
          ["建立时间", fmtDateTime(c.created_at)],
        ])
      ),
      h(
        "section.card#cell-members",
        h("h2", "网格成员", h("span.hint", "企业所在网格及其上级网格的成员，都是该企业的安全生产责任人")),
        table(
          [
            { label: "姓名", key: "name", nowrap: true },
            { label: "角色", render: (m) => label(MEMBER_ROLES, m.role), nowrap: true },
            { label: "联系电话", render: (m) => h("span.mono", m.phone), nowrap: true },
            { label: "职责", key: "duties" },
            { label: "登录账号", render: (m) => m.username || "—" },
            builder
              ? {
                  label: "操作",
                  nowrap: true,
                  render: (m) =>
                    h(
                      "span.member-actions",
                      h("button.btn.small", { type: "button", dataset: { action: "edit-member", member: m.id }, onclick: () => editMember(c, m, reload) }, "编辑"),
                      " ",
                      h("button.btn.small.danger", { type: "button", dataset: { action: "remove-member", member: m.id }, onclick: () => removeMember(c, m, reload) }, "删除")
                    ),
                }
              : null,
          ].filter(Boolean),
          c.members,
          { wrap: "short", emptyText: "尚未指定网格成员" }
        ),
        builder ? h("div.btn-row", { style: { marginTop: "10px" } }, h("button.btn#add-member", { type: "button", onclick: () => addMember(c, reload) }, "＋ 添加成员")) : null
      )
    ),
    h("section.card#cell-stats", h("h2", "本季度统计", h("span.hint", "本网格及其下全部网格合计")), statsBody),
    h(
      "section.card#cell-children",
      h("h2", "下级网格", h("span.hint", `共 ${c.children} 个`)),
      childrenBody,
      builder ? h("div.btn-row", { style: { marginTop: "10px" } }, h("button.btn#add-child", { type: "button", onclick: () => newCell({ parent: c, onDone: (x) => navigate(`/grid/cells/${x.id}`) }) }, "＋ 添加下级网格")) : null
    )
  );

  // The path from the top: ancestors a grid worker may not see show as "上级网格" without a link.
  (async () => {
    const ancestors = c.path.slice(0, -1);
    const names = await cellMap(ancestors);
    if (!alive()) return;
    const parts = [h("a", { href: "#/grid" }, "网格")];
    for (const aid of ancestors) {
      const a = names.get(aid);
      parts.push(h("span.sep", "/"), a ? h("a", { href: `#/grid/cells/${encodeURIComponent(aid)}` }, a.name) : h("span.muted", "上级网格"));
    }
    parts.push(h("span.sep", "/"), h("b", c.name));
    clear(crumbs, parts);
    const parent = c.parent_id ? names.get(c.parent_id) : null;
    if (c.parent_id) clear(parentInfo, parent ? h("a", { href: `#/grid/cells/${encodeURIComponent(parent.id)}` }, parent.name) : "上级网格（辖区外）");
  })();

  fillSection(statsBody, alive, () => get("/grid/v1/stats", { cell_id: c.id, depth: 1 }), (s) => {
    const byCell = new Map(s.cells.map((x) => [x.cell_id, x]));
    return h(
      "div",
      h("p.muted#cell-stats-period", `${s.first_day} 至 ${s.last_day}（本季度）；「未办结上报」为当前仍未办结的全部事项`),
      statsKpis(s.total),
      s.cells.length
        ? h(
            "div",
            { style: { marginTop: "12px" } },
            h("h3", "各下级网格（各含其下全部网格）"),
            table(
              [
                { label: "网格", render: (x) => h("a", { href: `#/grid/cells/${encodeURIComponent(x.cell_id)}` }, x.name) },
                { label: "编码", render: (x) => h("span.mono", x.code), nowrap: true },
                ...statsColumns((x) => byCell.get(x.cell_id)),
              ],
              s.cells,
              { wrap: "short", onRow: (x) => navigate(`/grid/cells/${x.cell_id}`) }
            )
          )
        : null
    );
  });

  fillSection(childrenBody, alive, () => get("/grid/v1/cells", { parent_id: c.id, limit: 200 }), (page) => {
    remember(page.items);
    return h(
      "div",
      table(
        [
          { label: "网格名称", render: (x) => h("a", { href: `#/grid/cells/${encodeURIComponent(x.id)}` }, x.name) },
          { label: "网格编码", render: (x) => h("span.mono", x.code), nowrap: true },
          { label: "层级", render: (x) => x.level_name, nowrap: true },
          { label: "区县", render: (x) => divisionName(x.scope_code), nowrap: true },
          { label: "建立时间", render: (x) => fmtDateTime(x.created_at), nowrap: true },
        ],
        page.items,
        { wrap: "short", onRow: (x) => navigate(`/grid/cells/${x.id}`), emptyText: "没有下级网格" }
      ),
      page.total > page.items.length ? h("p.muted", `仅列出前 ${page.items.length} 个（共 ${page.total} 个），可在「网格」页按名称查找。`) : null
    );
  });
}
