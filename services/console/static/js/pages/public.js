// 公开信息: the published blacklist and honour roll, public fields only; no sign-in needed.
import { get, describeProblem } from "../api.js";
import { GRADES } from "../labels.js";
import { h, clear, alertBox, loading, table, pager, fmtDate, classBadge } from "../ui.js";

const LIMIT = 50;

export async function render({ main, query, navigate, alive }) {
  const tab = query.tab === "honour" ? "honour" : "blacklist";
  const offset = Number(query.offset || 0);
  const body = h("div", loading());
  clear(
    main,
    h(
      "div.public-page",
      h("div.public-head", h("img", { src: "favicon.svg", alt: "" }), h("h1", "安全生产诚信公开信息"), h("span.muted", "湖州市应急管理局")),
      h(
        "nav.tabs",
        h("a", { href: "#/public?tab=blacklist", class: tab === "blacklist" ? "active" : "" }, "严重失信主体名单（黑名单）"),
        h("a", { href: "#/public?tab=honour", class: tab === "honour" ? "active" : "" }, "诚信红榜")
      ),
      body,
      h("p.muted", "数据接口：", h("a", { href: "/public/v1/blacklist" }, "/public/v1/blacklist"), "、", h("a", { href: "/public/v1/honour-roll" }, "/public/v1/honour-roll"), "。", h("a", { href: "#/overview" }, "进入管理控制台"))
    )
  );
  try {
    if (tab === "blacklist") {
      const page = await get("/public/v1/blacklist", { limit: LIMIT, offset }, { auth: false });
      if (!alive()) return;
      clear(
        body,
        table(
          [
            { label: "企业名称", key: "name" },
            { label: "统一社会信用代码", render: (x) => h("span.mono", x.uscc) },
            { label: "列入情形", key: "situation_text" },
            { label: "列入日期", render: (x) => fmtDate(x.decided_at), nowrap: true },
            { label: "公布期限至", render: (x) => fmtDate(x.expires_at), nowrap: true },
          ],
          page.items,
          { wrap: "free", emptyText: "目前没有公布的严重失信主体" }
        ),
        pager(page, (o) => navigate("/public", { tab, offset: o }))
      );
    } else {
      const page = await get("/public/v1/honour-roll", { limit: LIMIT, offset }, { auth: false });
      if (!alive()) return;
      clear(
        body,
        table(
          [
            { label: "企业名称", key: "name" },
            { label: "统一社会信用代码", render: (x) => h("span.mono", x.uscc) },
            { label: "诚信等级", render: (x) => classBadge(x.credit_class) },
            { label: "标准化等级", render: (x) => GRADES[x.standardization_grade] || "—" },
            { label: "上榜日期", render: (x) => fmtDate(x.since), nowrap: true },
          ],
          page.items,
          { wrap: "free", emptyText: "诚信红榜暂无企业" }
        ),
        pager(page, (o) => navigate("/public", { tab, offset: o }))
      );
    }
  } catch (err) {
    if (!alive()) return;
    const { title, detail } = describeProblem(err);
    clear(body, alertBox("error", title, detail));
  }
}
