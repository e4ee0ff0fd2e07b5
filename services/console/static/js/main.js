// The console shell: hash routes, the left navigation, the top bar, sign-in and sign-out.
import * as session from "./session.js";
import { setUnauthorizedHandler } from "./api.js";
import { ROLES, divisionName } from "./labels.js";
import { h, clear, alertBox, loading } from "./ui.js";

const NAV = [
  { group: "工作台" },
  { path: "/overview", label: "总览" },
  { group: "监管对象" },
  { path: "/enterprises", label: "企业" },
  { path: "/assessments", label: "考评" },
  { path: "/blacklist", label: "黑名单" },
  { group: "隐患治理" },
  { path: "/hazards", label: "隐患" },
  { path: "/accidents", label: "事故" },
  { group: "网格" },
  { path: "/grid", label: "网格" },
  { path: "/grid/reports", label: "网格上报" },
  { path: "/grid/plan", label: "巡查计划", also: ["/grid/inspections"] },
  { group: "数据" },
  { path: "/imports", label: "导入" },
  { group: "协同", admin: true },
  { path: "/partners", label: "合作单位", admin: true },
  { group: "公开" },
  { path: "/public", label: "公开信息", external: true },
];

// [pattern, module, page title]; :name captures one path segment.
const ROUTES = [
  ["/overview", "overview", "总览"],
  ["/enterprises", "enterprises", "企业"],
  ["/enterprises/new", "enterprise-form", "登记企业"],
  ["/enterprises/:uscc", "enterprise", "企业详情"],
  ["/enterprises/:uscc/edit", "enterprise-form", "编辑企业"],
  ["/enterprises/:uscc/assess", "assessment-form", "发起考评"],
  ["/assessments", "assessments", "考评"],
  ["/assessments/:id", "assessment", "考评详情"],
  ["/blacklist", "blacklist", "黑名单"],
  ["/blacklist/new", "blacklist-form", "列入黑名单"],
  ["/blacklist/:id", "blacklist-entry", "黑名单条目"],
  ["/hazards", "hazards", "隐患"],
  ["/hazards/new", "hazard-form", "登记隐患"],
  ["/hazards/:id", "hazard", "隐患详情"],
  ["/accidents", "accidents", "事故"],
  ["/grid", "grid", "网格"],
  ["/grid/cells/:id", "grid-cell", "网格详情"],
  ["/grid/reports", "grid-reports", "网格上报"],
  ["/grid/reports/:id", "grid-report", "上报详情"],
  ["/grid/plan", "grid-plan", "巡查计划"],
  ["/grid/inspections/new", "grid-inspection-form", "记录巡查"],
  ["/grid/inspections/:id", "grid-inspection", "巡查记录"],
  ["/imports", "imports", "导入"],
  ["/partners", "partners", "合作单位"],
  ["/partners/:id", "partner", "合作单位详情"],
];

function parseHash() {
  const raw = location.hash.replace(/^#/, "") || "/overview";
  const [path, qs = ""] = raw.split("?");
  return { path: path || "/overview", query: Object.fromEntries(new URLSearchParams(qs)) };
}

function match(path) {
  const segs = path.split("/").filter(Boolean);
  for (const [pattern, mod, title] of ROUTES) {
    const ps = pattern.split("/").filter(Boolean);
    if (ps.length !== segs.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < ps.length; i++) {
      if (ps[i].startsWith(":")) params[ps[i].slice(1)] = decodeURIComponent(segs[i]);
      else if (ps[i] !== segs[i]) ok = false;
    }
    if (ok) return { mod, title, params, pattern };
  }
  return null;
}

/** Go to ``path`` with an optional query (hash routing keeps reloads on the same page). */
export function navigate(path, query = {}, { replace = false } = {}) {
  const qs = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== "")).toString();
  const target = `#${path}${qs ? "?" + qs : ""}`;
  if (replace) history.replaceState(null, "", target);
  else location.hash = target;
  if (replace) render();
}

let shell = null;
let generation = 0;
let cleanup = null;

function endSession(notice) {
  session.signOut(notice);
  shell = null;
  const { path, query } = parseHash();
  const next = path === "/login" ? query.next : `${path}${Object.keys(query).length ? "?" + new URLSearchParams(query) : ""}`;
  navigate("/login", { next });
}

setUnauthorizedHandler(() => endSession("登录已过期或已失效，请重新登录。"));

function buildShell() {
  const u = session.user();
  const nav = h("ul.nav");
  for (const item of NAV) {
    if (item.admin && u.role !== "admin") continue;
    if (item.group) {
      nav.append(h("li.nav-group", item.group));
      continue;
    }
    const attrs = { href: `#${item.path}`, dataset: { path: item.path, also: (item.also || []).join(" ") } };
    if (item.external) Object.assign(attrs, { target: "_blank", rel: "noopener" });
    nav.append(h("li", h("a", attrs, item.label, item.external ? h("span.ext", { "aria-hidden": "true" }, "↗") : null)));
  }
  const crumbs = h("div.crumbs");
  const main = h("main.main", { id: "main" });
  const signOutBtn = h("button.btn.small", { type: "button", onclick: () => endSession("您已安全退出。") }, "退出");
  const division = u.division ? divisionName(u.division) : u.role === "admin" ? "全市" : "";
  const el = h(
    "div.shell",
    h(
      "aside.sidebar",
      h("div.brand", h("img", { src: "favicon.svg", alt: "" }), "安监管理控制台"),
      h("nav", { "aria-label": "主导航" }, nav),
      h("div.sidebar-foot", "湖州市应急管理局 · 安全生产监管")
    ),
    h(
      "header.topbar",
      crumbs,
      h("span.spacer"),
      h("div.userbox", h("span.who", { id: "user-name" }, u.name || ""), h("span.role", ROLES[u.role] || u.role || ""), division ? h("span", { id: "user-division" }, division) : null, signOutBtn)
    ),
    main
  );
  return { el, nav, crumbs, main };
}

async function render() {
  const gen = ++generation;
  if (cleanup) {
    try {
      cleanup();
    } catch {
      /* a page's cleanup must not stop the next page */
    }
    cleanup = null;
  }
  const app = document.getElementById("app");
  app.classList.remove("boot");
  const { path, query } = parseHash();

  if (path === "/public") {
    shell = null;
    const mod = await import("./pages/public.js");
    if (gen !== generation) return;
    clear(app);
    document.title = "公开信息 - 安监";
    mod.render({ main: app, query, params: {}, alive: () => gen === generation, navigate });
    return;
  }
  if (path === "/login" || !session.isSignedIn()) {
    if (path !== "/login") {
      if (session.token()) session.signOut("登录已过期，请重新登录。");
      navigate("/login", { next: location.hash.replace(/^#/, "") }, { replace: true });
      return;
    }
    shell = null;
    const mod = await import("./pages/login.js");
    if (gen !== generation) return;
    clear(app);
    document.title = "登录 - 安监管理控制台";
    mod.render({ main: app, query, params: {}, alive: () => gen === generation, navigate, notice: session.takeNotice() });
    return;
  }

  if (!shell) {
    shell = buildShell();
    clear(app, shell.el);
    session.watchExpiry(() => endSession("登录已过期，请重新登录。"));
  }
  const route = match(path);
  // The longest navigation path the current one falls under is active (/grid/reports, not /grid).
  const under = (p) => !!p && (path === p || path.startsWith(p + "/"));
  let active = null;
  let best = -1;
  for (const a of shell.nav.querySelectorAll("a")) {
    for (const p of [a.dataset.path, ...(a.dataset.also || "").split(" ")]) {
      if (under(p) && p.length > best) {
        active = a;
        best = p.length;
      }
    }
  }
  for (const a of shell.nav.querySelectorAll("a")) a.classList.toggle("active", a === active);
  if (!route) {
    shell.crumbs.textContent = "页面不存在";
    clear(shell.main, alertBox("warn", "没有这个页面。", "请从左侧菜单选择要办理的事项。"));
    return;
  }
  shell.crumbs.textContent = route.title;
  document.title = `${route.title} - 安监管理控制台`;
  clear(shell.main, loading());
  shell.main.scrollTop = 0;
  let mod;
  try {
    mod = await import(`./pages/${route.mod}.js`);
  } catch (e) {
    if (gen !== generation) return;
    clear(shell.main, alertBox("error", "页面加载失败，请刷新重试。", String(e)));
    throw e;
  }
  if (gen !== generation) return;
  const ctx = {
    main: shell.main,
    params: route.params,
    query,
    path,
    alive: () => gen === generation,
    navigate,
    setTitle: (t) => {
      shell.crumbs.textContent = t;
      document.title = `${t} - 安监管理控制台`;
    },
  };
  try {
    cleanup = (await mod.render(ctx)) || null;
  } catch (e) {
    if (gen !== generation) return;
    if (e && e.status !== undefined) {
      const { describeProblem } = await import("./api.js");
      const { title, detail } = describeProblem(e);
      clear(shell.main, alertBox(e.status === 403 || e.status === 404 ? "warn" : "error", title, detail));
    } else {
      clear(shell.main, alertBox("error", "页面出错了，请刷新重试。", String(e && e.message ? e.message : e)));
      throw e;
    }
  }
}

window.addEventListener("hashchange", render);
render();
