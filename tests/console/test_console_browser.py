"""The admin console in a real browser against the real embedded suite (see conftest.py)."""

from __future__ import annotations

import random
import re
import time
from datetime import UTC, datetime

import pytest

from services.registry.domain.uscc import generate_uscc

pytestmark = [pytest.mark.e2e]

ROUTES = [
    "/overview",
    "/enterprises",
    "/enterprises/new",
    "/assessments",
    "/blacklist",
    "/blacklist?tab=ended",
    "/blacklist?tab=repairs",
    "/blacklist?tab=proposals",
    "/blacklist/new",
    "/hazards",
    "/hazards/new",
    "/accidents",
    "/imports",
    "/partners",
    "/partners?tab=feedback",
    "/partners?tab=audit",
]


def number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def kpi(page, card: str, key: str) -> str:
    return page.inner_text(f"{card} [data-kpi={key}] .value")


def wrong_check_character(code: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return code[:17] + alphabet[(alphabet.index(code[17]) + 1) % 31]


def test_officer_signs_in_and_the_overview_shows_the_api_figures(console, suite):
    page = console.page
    console.sign_in("officer")
    assert page.inner_text("#user-name") == "officer"
    assert "监管人员" in page.inner_text(".userbox") and "湖州市" in page.inner_text(".userbox")
    api = suite.api("officer")
    for division in ("330500", "330503"):
        if division != "330500":
            page.select_option("#ov-division", division)
        page.wait_for_selector("#credit-card .bar-row")
        page.wait_for_selector("#hazard-card [data-kpi=hazards]")
        page.wait_for_selector("#accident-card [data-kpi=accidents]")

        credit = api.get("/registry/v1/stats/credit", params={"division_code": division}).json()
        assert number(kpi(page, "#credit-card", "total")) == credit["total"]
        for key in ("A", "B", "C", "D", "unrated"):
            assert number(page.inner_text(f"#credit-card [data-key={key}] .num b")) == credit["by_class"][key]
        assert number(page.inner_text("#credit-card [data-key=blacklisted] .num b")) == credit["blacklisted"]

        period = {"from": page.input_value("#ov-from"), "to": page.input_value("#ov-to"), "division_code": division}
        stats = api.get("/hazard/v1/stats", params=period).json()
        for key in ("hazards", "notices", "due", "closed_on_time", "closed_late", "overdue", "major_listed"):
            assert number(kpi(page, "#hazard-card", key)) == stats[key], key
        rate = page.inner_text("#due-rate")
        assert rate == (f"{stats['due_rectification_rate']}%" if stats["due_rectification_rate"] else rate)

        activity = api.get("/registry/v1/stats/activity", params=period).json()
        standardization = api.get("/registry/v1/stats/standardization", params=period).json()
        page.wait_for_selector("#work-card [data-kpi=changes]")
        for key in ("changes", "registered", "updated"):
            assert number(kpi(page, "#work-card", key)) == activity[key], key
        assert number(kpi(page, "#work-card", "assessed")) == standardization["assessed"]
        for grade in ("1", "2", "3"):
            assert number(kpi(page, "#work-card", f"grade_{grade}")) == standardization["by_grade"][grade]

        by_source = api.get("/hazard/v1/stats/sources", params=period).json()
        page.wait_for_selector("#source-card tr.src-total")
        total_cells = page.locator("#source-card tr.src-total td").all_inner_texts()
        assert [number(x) for x in total_cells[1:4]] == [
            by_source["total"][k] for k in ("hazards", "enterprises", "rectified")
        ]
        assert page.locator("#source-card tbody tr").count() == len(by_source["sources"]) + 1
        if any(f["source"] == "advisor" for f in by_source["sources"]):
            assert "安全顾问" in page.inner_text("#source-card tr.src-advisor")

        year = page.input_value("#ov-year")
        acc = api.get("/hazard/v1/stats/accidents", params={"year": year, "division_code": division}).json()
        assert number(kpi(page, "#accident-card", "accidents")) == acc["accidents"]
        assert number(kpi(page, "#accident-card", "deaths")) == acc["deaths"]
        loss = kpi(page, "#accident-card", "direct_loss")
        assert loss.endswith("元") and f"{float(acc['direct_loss']):,.2f}" in loss


def test_district_officer_can_pick_only_their_own_division(console):
    console.sign_in("nanxun")
    options = console.page.eval_on_selector_all("#ov-division option", "els => els.map(e => e.value)")
    assert options == ["330503"]
    assert "南浔区" in console.page.inner_text(".userbox")


def test_search_and_open_an_enterprise(console, suite):
    page = console.page
    ent = suite.api("officer").get("/registry/v1/enterprises", params={"limit": 5, "offset": 7}).json()["items"][0]
    console.sign_in("officer")
    console.goto("/enterprises")
    page.fill("#ent-q", ent["name"])
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"q="))
    row = page.locator("table.data tbody tr", has_text=ent["uscc"])
    row.locator("a").first.click()
    page.wait_for_selector("#basic-info")
    assert page.inner_text(".page-head h1") == ent["name"]
    assert ent["uscc"] in page.inner_text("#basic-info")
    assert ent["legal_representative"] in page.inner_text("#principal-people")
    assert "标准化" in page.inner_text("#credit-standing")
    page.wait_for_selector("#credit-history table")
    page.wait_for_selector("#enterprise-hazards table")


def test_a_wrong_credit_code_is_explained_beside_the_field(console, screenshot_dir):
    page = console.page
    console.sign_in("officer")
    console.goto("/enterprises/new")
    good = generate_uscc(random.Random(42), "330502")
    page.fill("#f-uscc", wrong_check_character(good))
    page.fill("#f-name", "湖州测试校验码有限公司")
    page.fill("#f-legal_representative", "张三")
    page.select_option("#f-category", "general")
    page.select_option("#f-division_code", "330502")
    page.click("form.form button[type=submit]")
    error = page.locator('[data-field="uscc"] .field-error')
    error.wait_for()
    assert f"校验码（第18位）应为「{good[17]}」" in error.inner_text()
    assert "统一社会信用代码有误" in page.inner_text(".form-msg")
    page.screenshot(path=str(screenshot_dir / "enterprise-422.png"))
    # Put it right: the same form registers the enterprise and opens it.
    page.fill("#f-uscc", good)
    page.click("form.form button[type=submit]")
    page.wait_for_selector("#basic-info")
    assert good in page.inner_text("#basic-info")


def test_an_edit_that_lost_a_race_says_someone_else_changed_it(console, suite):
    page = console.page
    api = suite.api("officer2")
    uscc = api.get("/registry/v1/enterprises", params={"limit": 1, "offset": 20}).json()["items"][0]["uscc"]
    console.sign_in("officer")
    console.goto(f"/enterprises/{uscc}/edit")
    page.wait_for_selector("#f-address")
    etag = api.get(f"/registry/v1/enterprises/{uscc}").headers["etag"]
    assert (
        api.patch(
            f"/registry/v1/enterprises/{uscc}", json={"village": "三桥村"}, headers={"If-Match": etag}
        ).status_code
        == 200
    )
    page.fill("#f-address", "湖州市南浔区旧馆镇新地址 8 号")
    page.click("form.form button[type=submit]")
    page.wait_for_selector(".form-msg .alert.error")
    assert "已被他人修改" in page.inner_text(".form-msg")
    assert page.locator("button", has_text="重新载入最新内容").is_visible()


def test_the_author_cannot_approve_their_own_assessment(console, suite, screenshot_dir):
    page = console.page
    uscc = (
        suite.api("officer")
        .get("/registry/v1/enterprises", params={"limit": 1, "offset": 3, "blacklisted": False})
        .json()["items"][0]["uscc"]
    )
    console.sign_in("officer")
    console.goto(f"/enterprises/{uscc}/assess")
    page.wait_for_selector("#f-standardization")
    for part, score in (
        ("standardization", "92"),
        ("safety_culture", "85"),
        ("staff_participation", "80"),
        ("public_commitment", "90"),
        ("legal_compliance", "88"),
    ):
        page.fill(f"#f-{part}", score)
    page.fill("#f-period", "2026")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("#breakdown")
    assert "huzhou-credit" in page.inner_text("#results")
    assert "安全生产标准化" in page.inner_text("#breakdown")
    assessment_id = page.url.rsplit("/", 1)[-1]

    page.click("#approve")
    message = page.locator("#decision-msg .alert")
    message.wait_for()
    assert "四眼原则" in message.inner_text() and "另一名监管人员" in message.inner_text()
    page.screenshot(path=str(screenshot_dir / "four-eyes.png"))

    page.click("header .btn", timeout=5000)  # 退出
    page.wait_for_selector("#f-username")
    console.sign_in("officer2")
    console.goto(f"/assessments/{assessment_id}")
    page.click("#approve")
    page.wait_for_selector("#decision", state="detached")
    assert "已生效" in page.inner_text(".page-head")
    assert suite.api("officer").get(f"/registry/v1/assessments/{assessment_id}").json()["status"] == "effective"


def _new_hazard(suite, *, offset: int) -> dict:
    api = suite.api("officer")
    uscc = api.get("/registry/v1/enterprises", params={"limit": 1, "offset": offset, "blacklisted": False}).json()[
        "items"
    ][0]["uscc"]
    r = api.post(
        "/hazard/v1/hazards",
        json={
            "uscc": uscc,
            "source": "routine_check",
            "description": "配电箱未接地（控制台测试）",
            "level": "general",
            "found_at": datetime.now(UTC).isoformat(),
            "found_by": "测试检查员",
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


def _move(page, action: str, fill: dict[str, str] | None = None) -> None:
    page.click(f"#actions [data-action={action}]")
    dialog = page.locator("dialog.modal")
    dialog.wait_for()
    for selector, value in (fill or {}).items():
        dialog.locator(selector).fill(value)
    dialog.locator("button[type=submit]").click()
    dialog.wait_for(state="detached")


def test_a_hazard_goes_through_a_notice_to_write_off(console, suite):
    page = console.page
    hazard = _new_hazard(suite, offset=11)
    console.sign_in("officer")
    console.goto(f"/hazards/{hazard['id']}")
    page.wait_for_selector("#actions [data-action=issue_notice]")
    assert page.locator("#actions [data-action=accept]").count() == 0  # only the moves the state allows

    _move(page, "issue_notice", {"#f-measures": "立即整改，配电箱重新接地并检测"})
    page.wait_for_selector("#actions [data-action=start_rectification]")
    number_ = suite.api("officer").get(f"/hazard/v1/hazards/{hazard['id']}").json()["notice_number"]
    assert number_ and number_ in page.inner_text("#notices")
    assert "已下达整改通知书" in page.inner_text(".page-head")

    _move(page, "start_rectification")
    page.wait_for_selector("#actions [data-action=complete]")
    _move(page, "complete", {"#f-evidence": "整改后照片 IMG_001\n接地电阻检测报告"})
    page.wait_for_selector("#actions [data-action=accept]")
    _move(page, "accept", {"#f-note": "现场核查合格"})
    page.wait_for_selector("#actions >> text=闭环完成")
    assert "已销号" in page.inner_text(".page-head")
    history = page.inner_text("#history")
    for step in ("登记隐患", "下达整改通知书", "开始整改", "提交整改完成", "验收通过（销号）"):
        assert step in history


def test_a_move_someone_else_made_first_is_explained(console, suite):
    page = console.page
    hazard = _new_hazard(suite, offset=12)
    console.sign_in("officer")
    console.goto(f"/hazards/{hazard['id']}")
    page.wait_for_selector("#actions [data-action=issue_notice]")
    # Another officer issues the notice while this page is open.
    r = suite.api("officer2").post(
        f"/hazard/v1/hazards/{hazard['id']}/notices", json={"deadline": "2027-01-15", "measures": "限期整改"}
    )
    assert r.status_code == 201, r.text
    _move(page, "issue_notice", {"#f-measures": "重复的通知书"})
    page.wait_for_selector("#action-msg .alert")
    assert "刚被他人处理" in page.inner_text("#action-msg")
    assert page.locator("#actions [data-action=issue_notice]").count() == 0

    # An illegal move answers 409 invalid_transition; the console says it plainly.
    fresh = _new_hazard(suite, offset=13)
    text = page.evaluate(
        """async (id) => {
            const m = await import('/console/static/js/api.js');
            const opts = {method: 'POST', json: {passed: true}, silent: true};
            try { await m.api(`/hazard/v1/hazards/${id}/acceptance`, opts); }
            catch (e) { const d = m.describeProblem(e); return `${e.status} ${d.title} ${d.detail}`; }
            return 'no error';
        }""",
        fresh["id"],
    )
    assert text.startswith("409 ")
    assert "当前状态「已登记」下不能执行「验收通过（销号）」" in text
    assert "即查即改" in text and "下达整改通知书" in text


def test_an_enterprise_import_shows_its_row_report(console, suite, screenshot_dir):
    page = console.page
    rng = random.Random(7)
    good, bad = generate_uscc(rng, "330503"), wrong_check_character(generate_uscc(rng, "330503"))
    csv = (
        "统一社会信用代码,企业名称,法定代表人,区划代码,行业类别,乡镇\n"
        f"{good},湖州导入测试甲有限公司,王一,330503,工贸,旧馆镇\n"
        f"{bad},湖州导入测试乙有限公司,王二,330503,工贸,旧馆镇\n"
    ).encode()
    console.sign_in("officer")
    console.goto("/imports")
    page.set_input_files("#file-enterprises", files=[{"name": "企业名录.csv", "mimeType": "text/csv", "buffer": csv}])
    page.click("#import-enterprises button[type=submit]")
    report = page.locator("#import-enterprises .import-report[data-status=done]")
    report.wait_for(timeout=30_000)
    assert number(report.locator("[data-kpi=succeeded_rows] .value").inner_text()) == 1
    assert number(report.locator("[data-kpi=failed_rows] .value").inner_text()) == 1
    table = report.locator("table").inner_text()
    assert "3" in table and "统一社会信用代码" in table and "校验码（第18位）应为" in table
    assert suite.api("officer").get(f"/registry/v1/enterprises/{good}").status_code == 200
    page.screenshot(path=str(screenshot_dir / "import-report.png"))

    ledger = f"统一社会信用代码,隐患描述,隐患等级,发现时间\n{good},消防通道堵塞,一般隐患,2025-03-02\n".encode()
    page.set_input_files("#file-hazards", files=[{"name": "台账.csv", "mimeType": "text/csv", "buffer": ledger}])
    page.click("#import-hazards button[type=submit]")
    page.locator("#import-hazards .import-report[data-status=done]").wait_for(timeout=30_000)
    # The hazards this import loaded, and only those.
    page.click("#imported-hazards")
    page.wait_for_selector("#main table.data tbody tr td >> text=消防通道堵塞")
    assert "仅显示一次台账导入所载入的隐患" in page.inner_text("#main")
    assert page.locator("#main table.data tbody tr").count() == 1


def test_an_expired_session_returns_to_sign_in(console):
    page = console.page
    console.sign_in("officer")
    # A token whose exp lies in the past (the signature does not matter to the page).
    page.evaluate(
        """() => {
            const b64 = (o) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\\+/g, '-').replace(/\\//g, '_');
            const claims = b64({sub: 'officer', role: 'officer', exp: 1});
            sessionStorage.setItem('anjian.console.token', `${b64({alg: 'HS256'})}.${claims}.x`);
        }"""
    )
    console.goto("/hazards")
    page.wait_for_selector("#f-username")
    assert "登录已过期" in page.inner_text(".login-card")
    assert "next=" in page.url

    # A token the services refuse (401) also ends the session.
    console.sign_in("officer")
    page.evaluate(
        """() => {
            const t = sessionStorage.getItem('anjian.console.token').split('.');
            sessionStorage.setItem('anjian.console.token', `${t[0]}.${t[1]}.invalidsignature`);
        }"""
    )
    console.goto("/enterprises")
    page.wait_for_selector("#f-username")
    assert "重新登录" in page.inner_text(".login-card")


def test_admin_sees_a_new_api_key_once_with_a_copy_button(console, suite):
    page = console.page
    console.sign_in("admin")
    console.goto("/partners")
    page.locator("table.data tbody tr a").first.click()
    page.wait_for_selector("#api-keys")
    page.click("#new-key")
    page.locator("dialog.modal button[type=submit]").click()
    secret = page.locator("#one-time-secret")
    secret.wait_for()
    key = secret.inner_text()
    assert len(key) > 20
    assert "不再显示" in page.inner_text("dialog.modal")
    assert page.locator("#copy-secret").is_visible()
    page.click("dialog.modal >> text=我已保存，关闭")
    page.wait_for_selector("#one-time-secret", state="detached")
    assert key not in page.content()


def test_officers_do_not_see_the_partner_pages(console):
    console.sign_in("officer")
    assert console.page.locator(".nav a", has_text="合作单位").count() == 0


def test_every_page_renders_in_chinese_without_console_errors(console, suite, screenshot_dir):
    page = console.page
    console.sign_in("admin")
    api = suite.api("admin")
    detail_routes = [
        f"/enterprises/{api.get('/registry/v1/enterprises', params={'limit': 1}).json()['items'][0]['uscc']}",
        f"/hazards/{api.get('/hazard/v1/hazards', params={'limit': 1, 'level': 'major'}).json()['items'][0]['id']}",
        f"/blacklist/{api.get('/registry/v1/blacklist', params={'limit': 1}).json()['items'][0]['id']}",
        f"/partners/{api.get('/incentives/v1/agencies', params={'limit': 1}).json()['items'][0]['id']}",
    ]
    for route in ROUTES + detail_routes:
        console.goto(route)
        page.wait_for_load_state("networkidle")
        page.wait_for_function("() => !document.querySelector('#main .loading')")
        main = page.inner_text("#main")
        assert re.search(r"[\u4e00-\u9fff]", main), route
        assert not page.locator("#main .alert.error").count(), f"{route}: {main[:300]}"
    console.goto("/overview")
    page.wait_for_selector("#accident-card [data-kpi=accidents]")
    page.screenshot(path=str(screenshot_dir / "overview.png"))
    console.goto(detail_routes[1])
    page.wait_for_selector("#history")
    page.screenshot(path=str(screenshot_dir / "hazard.png"))
    page.goto(f"{suite.base}/console/#/public")
    page.wait_for_selector(".public-page table.data")
    page.screenshot(path=str(screenshot_dir / "public.png"))
    assert console.errors == [], console.errors


def test_listing_an_enterprise_and_repairing_its_credit(console, suite):
    page = console.page
    api = suite.api("admin")
    uscc = api.get("/registry/v1/enterprises", params={"limit": 1, "credit_class": "C", "blacklisted": False}).json()
    uscc = uscc["items"][0]["uscc"]
    console.sign_in("admin")
    console.goto(f"/blacklist/new?uscc={uscc}")
    page.wait_for_selector("#f-situation option:nth-child(2)", state="attached")
    page.select_option("#f-situation", "concealed_or_false_accident_report")
    page.fill("#f-penalty_decision_ref", "湖应急罚〔2026〕88号")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("#entry")
    assert "在列" in page.inner_text(".page-head")
    assert "瞒报、谎报生产安全事故" in page.inner_text("#entry")
    assert "起可申请信用修复" in page.inner_text("#repairs")  # too early for a repair
    assert api.get(f"/registry/v1/enterprises/{uscc}").json()["blacklisted"] is True

    # An older listing, past the minimum period: a repair is applied for, and decided by someone else.
    now = datetime.now(UTC).isoformat()
    entries = api.get("/registry/v1/blacklist", params={"status": "active", "limit": 200}).json()["items"]
    due = [e for e in entries if e["repair_earliest"] and e["repair_earliest"] < now]
    old = min(due, key=lambda e: e["decided_at"])
    console.goto(f"/blacklist/{old['id']}")
    page.fill("#f-commitment", "本企业承诺依法依规开展生产经营，接受社会监督。")
    page.fill("#f-evidence", "罚款缴纳凭证\n事故隐患整改验收报告")
    page.click("#repairs form button[type=submit]")
    page.wait_for_selector("#repairs >> text=待审批")
    page.click("#repairs button:has-text('批准')")
    page.locator("dialog.modal button[type=submit]").click()
    page.wait_for_selector("dialog.modal .form-msg .alert")
    assert "四眼原则" in page.inner_text("dialog.modal .form-msg")
    page.click("dialog.modal button:has-text('取消')")

    page.click("header .btn")
    page.wait_for_selector("#f-username")
    console.sign_in("officer")
    console.goto(f"/blacklist/{old['id']}")
    page.click("#repairs button:has-text('批准')")
    page.locator("dialog.modal button[type=submit]").click()
    page.wait_for_selector(".page-head >> text=信用修复移出")
    assert api.get(f"/registry/v1/blacklist/{old['id']}").json()["status"] == "repaired"


def _import(api, url: str, name: str, content: bytes) -> dict:
    job = api.post(url, files={"file": (f"{name}.csv", content, "text/csv")}).json()
    deadline = time.time() + 30
    while (state := api.get(f"{url}/{job['id']}").json())["status"] not in ("done", "failed"):
        assert time.time() < deadline, state
        time.sleep(0.2)
    return state


def test_the_import_templates_import_without_errors(suite):
    """The templates the import page offers stay in step with the services' importers."""
    api = suite.api("officer")
    state = _import(api, "/registry/v1/imports", "enterprises", api.get("/console/templates/enterprises.csv").content)
    assert (state["status"], state["succeeded_rows"], state["failed_rows"]) == ("done", 1, 0), state
    # The hazard service learns of the enterprise from the registry's event: allow it a moment.
    ledger = api.get("/console/templates/hazards.csv").content
    deadline = time.time() + 15
    while (state := _import(api, "/hazard/v1/imports", "hazards", ledger))["failed_rows"] and time.time() < deadline:
        time.sleep(0.5)
    assert (state["status"], state["succeeded_rows"], state["failed_rows"]) == ("done", 1, 0), state


def test_admin_brings_a_new_agency_up_to_date(console, suite):
    """A bank registered after the demo's listings gets the restrictions in force with one click."""
    page = console.page
    api = suite.api("admin")
    bank = api.post(
        "/incentives/v1/agencies", json={"name": "新接入的测试银行", "kind": "bank", "domains": ["loans"]}
    ).json()
    console.sign_in("admin")
    console.goto(f"/partners/{bank['id']}")
    page.wait_for_selector("#sync-measures")
    page.once("dialog", lambda d: d.accept())
    page.click("#sync-measures")
    page.wait_for_selector(".toast >> text=/已补推 \\d+ 项现行措施/")
    lives = api.get("/incentives/v1/measure-lives", params={"agency_id": bank["id"], "status": "pushed"}).json()
    assert lives["total"] >= 1
    page.once("dialog", lambda d: d.accept())
    page.click("#sync-measures")
    page.wait_for_selector(".toast >> text=没有需要补推的措施")
