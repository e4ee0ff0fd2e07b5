"""Grid reports: routed one level up, acknowledged and resolved there, escalated when ignored."""

from datetime import timedelta

import pytest

from services.grid.service.reports import escalate_reports


async def _report(grid, cell, *, headers=None, **extra):
    body = {"cell_id": cell["id"], "kind": "illegal_activity", "description": "夜间非法生产", **extra}
    return await grid.post("/grid/v1/reports", body, headers=headers, expect=201)


async def test_a_village_report_goes_to_the_township_and_is_announced(grid):
    town, village = await grid.town_and_village()
    uscc = await grid.enterprise()
    r = await _report(grid, village, headers=grid.worker(village["id"]), uscc=uscc, kind="hazard")
    assert (r["status"], r["routed_to"], r["routed_to_name"], r["allowed_moves"]) == (
        "filed",
        town["id"],
        "旧馆镇",
        ["acknowledge"],
    )
    assert (r["cell_name"], r["enterprise_name"]) == ("三桥村", "网格测试企业有限公司")
    [ev] = await grid.outbox("grid.report.filed.v1")
    assert ev["key"] == uscc
    assert ev["data"] | {"filed_at": None} == {
        "report_id": r["id"],
        "cell_id": village["id"],
        "uscc": uscc,
        "kind": "hazard",
        "description": "夜间非法生产",
        "routed_to": town["id"],
        "filed_at": None,
    }
    top = await _report(grid, town)
    assert (top["routed_to"], top["routed_to_name"], top["cell_name"], top["enterprise_name"]) == (
        None,
        "安监局",
        "旧馆镇",
        None,
    )


async def test_acknowledge_then_resolve_with_the_history(grid):
    town, village = await grid.town_and_village()
    r = await _report(grid, village, headers=grid.worker(village["id"]))
    chief = grid.worker(town["id"], sub="chief")
    bad = await grid.post(f"/grid/v1/reports/{r['id']}/resolve", {"resolution": "已处理"}, headers=chief, expect=409)
    assert bad["code"] == "invalid_transition" and bad["allowed"] == ["acknowledge"]
    # The village's own worker filed it; it waits at the township, not with them.
    nope = await grid.post(f"/grid/v1/reports/{r['id']}/acknowledge", headers=grid.worker(village["id"]), expect=403)
    assert nope["code"] == "not_yours"
    ack = await grid.post(f"/grid/v1/reports/{r['id']}/acknowledge", {"note": "收到"}, headers=chief)
    assert ack["status"] == "acknowledged" and ack["allowed_moves"] == ["resolve"]
    await grid.post(f"/grid/v1/reports/{r['id']}/resolve", {}, headers=chief, expect=422)  # a resolution is required
    done = await grid.post(f"/grid/v1/reports/{r['id']}/resolve", {"resolution": "已责令停产"}, headers=chief)
    assert (done["status"], done["resolution"], done["allowed_moves"]) == ("resolved", "已责令停产", [])
    again = await grid.post(f"/grid/v1/reports/{r['id']}/acknowledge", headers=chief, expect=409)
    assert again["state"] == "resolved" and again["allowed"] == []
    detail = await grid.get(f"/grid/v1/reports/{r['id']}", headers=grid.worker(village["id"]))
    assert [(m["action"], m["by"]) for m in detail["history"]] == [
        ("file", "worker"),
        ("acknowledge", "chief"),
        ("resolve", "chief"),
    ]


async def test_report_errors_and_scopes(grid):
    town, village = await grid.town_and_village()
    other = await grid.cell("荻港村", parent=town["id"])
    r = await _report(grid, village)
    for body, code in (
        ({"cell_id": village["id"], "kind": "gossip", "description": "x"}, "validation_error"),
        ({"cell_id": village["id"], "kind": "other", "description": ""}, "validation_error"),
        (
            {"cell_id": village["id"], "kind": "other", "description": "x", "uscc": "91330503MA2B3C4D5E"},
            "unknown_enterprise",
        ),
    ):
        resp = await grid.client.post("/grid/v1/reports", json=body, headers=grid.admin)
        assert resp.status_code == 422 and resp.json()["code"] == code, resp.text
    resp = await grid.client.post(
        "/grid/v1/reports",
        json={"cell_id": village["id"], "kind": "other", "description": "x"},
        headers=grid.worker(other["id"]),
    )
    assert resp.status_code == 404 and resp.json()["code"] == "cell_not_found"
    await grid.get(f"/grid/v1/reports/{r['id']}", headers=grid.worker(other["id"]), expect=404)
    await grid.get(f"/grid/v1/reports/{r['id']}", headers=grid.officer("330521"), expect=404)
    await grid.get("/grid/v1/reports/nope", expect=404)
    mine = await grid.get("/grid/v1/reports", headers=grid.worker(village["id"]))
    assert [x["id"] for x in mine["items"]] == [r["id"]]
    assert (await grid.get("/grid/v1/reports", headers=grid.worker(other["id"])))["total"] == 0
    waiting = await grid.get("/grid/v1/reports", headers=grid.worker(town["id"]), waiting_for_me="true")
    assert [x["id"] for x in waiting["items"]] == [r["id"]]
    assert (await grid.get("/grid/v1/reports", headers=grid.worker(village["id"]), waiting_for_me="true"))["total"] == 0


async def test_an_ignored_report_climbs_one_level_per_period_up_to_the_bureau(grid):
    town, village = await grid.town_and_village()
    unit = await grid.cell("某某厂", parent=village["id"])
    r = await _report(grid, unit)
    assert r["routed_to"] == village["id"]
    hours = grid.settings.report_escalation_hours
    grid.clock.advance(timedelta(hours=hours) - timedelta(seconds=1))
    assert await escalate_reports(grid.ctx) == 0
    grid.clock.advance(timedelta(seconds=1))
    assert await escalate_reports(grid.ctx) == 1
    assert await escalate_reports(grid.ctx) == 0  # once per period, however often the job runs
    now = await grid.get(f"/grid/v1/reports/{r['id']}")
    assert (now["routed_to"], now["escalations"]) == (town["id"], 1)
    grid.clock.advance(timedelta(hours=hours))
    assert await escalate_reports(grid.ctx) == 1
    grid.clock.advance(timedelta(hours=hours * 10))
    assert await escalate_reports(grid.ctx) == 0  # the bureau is the top
    now = await grid.get(f"/grid/v1/reports/{r['id']}")
    assert (now["routed_to"], now["routed_to_name"], now["escalations"]) == (None, "安监局", 2)
    assert [m["action"] for m in now["history"]] == ["file", "escalate", "escalate"]
    # At the bureau, officers of the division act on it.
    await grid.post(f"/grid/v1/reports/{r['id']}/acknowledge", headers=grid.officer("330503"))


async def test_an_acknowledged_report_does_not_escalate(grid):
    town, village = await grid.town_and_village()
    r = await _report(grid, village)
    await grid.post(f"/grid/v1/reports/{r['id']}/acknowledge", headers=grid.worker(town["id"]))
    grid.clock.advance(timedelta(days=30))
    assert await escalate_reports(grid.ctx) == 0


@pytest.mark.parametrize("workers", [1, 4])
async def test_concurrent_acknowledgements_take_effect_once(grid, workers):
    import asyncio

    town, village = await grid.town_and_village()
    r = await _report(grid, village)
    chief = grid.worker(town["id"], sub="chief")
    results = await asyncio.gather(
        *(grid.client.post(f"/grid/v1/reports/{r['id']}/acknowledge", json={}, headers=chief) for _ in range(workers))
    )
    assert sorted(x.status_code for x in results) == [200] + [409] * (workers - 1)
    detail = await grid.get(f"/grid/v1/reports/{r['id']}")
    assert [m["action"] for m in detail["history"]].count("acknowledge") == 1


async def test_a_report_may_name_only_an_enterprise_of_the_callers_grid(grid):
    town, village = await grid.town_and_village()
    other = await grid.cell("荻港村", parent=town["id"])
    mine = await grid.enterprise()
    theirs = await grid.enterprise(village="荻港村")
    unplaced = await grid.enterprise(township="未建网格的镇")
    w = grid.worker(village["id"])
    await _report(grid, village, headers=w, uscc=mine)
    await _report(grid, village, headers=w, uscc=unplaced)  # how an unplaced enterprise comes to light
    r = await grid.client.post(
        "/grid/v1/reports",
        json={"cell_id": village["id"], "kind": "other", "description": "x", "uscc": theirs},
        headers=w,
    )
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"
    await _report(grid, other, headers=grid.worker(other["id"]), uscc=theirs)


async def test_every_report_object_names_its_cell_and_enterprise(grid):
    town, village = await grid.town_and_village()
    other = await grid.cell("荻港村", parent=town["id"])
    mine = await grid.enterprise(name="三桥纺织有限公司")
    theirs = await grid.enterprise(village="荻港村", name="荻港印染有限公司")
    named = await _report(grid, village, uscc=mine, kind="hazard")
    unnamed = await _report(grid, village)
    elsewhere = await _report(grid, other, uscc=theirs)
    # The list carries the names of its page, newest first.
    page = await grid.get("/grid/v1/reports")
    assert [(x["id"], x["cell_name"], x["enterprise_name"], x["routed_to_name"]) for x in page["items"]] == [
        (elsewhere["id"], "荻港村", "荻港印染有限公司", "旧馆镇"),
        (unnamed["id"], "三桥村", None, "旧馆镇"),
        (named["id"], "三桥村", "三桥纺织有限公司", "旧馆镇"),
    ]
    assert (await grid.get("/grid/v1/reports", uscc=mine))["items"][0]["enterprise_name"] == "三桥纺织有限公司"
    detail = await grid.get(f"/grid/v1/reports/{named['id']}")
    assert (detail["cell_name"], detail["enterprise_name"]) == ("三桥村", "三桥纺织有限公司")
    ack = await grid.post(f"/grid/v1/reports/{named['id']}/acknowledge", headers=grid.worker(town["id"]))
    assert (ack["cell_name"], ack["enterprise_name"], ack["routed_to_name"]) == ("三桥村", "三桥纺织有限公司", "旧馆镇")
    done = await grid.post(f"/grid/v1/reports/{named['id']}/resolve", {"resolution": "已整改"})
    assert (done["cell_name"], done["enterprise_name"]) == ("三桥村", "三桥纺织有限公司")


async def test_the_list_keeps_a_report_whose_enterprise_the_grid_does_not_know(grid):
    from services.grid.models import Report

    _, village = await grid.town_and_village()
    r = await _report(grid, village)
    # A report keeps its code even if the grid's copy has no name for it (e.g. an unannounced code).
    async with grid.ctx.db.session() as s:
        row = await s.get(Report, r["id"])
        row.uscc = "91330503MA2B3C4D5E"
        await s.commit()
    detail = await grid.get(f"/grid/v1/reports/{r['id']}")
    assert (detail["uscc"], detail["enterprise_name"]) == ("91330503MA2B3C4D5E", None)
    [item] = (await grid.get("/grid/v1/reports"))["items"]
    assert (item["uscc"], item["enterprise_name"], item["cell_name"]) == ("91330503MA2B3C4D5E", None, "三桥村")


async def test_the_moves_honour_if_match_and_answer_with_the_new_etag(grid):
    town, village = await grid.town_and_village()
    r = await _report(grid, village)
    path = f"/grid/v1/reports/{r['id']}"
    chief = grid.worker(town["id"], sub="chief")
    read = await grid.client.get(path, headers=chief)
    assert read.status_code == 200 and read.headers["etag"] == '"1"' == f'"{read.json()["version"]}"'

    # Someone acknowledged it since the page read it: the stale ETag is refused and nothing moves.
    ack = await grid.client.post(f"{path}/acknowledge", json={}, headers={**chief, "If-Match": '"1"'})
    assert ack.status_code == 200, ack.text
    assert ack.headers["etag"] == '"2"' and ack.json()["version"] == 2
    stale = await grid.client.post(
        f"{path}/resolve", json={"resolution": "已处理"}, headers={**chief, "If-Match": '"1"'}
    )
    assert stale.status_code == 412, stale.text
    assert (stale.json()["code"], stale.json()["current_version"]) == ("version_mismatch", 2)
    assert (await grid.get(path))["status"] == "acknowledged"

    # With the current ETag (weak or strong), or without If-Match as before, the move goes through.
    done = await grid.client.post(
        f"{path}/resolve", json={"resolution": "已处理"}, headers={**chief, "If-Match": 'W/"2"'}
    )
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.headers["etag"]) == ("resolved", '"3"')
    assert (await grid.client.get(path, headers=chief)).headers["etag"] == '"3"'
    bad = await grid.client.post(f"{path}/acknowledge", json={}, headers={**chief, "If-Match": "yesterday"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_if_match"

    other = await _report(grid, village)
    plain = await grid.client.post(f"/grid/v1/reports/{other['id']}/acknowledge", json={}, headers=chief)
    assert plain.status_code == 200 and plain.headers["etag"] == '"2"'


async def test_an_escalation_makes_an_etag_read_before_it_stale(grid):
    _, village = await grid.town_and_village()
    r = await _report(grid, village)
    path = f"/grid/v1/reports/{r['id']}"
    etag = (await grid.client.get(path, headers=grid.admin)).headers["etag"]
    grid.clock.advance(timedelta(hours=grid.settings.report_escalation_hours))
    assert await escalate_reports(grid.ctx) == 1
    stale = await grid.client.post(f"{path}/acknowledge", json={}, headers={**grid.admin, "If-Match": etag})
    assert stale.status_code == 412 and stale.json()["code"] == "version_mismatch"
    fresh = await grid.client.get(path, headers=grid.admin)
    assert (fresh.json()["routed_to_name"], fresh.headers["etag"]) == ("安监局", '"2"')
    ok = await grid.client.post(
        f"{path}/acknowledge", json={}, headers={**grid.admin, "If-Match": fresh.headers["etag"]}
    )
    assert ok.status_code == 200 and ok.headers["etag"] == '"3"'


async def test_the_names_of_a_page_cost_no_query_per_item(grid):
    from sqlalchemy import event

    town, village = await grid.town_and_village()
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    async def list_statements() -> int:
        statements.clear()
        event.listen(grid.ctx.db.engine.sync_engine, "before_cursor_execute", count)
        try:
            page = await grid.get("/grid/v1/reports", limit="200")
        finally:
            event.remove(grid.ctx.db.engine.sync_engine, "before_cursor_execute", count)
        assert all(x["cell_name"] for x in page["items"])
        return len(statements)

    await _report(grid, village, uscc=await grid.enterprise(name="甲企业"))
    few = await list_statements()
    assert few >= 2  # the count and the page
    for i in range(6):
        cell = await grid.cell(f"村{i}", parent=town["id"])
        await _report(grid, cell, uscc=await grid.enterprise(village=f"村{i}", name=f"企业{i}"))
    assert await list_statements() == few
