// 登录: the embedded issuer's OAuth2 password grant; the token goes to sessionStorage.
import { api, describeProblem } from "../api.js";
import * as session from "../session.js";
import { h, alertBox, makeForm } from "../ui.js";

export function render({ main, query, navigate, notice }) {
  const form = makeForm({
    cls: "one",
    submitLabel: "登录",
    fields: [
      { name: "username", label: "用户名", required: true, autocomplete: "username" },
      { name: "password", label: "密码", type: "password", required: true, autocomplete: "current-password" },
    ],
    describe: (err) =>
      err.status === 401 || err.status === 400
        ? { title: "用户名或密码不正确。", detail: "请核对后重试；多次失败请联系系统管理员。" }
        : describeProblem(err),
    async onSubmit(values) {
      const body = new URLSearchParams({ username: values.username, password: values.password });
      const { data } = await api("/auth/v1/token", { method: "POST", form: body, auth: false, silent: true });
      session.signIn(data.access_token);
      const next = query.next && query.next.startsWith("/") && !query.next.startsWith("/login") ? query.next : "/overview";
      const [path, qs = ""] = next.split("?");
      navigate(path, Object.fromEntries(new URLSearchParams(qs)));
    },
  });
  form.controls.username.control.autocomplete = "username";
  form.controls.password.control.autocomplete = "current-password";
  main.append(
    h(
      "div.login-page",
      h(
        "div.login-card",
        h("h1", h("img", { src: "favicon.svg", alt: "" }), "安监管理控制台"),
        h("div.sub", "安全生产监管 · 企业诚信 · 隐患治理"),
        notice ? alertBox("info", notice) : null,
        form.el,
        h("div.login-foot", h("a", { href: "#/public", target: "_blank", rel: "noopener" }, "公开信息：黑名单与诚信红榜"))
      )
    )
  );
  form.controls.username.control.focus();
}
