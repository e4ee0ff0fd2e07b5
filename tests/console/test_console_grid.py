"""The grid pages of the console (网格) in a real browser against the real embedded suite (see conftest.py)."""

from __future__ import annotations

import random
import re
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from services.registry.domain.uscc import generate_uscc

pytestmark = [pytest.mark.e2e]

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: The figures of /grid/v1/stats the cell page shows as KPI tiles.
FIGURES = (
    "enterprises",
    "enterprises_inspected",
    "inspections",
    "findings",
    "reports",
    "reports_open",
    "reports_escalated",
)


def number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def _township(api, name: str) -> dict:
    cells = api.get("/grid/v1/cells", params={"q": name, "limit": 50}).json()["items"]
    return next(c for c in cells if c["name"] == name and c["level"] == 1)


def _village(api, township: dict) -> dict:
    children = api.get("/grid/v1/cells", params={"parent_id": township["id"], "limit": 200}).json()["items"]
    assert children, f"the demo grid has no village under {township['name']}"
    return next((c for c in children if c["name"] == "三桥村"), children[0])


def _assert_stats_match(page, api, cell_id: str) -> None:
    page.wait_for_selector("#cell-stats [data-kpi=enterprises]")
    stats = api.get("/grid/v1/stats", params={"cell_id": cell_id, "depth": 1}).json()
    assert f"{stats['first_day']} 至 {stats['last_day']}" in page.inner_text("#cell-stats")
    for key in FIGURES:
        assert number(page.inner_text(f"#cell-stats [data-kpi={key}] .value")) == stats["total"][key], key
    table = page.inner_text("#cell-stats")
    for child in stats["cells"]:
        assert child["name"] in table


def _dialog_submit(page, fill: dict[str, str] | None = None, select: dict[str, str] | None = None) -> None:
    dialog = page.locator("dialog.modal")
    dialog.wait_for()
    for selector, value in (select or {}).items():
        dialog.locator(selector).select_option(value)
    for selector, value in (fill or {}).items():
        dialog.locator(selector).fill(value)
    dialog.locator("button[type=submit]").click()
    dialog.wait_for(state="detached")


def test_admin_drills_into_a_township_and_a_village_and_handles_a_report(console, suite, screenshot_dir):
    page = console.page
    api = suite.api("admin")
    township = _township(api, "旧馆镇")
    village = _village(api, township)

    console.sign_in("admin")
    page.click(".nav a[data-path='/grid']")
    page.locator("#grid-cells table.data a", has_text=township["name"]).click()
    page.wait_for_url(re.compile(f"/grid/cells/{township['id']}"))
    page.wait_for_selector("#cell-path a[href='#/grid']")
    assert page.inner_text(".page-head h1") == township["name"]
    detail = api.get(f"/grid/v1/cells/{township['id']}").json()
    members = page.inner_text("#cell-members")
    assert "站长" in members
    for m in detail["members"]:
        assert m["name"] in members and m["phone"] in members
    _assert_stats_match(page, api, township["id"])
    page.wait_for_selector("#cell-children table.data tbody a")
    assert page.locator(".nav a.active").inner_text() == "网格"

    # Drill down into the village: the path leads back to the township.
    page.locator("#cell-children table.data a", has_text=village["name"]).click()
    page.wait_for_url(re.compile(f"/grid/cells/{village['id']}"))
    page.wait_for_selector(f"#cell-path a[href='#/grid/cells/{township['id']}']")
    assert page.inner_text("#cell-path").split("/")[-1].strip() == village["name"]
    assert township["name"] in page.inner_text("#cell-info")
    members = page.inner_text("#cell-members")
    assert "网格员" in members
    for m in api.get(f"/grid/v1/cells/{village['id']}").json()["members"]:
        assert m["name"] in members
    _assert_stats_match(page, api, village["id"])
    page.screenshot(path=str(screenshot_dir / "grid-cell.png"))

    # File a report in the village: it goes up to the township's safety station.
    description = f"村口仓库堆放易燃物料（控制台测试 {uuid.uuid4().hex[:6]}）"
    page.click("#file-report")
    _dialog_submit(page, fill={"#f-description": description}, select={"#f-kind": "hazard"})
    page.wait_for_selector("#report-info")
    report_id = re.search(r"/grid/reports/([^/?]+)", page.url).group(1)
    assert description in page.inner_text("#report-info")
    assert village["name"] in page.inner_text("#report-info")
    assert "已上报" in page.inner_text("#report-status")
    assert township["name"] in page.inner_text("#report-handling")
    assert page.locator("#report-actions [data-action=resolve]").count() == 0  # only the moves the state allows

    page.click("#report-actions [data-action=acknowledge]")
    _dialog_submit(page, fill={"#f-note": "已安排网格员现场核查"})
    page.wait_for_selector("#report-status >> text=已签收")

    # 办结 asks for the resolution: an empty one is refused beside the field.
    page.click("#report-actions [data-action=resolve]")
    dialog = page.locator("dialog.modal")
    dialog.wait_for()
    dialog.locator("button[type=submit]").click()
    dialog.locator("[data-field=resolution] .field-error", has_text="必填").wait_for()
    resolution = "现场核查属实，已督促清理易燃物料"
    dialog.locator("#f-resolution").fill(resolution)
    dialog.locator("button[type=submit]").click()
    dialog.wait_for(state="detached")
    page.wait_for_selector("#report-status >> text=已办结")
    assert "该事项已办结" in page.inner_text("#report-actions")
    assert resolution in page.inner_text("#report-handling")
    history = page.inner_text("#report-history")
    for step in ("上报", "签收", "办结", "已安排网格员现场核查", resolution):
        assert step in history
    page.screenshot(path=str(screenshot_dir / "grid-report.png"))
    report = api.get(f"/grid/v1/reports/{report_id}").json()
    assert (report["status"], report["resolution"]) == ("resolved", resolution)
    assert [m["action"] for m in report["history"]] == ["file", "acknowledge", "resolve"]

    # The village's figures count the report, and its report list shows it.
    console.goto(f"/grid/cells/{village['id']}")
    _assert_stats_match(page, api, village["id"])
    assert number(page.inner_text("#cell-stats [data-kpi=reports] .value")) >= 1
    page.click("a#cell-reports")
    row = page.locator("table.data tbody tr", has_text=description)
    row.wait_for()
    assert "已办结" in row.inner_text() and village["name"] in row.inner_text()
    assert page.locator(".nav a.active").inner_text() == "网格上报"


def test_the_enterprise_page_shows_its_cell_and_responsible_people(console, suite):
    page = console.page
    api = suite.api("admin")
    village = _village(api, _township(api, "旧馆镇"))
    plan = api.get("/grid/v1/inspection-plan", params={"cell_id": village["id"], "due_only": False, "limit": 1}).json()
    uscc = plan["items"][0]["uscc"]
    grid = api.get(f"/grid/v1/enterprises/{uscc}").json()
    assert grid["cell_id"] == village["id"]

    console.sign_in("admin")
    console.goto(f"/enterprises/{uscc}")
    page.wait_for_selector("#enterprise-grid #grid-cell-link")
    section = page.inner_text("#enterprise-grid")
    assert "所属网格" in section and page.inner_text("#grid-cell-link") == village["name"]
    assert "自动" in section
    for person in grid["responsible"]:
        assert person["name"] in section and person["cell_name"] in section
    assert "网格员" in section and "站长" in section
    # Nearest first: the village's people come before the township's.
    assert section.index(grid["responsible"][0]["name"]) < section.index(grid["responsible"][-1]["name"])
    page.click("#grid-cell-link")
    page.wait_for_url(re.compile(f"/grid/cells/{village['id']}"))
    page.wait_for_selector("#cell-members")

    # An enterprise in a township without a cell is quietly "not in the grid", not an error.
    uscc = generate_uscc(random.Random(1130), "330503")
    r = suite.api("officer").post(
        "/registry/v1/enterprises",
        json={
            "uscc": uscc,
            "name": "湖州网格外测试有限公司",
            "legal_representative": "王五",
            "division_code": "330503",
            "township": "无网格测试镇",
            "category": "general",
        },
    )
    assert r.status_code == 201, r.text
    console.goto(f"/enterprises/{uscc}")
    page.wait_for_selector("#enterprise-grid #grid-none")
    assert page.inner_text("#enterprise-grid #grid-none") == "未纳入网格"
    assert page.locator("#enterprise-grid .alert").count() == 0


def test_the_plan_leads_to_recording_an_inspection(console, suite, screenshot_dir):
    page = console.page
    api = suite.api("admin")
    village = _village(api, _township(api, "旧馆镇"))
    plan = api.get("/grid/v1/inspection-plan", params={"cell_id": village["id"], "due_only": False, "limit": 50}).json()

    console.sign_in("admin")
    console.goto(f"/grid/plan?cell_id={village['id']}&due_only=false")
    page.wait_for_selector("#plan-table table.data tbody tr")
    assert page.locator("#plan-table tbody tr").count() == len(plan["items"])
    assert page.locator("#plan-table tbody tr.overdue").count() == sum(1 for x in plan["items"] if x["overdue"])
    assert page.input_value("#plan-from") == plan["first_day"] and page.input_value("#plan-to") == plan["last_day"]
    item = plan["items"][0]
    page.locator("#plan-table tbody tr", has_text=item["uscc"]).locator("a", has_text="记录巡查").click()
    page.wait_for_url(re.compile(r"/grid/inspections/new\?uscc="))
    page.wait_for_selector("#inspection-enterprise .alert")
    assert item["name"] in page.inner_text("#inspection-enterprise")
    assert page.locator(".nav a.active").inner_text() == "巡查计划"

    page.locator("#checklist-rows .check-row").first.locator("select").select_option("fail")
    page.click("#add-finding")
    finding = page.locator("#finding-rows .finding-row").first
    finding.locator("input[name=description]").fill("安全出口堵塞（控制台测试）")
    finding.locator("select[name=level]").select_option("major")
    page.click("form.form button[type=submit]")
    error = page.locator("#finding-rows .finding-row.has-error .field-error")
    error.wait_for()
    assert "重大隐患须填写判定标准和条款" in error.inner_text()
    assert "重大隐患须填写判定标准和条款" in page.inner_text(".form-msg")
    page.screenshot(path=str(screenshot_dir / "grid-inspection-422.png"))

    finding.locator("input[name=standard]").fill("工贸企业重大事故隐患判定标准")
    finding.locator("input[name=clause]").fill("第四条第（一）项")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("#inspection-findings")
    inspection_id = re.search(r"/grid/inspections/([^/?]+)", page.url).group(1)
    assert "重大隐患" in page.inner_text("#inspection-findings")
    assert "第四条第（一）项" in page.inner_text("#inspection-findings")
    assert "不合格" in page.inner_text("#inspection-checklist")
    saved = api.get(f"/grid/v1/inspections/{inspection_id}").json()
    assert saved["uscc"] == item["uscc"] and saved["checklist"][0]["result"] == "fail"
    basis = {"standard": "工贸企业重大事故隐患判定标准", "clause": "第四条第（一）项"}
    assert saved["findings"][0]["major_basis"] == basis


def test_a_district_officer_sees_only_their_own_townships(console, suite):
    page = console.page
    roots = suite.api("nanxun").get("/grid/v1/cells", params={"roots": True, "limit": 200}).json()
    assert roots["total"] > 0
    console.sign_in("nanxun")
    console.goto("/grid")
    page.wait_for_selector("#grid-cells table.data tbody tr a")
    rows = page.locator("#grid-cells table.data tbody tr")
    assert rows.count() == roots["total"]
    assert all("南浔区" in text for text in rows.all_inner_texts())
    page.wait_for_selector("#grid-summary [data-kpi=enterprises]")


def test_every_grid_page_renders_in_chinese_without_console_errors(console, suite):
    page = console.page
    api = suite.api("admin")
    township = _township(api, "旧馆镇")
    report = api.get("/grid/v1/reports", params={"limit": 1}).json()["items"][0]
    inspection = api.get("/grid/v1/inspections", params={"limit": 1}).json()["items"][0]
    routes = [
        "/grid",
        "/grid?q=三桥",
        f"/grid/cells/{township['id']}",
        "/grid/reports",
        "/grid/reports?waiting_for_me=true&status=filed",
        f"/grid/reports/{report['id']}",
        "/grid/plan",
        "/grid/plan?tab=records",
        "/grid/inspections/new",
        f"/grid/inspections/{inspection['id']}",
    ]
    console.sign_in("admin")
    for route in routes:
        console.goto(route)
        page.wait_for_load_state("networkidle")
        page.wait_for_function("() => !document.querySelector('#main .loading')")
        main = page.inner_text("#main")
        assert re.search(r"[\u4e00-\u9fff]", main), route
        assert not page.locator("#main .alert.error").count(), f"{route}: {main[:300]}"
    assert console.errors == [], console.errors


def test_an_officer_edits_and_removes_a_grid_member(console, suite, screenshot_dir):
    page = console.page
    api = suite.api("admin")
    village = _village(api, _township(api, "旧馆镇"))
    tag = uuid.uuid4().hex[:6]
    name = f"测试网格员{tag}"
    r = api.post(
        f"/grid/v1/cells/{village['id']}/members",
        json={"name": name, "phone": "13905721111", "role": "grid_worker", "duties": "每月巡查（控制台测试）"},
    )
    assert r.status_code == 201, r.text
    member = r.json()
    member_path = f"/grid/v1/cells/{village['id']}/members/{member['id']}"

    console.sign_in("officer")
    console.goto(f"/grid/cells/{village['id']}")
    row = page.locator("#cell-members tbody tr", has_text=name)
    row.wait_for()
    assert "网格员" in row.inner_text() and "13905721111" in row.inner_text()

    # 编辑 opens the member in a form; someone else saves first: the page's save is refused (412),
    # says so, and changes nothing.
    row.locator("[data-action=edit-member]").click()
    dialog = page.locator("dialog.modal")
    dialog.wait_for()
    assert "编辑" in dialog.locator(".modal-head").inner_text()
    assert dialog.locator("#f-name").input_value() == name
    assert dialog.locator("#f-role").input_value() == "grid_worker"
    other = api.patch(member_path, json={"duties": "每周巡查（他人修改）"}, headers={"If-Match": '"1"'})
    assert other.status_code == 200, other.text
    dialog.locator("#f-phone").fill("13905722222")
    dialog.locator("button[type=submit]").click()
    dialog.locator(".form-msg .alert", has_text="已被他人修改").wait_for()
    page.screenshot(path=str(screenshot_dir / "grid-member-412.png"))
    assert api.get(member_path).json()["phone"] == "13905721111"
    dialog.locator("#member-reload").click()
    dialog.wait_for(state="detached")
    row = page.locator("#cell-members tbody tr", has_text=name)
    row.locator("text=每周巡查（他人修改）").wait_for()

    # Edited on the fresh version: only what was changed is sent, the other's duties stay.
    row.locator("[data-action=edit-member]").click()
    dialog.wait_for()
    new_name = f"测试网格长{tag}"
    dialog.locator("#f-name").fill(new_name)
    dialog.locator("#f-phone").fill("0572-3015555")
    dialog.locator("#f-role").select_option("grid_head")
    dialog.locator("button[type=submit]").click()
    dialog.wait_for(state="detached")
    row = page.locator("#cell-members tbody tr", has_text=new_name)
    row.wait_for()
    assert "网格长" in row.inner_text() and "0572-3015555" in row.inner_text()
    assert page.locator("#cell-members tbody tr", has_text=name).count() == 0
    saved = api.get(member_path)
    assert saved.headers["etag"] == '"3"'
    assert (saved.json()["name"], saved.json()["role"], saved.json()["duties"]) == (
        new_name,
        "grid_head",
        "每周巡查（他人修改）",
    )

    # 删除 asks first: declining keeps the member, confirming removes it.
    asked: list[str] = []

    def answer(accept: bool):
        def handle(d):
            asked.append(d.message)
            d.accept() if accept else d.dismiss()

        return handle

    page.once("dialog", answer(False))
    row.locator("[data-action=remove-member]").click()
    page.wait_for_timeout(300)
    assert len(asked) == 1 and new_name in asked[0] and "删除" in asked[0]
    assert api.get(member_path).status_code == 200
    page.once("dialog", answer(True))
    row.locator("[data-action=remove-member]").click()
    page.locator("#toasts .toast", has_text="已删除网格成员").wait_for()
    page.locator("#cell-members tbody tr", has_text=new_name).wait_for(state="detached")
    assert len(asked) == 2
    gone = api.get(member_path)
    assert gone.status_code == 404 and gone.json()["code"] == "member_not_found"
    assert all(m["id"] != member["id"] for m in api.get(f"/grid/v1/cells/{village['id']}").json()["members"])


def test_a_grid_worker_sees_the_members_without_edit_actions(console, suite):
    page = console.page
    api = suite.api("admin")
    village = _village(api, _township(api, "旧馆镇"))
    assert village["name"] == "三桥村"  # the demo grid worker's cell
    members = api.get(f"/grid/v1/cells/{village['id']}").json()["members"]
    assert members
    page.goto(f"{suite.base}/")
    page.fill("#f-username", "sanqiao")
    page.fill("#f-password", "Anjian-sanqiao-1")
    page.click("form button[type=submit]")
    page.wait_for_selector(".shell #user-name")
    console.goto(f"/grid/cells/{village['id']}")
    page.locator("#cell-members tbody tr", has_text=members[0]["name"]).wait_for()
    assert "操作" not in page.inner_text("#cell-members thead")
    assert (
        page.locator("#cell-members [data-action=edit-member], #cell-members [data-action=remove-member]").count() == 0
    )
    assert page.locator("#add-member").count() == 0


def _local_second(instant: str) -> str:
    """An RFC 3339 instant as a datetime-local value in Beijing time, to the second."""
    return datetime.fromisoformat(instant).astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M:%S")


def _sign_in_as_grid_worker(page, base: str) -> None:
    page.goto(f"{base}/")
    page.fill("#f-username", "sanqiao")
    page.fill("#f-password", "Anjian-sanqiao-1")
    page.click("form button[type=submit]")
    page.wait_for_selector(".shell #user-name")


def test_a_verified_hazard_report_is_registered_as_a_hazard_and_resolved(console, suite, screenshot_dir):
    page = console.page
    api = suite.api("officer")
    village = _village(api, _township(api, "旧馆镇"))
    assert village["name"] == "三桥村"  # the demo grid worker's cell
    plan = api.get("/grid/v1/inspection-plan", params={"cell_id": village["id"], "due_only": False, "limit": 1}).json()
    enterprise = plan["items"][0]
    description = f"仓库消防通道被货物堵塞（控制台测试 {uuid.uuid4().hex[:6]}）"

    # The village's grid worker files it; it waits at the township's safety station.
    _sign_in_as_grid_worker(page, suite.base)
    console.goto(f"/grid/cells/{village['id']}")
    page.click("#file-report")
    _dialog_submit(
        page, fill={"#f-description": description, "#f-uscc": enterprise["uscc"]}, select={"#f-kind": "hazard"}
    )
    page.wait_for_selector("#report-info")
    report_id = re.search(r"/grid/reports/([^/?]+)", page.url).group(1)
    assert enterprise["name"] in page.inner_text("#report-info")
    report = api.get(f"/grid/v1/reports/{report_id}").json()
    assert (report["filed_by"], report["cell_name"], report["enterprise_name"]) == (
        "sanqiao",
        "三桥村",
        enterprise["name"],
    )
    # Verified (acknowledged) at the township, it is still not the village worker's to register.
    assert api.post(f"/grid/v1/reports/{report_id}/acknowledge", json={"note": "现场核查属实"}).status_code == 200
    page.reload()
    page.wait_for_selector("#report-status >> text=已签收")
    assert page.locator("#report-actions [data-action=register-hazard]").count() == 0
    page.click("header .btn")  # 退出
    page.wait_for_selector("#f-username")

    console.sign_in("officer")
    console.goto(f"/grid/reports/{report_id}")
    page.click("#report-actions [data-action=register-hazard]")
    dialog = page.locator("dialog.modal")
    dialog.wait_for()
    # Prefilled from the report: what was seen, when it was filed and by whom.
    assert dialog.locator("#f-description").input_value() == description
    assert dialog.locator("#f-found_by").input_value() == "sanqiao"
    filed = _local_second(report["filed_at"])
    assert dialog.locator("#f-found_at").input_value() in (filed, filed.removesuffix(":00"))
    assert enterprise["name"] in dialog.inner_text()

    # A major hazard needs its judgement standard and clause: refused beside them, nothing changes.
    dialog.locator("#f-level").select_option("major")
    dialog.locator("button[type=submit]").click()
    dialog.locator("[data-field=standard] .field-error", has_text="必填").wait_for()
    assert "重大隐患须填写判定标准和条款" in dialog.locator(".form-msg").inner_text()
    page.screenshot(path=str(screenshot_dir / "grid-report-hazard-422.png"))
    assert api.get(f"/grid/v1/reports/{report_id}").json()["status"] == "acknowledged"
    dialog.locator("#f-level").select_option("general")

    # The hazard is made but its answer is lost on the way back: the retry gets the same hazard.
    def lose_the_answer(route):
        route.fetch()
        route.abort()

    page.route("**/hazard/v1/hazards", lose_the_answer, times=1)
    dialog.locator("button[type=submit]").click()
    dialog.locator(".form-msg .alert", has_text="无法连接服务器").wait_for()
    console.errors[:] = [e for e in console.errors if "ERR_FAILED" not in e]  # the abort above
    assert api.get(f"/grid/v1/reports/{report_id}").json()["status"] == "acknowledged"
    dialog.locator("button[type=submit]").click()
    dialog.wait_for(state="detached")
    page.wait_for_selector("#report-status >> text=已办结")
    assert "已登记为隐患" in page.inner_text("#action-msg")
    page.screenshot(path=str(screenshot_dir / "grid-report-hazard.png"))

    hazards = api.get(
        "/hazard/v1/hazards", params={"uscc": enterprise["uscc"], "source": "grid_report", "limit": 200}
    ).json()["items"]
    [hazard] = [x for x in hazards if x["description"] == description]
    assert (hazard["source"], hazard["cell_id"], hazard["found_by"], hazard["level"], hazard["status"]) == (
        "grid_report",
        village["id"],
        "sanqiao",
        "general",
        "reported",
    )
    assert _local_second(hazard["found_at"]) == filed
    report = api.get(f"/grid/v1/reports/{report_id}").json()
    assert (report["status"], report["resolution"]) == ("resolved", f"已登记为隐患，编号 {hazard['id']}")
    assert [m["action"] for m in report["history"]] == ["file", "acknowledge", "resolve"]
    assert page.locator("#report-actions [data-action=register-hazard]").count() == 0
    assert page.get_attribute("#resolution-hazard", "href") == f"#/hazards/{hazard['id']}"

    page.click("#hazard-link")
    page.wait_for_url(re.compile(f"/hazards/{hazard['id']}"))
    page.wait_for_selector(".page-head h1")
    assert page.inner_text(".page-head h1") == description
    assert "网格上报" in page.inner_text("#main")


def test_a_move_on_a_stale_report_page_is_refused_and_the_page_shows_why(console, suite):
    """签收 sends the version the page shows (If-Match); a report changed meanwhile answers 412."""
    page = console.page
    officer = suite.api("officer")
    village = _village(officer, _township(officer, "旧馆镇"))
    report = officer.post(
        "/grid/v1/reports",
        json={"cell_id": village["id"], "kind": "other", "description": f"过期页面测试 {uuid.uuid4().hex[:6]}"},
    ).json()
    console.sign_in("officer")
    console.goto(f"/grid/reports/{report['id']}")
    page.wait_for_selector("#report-actions [data-action=acknowledge]")
    # Someone else acknowledges it while the page is open.
    admin = suite.api("admin")
    assert admin.post(f"/grid/v1/reports/{report['id']}/acknowledge", json={}).status_code == 200
    page.click("#report-actions [data-action=acknowledge]")
    dialog = page.locator("dialog.modal")
    dialog.wait_for()
    with page.expect_response(lambda r: r.url.endswith("/acknowledge")) as answer:
        dialog.locator("button[type=submit]").click()
    assert answer.value.status == 412  # the version check, not the state machine (which says 409)
    assert answer.value.request.headers["if-match"] == f'"{report["version"]}"'
    dialog.wait_for(state="detached")
    page.wait_for_selector("#report-status >> text=已签收")
    assert "刚被他人处理" in page.inner_text("#main")
    assert [m["action"] for m in officer.get(f"/grid/v1/reports/{report['id']}").json()["history"]] == [
        "file",
        "acknowledge",
    ]


def test_the_village_grid_worker_registers_a_hazard_for_an_enterprise_of_the_village(console, suite):
    """No cell to pick: the hazard service knows where the enterprise sits (grid.enterprise.placed.v1)."""
    page = console.page
    officer = suite.api("officer")
    village = _village(officer, _township(officer, "旧馆镇"))
    plan = officer.get("/grid/v1/inspection-plan", params={"cell_id": village["id"], "due_only": False, "limit": 1})
    enterprise = plan.json()["items"][0]
    description = f"配电箱门未关闭（网格员登记 {uuid.uuid4().hex[:6]}）"
    _sign_in_as_grid_worker(page, suite.base)
    page.goto(f"{suite.base}/#/hazards/new")
    page.wait_for_selector("#f-uscc")
    page.fill("#f-uscc", enterprise["uscc"])
    page.select_option("#f-source", "grid_inspection")
    page.fill("#f-description", description)
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"#/hazards/[0-9a-f-]{36}$"))
    hazard_id = page.url.rsplit("/", 1)[1]
    hazard = officer.get(f"/hazard/v1/hazards/{hazard_id}").json()
    assert (hazard["description"], hazard["cell_id"], hazard["found_by"], hazard["source"]) == (
        description,
        village["id"],
        "sanqiao",
        "grid_inspection",
    )
