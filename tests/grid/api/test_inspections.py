"""Inspection visits: recorded in scope, findings announced as events that become hazards."""

from datetime import timedelta

MAJOR = {"standard": "工贸行业重大事故隐患判定标准", "clause": "第四条第一项"}


def _visit(grid, uscc, **extra):
    return {
        "uscc": uscc,
        "inspected_at": grid.clock.now().isoformat(),
        "inspector": "李网格",
        "checklist": [{"item": "安全出口畅通", "result": "fail"}, {"item": "灭火器有效", "result": "pass"}],
        "findings": [
            {"description": "安全出口堵塞", "level": "general"},
            {"description": "粉尘涉爆除尘系统未按规定泄爆", "level": "major", "major_basis": MAJOR},
        ],
        **extra,
    }


async def test_a_visit_with_findings_publishes_one_event_per_finding(grid):
    town, village = await grid.town_and_village()
    uscc = await grid.enterprise()
    i = await grid.post("/grid/v1/inspections", _visit(grid, uscc), headers=grid.worker(village["id"]), expect=201)
    assert (i["cell_id"], i["enterprise_name"], len(i["findings"])) == (village["id"], "网格测试企业有限公司", 2)
    events = await grid.outbox("grid.finding.recorded.v1")
    assert [e["key"] for e in events] == [uscc, uscc]
    assert [(e["data"]["level"], e["data"]["major_basis"]) for e in events] == [("general", None), ("major", MAJOR)]
    assert {e["data"]["finding_id"] for e in events} == {f["id"] for f in i["findings"]}
    assert all(e["data"]["cell_id"] == village["id"] and e["data"]["found_by"] == "李网格" for e in events)
    assert all(e["data"]["cell_path"] == [town["id"], village["id"]] for e in events)
    e = await grid.get(f"/grid/v1/enterprises/{uscc}")
    assert e["last_inspected_at"] == i["inspected_at"]
    assert (await grid.get(f"/grid/v1/inspections/{i['id']}"))["findings"] == i["findings"]
    listed = await grid.get("/grid/v1/inspections", cell_id=town["id"])
    assert [x["id"] for x in listed["items"]] == [i["id"]]


async def test_an_older_visit_recorded_later_keeps_the_latest_date(grid):
    await grid.town_and_village()
    uscc = await grid.enterprise()
    new = await grid.post("/grid/v1/inspections", _visit(grid, uscc, findings=[]), expect=201)
    old_at = (grid.clock.now() - timedelta(days=40)).isoformat()
    await grid.post("/grid/v1/inspections", _visit(grid, uscc, findings=[], inspected_at=old_at), expect=201)
    assert (await grid.get(f"/grid/v1/enterprises/{uscc}"))["last_inspected_at"] == new["inspected_at"]
    assert await grid.outbox("grid.finding.recorded.v1") == []


async def test_bad_visits_are_4xx_and_write_nothing(grid):
    town, village = await grid.town_and_village()
    other = await grid.cell("荻港村", parent=town["id"])
    uscc = await grid.enterprise()
    future = (grid.clock.now() + timedelta(hours=1)).isoformat()
    cases = [
        (_visit(grid, "91330503MA2B3C4D5E"), grid.admin, 422, "unknown_enterprise"),
        (_visit(grid, uscc, inspected_at=future), grid.admin, 422, "inspected_in_future"),
        (_visit(grid, uscc, inspected_at="2026-01-01T08:00:00"), grid.admin, 422, "validation_error"),
        (
            _visit(grid, uscc, findings=[{"description": "重大", "level": "major"}]),
            grid.admin,
            422,
            "major_basis_required",
        ),
        (
            _visit(grid, uscc, findings=[{"description": "重大", "level": "major", "major_basis": {"standard": "x"}}]),
            grid.admin,
            422,
            "major_basis_required",
        ),
        (_visit(grid, uscc, findings=[{"description": "x", "level": "huge"}]), grid.admin, 422, "validation_error"),
        (_visit(grid, uscc), grid.worker(other["id"]), 403, "out_of_scope"),
        (_visit(grid, uscc), grid.officer("330521"), 403, "out_of_scope"),
        (_visit(grid, uscc), grid.headers("expert"), 403, "forbidden_role"),
    ]
    for body, headers, status, code in cases:
        r = await grid.client.post("/grid/v1/inspections", json=body, headers=headers)
        assert (r.status_code, r.json()["code"]) == (status, code), r.text
    assert (await grid.get("/grid/v1/inspections"))["total"] == 0
    assert await grid.outbox("grid.finding.recorded.v1") == []
    await grid.get("/grid/v1/inspections/nope", expect=404)


async def test_an_idempotency_key_records_a_visit_once(grid):
    await grid.town_and_village()
    uscc = await grid.enterprise()
    body = _visit(grid, uscc)
    h = grid.admin | {"Idempotency-Key": "visit-1"}
    a = await grid.client.post("/grid/v1/inspections", json=body, headers=h)
    b = await grid.client.post("/grid/v1/inspections", json=body, headers=h)
    assert a.status_code == b.status_code == 201 and a.json() == b.json()
    assert b.headers.get("Idempotent-Replayed") == "true"
    assert len(await grid.outbox("grid.finding.recorded.v1")) == 2


async def test_concurrent_visits_keep_the_latest_date(grid):
    import asyncio

    await grid.town_and_village()
    uscc = await grid.enterprise()
    times = [grid.clock.now() - timedelta(days=d) for d in (9, 3, 7, 1, 5, 2, 8, 4)]
    results = await asyncio.gather(
        *(
            grid.client.post(
                "/grid/v1/inspections",
                json=_visit(grid, uscc, findings=[], inspected_at=t.isoformat()),
                headers=grid.admin,
            )
            for t in times
        )
    )
    assert [r.status_code for r in results] == [201] * len(times)
    latest = next(r.json()["inspected_at"] for r, t in zip(results, times, strict=True) if t == max(times))
    assert (await grid.get(f"/grid/v1/enterprises/{uscc}"))["last_inspected_at"] == latest
    assert (await grid.get("/grid/v1/inspections", uscc=uscc))["total"] == len(times)
