"""The inspection plan (frequency by credit class) and the statistics summed up the tree."""

from datetime import UTC, datetime, timedelta

from shared.contracts.registry import BlacklistEntryAddedV1, CreditClassChangedV1

# 2026-05-15 12:00 in Huzhou: the second quarter runs 2026-04-01..2026-06-30.
NOW = datetime(2026, 5, 15, 4, 0, tzinfo=UTC)


async def _classed(grid, klass, *, village="三桥村"):
    uscc = await grid.enterprise(village=village)
    await grid.publish(
        CreditClassChangedV1(uscc=uscc, old_class=None, new_class=klass, reason="assessment", effective_at=NOW)
    )
    await grid.consume()
    return uscc


async def _visit(grid, uscc, when):
    body = {"uscc": uscc, "inspected_at": when.isoformat(), "inspector": "李网格", "findings": []}
    await grid.post("/grid/v1/inspections", body, expect=201)


async def test_who_is_due_this_quarter_depends_on_the_class(grid):
    grid.clock.set(NOW)
    await grid.town_and_village()
    a = await _classed(grid, "A")
    b = await _classed(grid, "B")
    d = await _classed(grid, "D")
    never = await grid.enterprise()
    listed = await _classed(grid, "B")
    await grid.publish(
        BlacklistEntryAddedV1(
            uscc=listed,
            entry_id="e1",
            situation="s",
            rule_set="mem-order-11-2023",
            decided_at=NOW,
            expires_at=NOW + timedelta(days=1000),
        )
    )
    await grid.consume()
    # All visited on 2026-03-20 (local): A is next due 2026-09-20, B 06-20, D 05-20, listed 04-20.
    visited = datetime(2026, 3, 20, 2, 0, tzinfo=UTC)
    for uscc in (a, b, d, listed):
        await _visit(grid, uscc, visited)
    plan = await grid.get("/grid/v1/inspection-plan")
    assert (plan["first_day"], plan["last_day"]) == ("2026-04-01", "2026-06-30")
    due = {i["uscc"]: i for i in plan["items"]}
    assert set(due) == {b, d, never, listed}
    assert due[never]["last_inspected_on"] is None and due[never]["next_due"] == "2026-04-01"
    assert (due[b]["interval_months"], due[b]["next_due"], due[b]["overdue"]) == (3, "2026-06-20", False)
    assert (due[d]["next_due"], due[d]["overdue"]) == ("2026-05-20", False)
    assert (due[listed]["interval_months"], due[listed]["next_due"], due[listed]["overdue"]) == (1, "2026-04-20", True)
    assert plan["items"][0]["uscc"] == never  # never inspected first
    # Only May: B is not due before 05-31, D is.
    may = await grid.get("/grid/v1/inspection-plan", **{"from": "2026-05-01", "to": "2026-05-31"})
    assert {i["uscc"] for i in may["items"]} == {d, never, listed}
    everyone = await grid.get("/grid/v1/inspection-plan", due_only="false")
    assert everyone["total"] == 5
    bad = await grid.get("/grid/v1/inspection-plan", expect=422, **{"from": "2026-06-01", "to": "2026-05-01"})
    assert bad["code"] == "invalid_period"


async def test_statistics_sum_each_cell_over_its_subtree(grid):
    grid.clock.set(NOW)
    town, sanqiao = await grid.town_and_village()
    digang = await grid.cell("荻港村", parent=town["id"])
    unit = await grid.cell("某某厂", parent=sanqiao["id"])
    s1 = await grid.enterprise()
    s2 = await grid.enterprise()
    g1 = await grid.enterprise(village="荻港村")
    t1 = await grid.enterprise(village="无名村")  # placed at the township itself
    in_q2 = datetime(2026, 4, 10, 2, 0, tzinfo=UTC)
    in_q1 = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    await _visit(grid, s1, in_q2)
    await _visit(grid, s1, in_q2 + timedelta(days=7))
    await _visit(grid, s2, in_q1)  # outside the period
    body = {
        "uscc": g1,
        "inspected_at": in_q2.isoformat(),
        "inspector": "x",
        "findings": [{"description": "a", "level": "general"}, {"description": "b", "level": "general"}],
    }
    await grid.post("/grid/v1/inspections", body, expect=201)
    await _visit(grid, t1, in_q2)
    for cell in (sanqiao, unit, digang):
        await grid.post("/grid/v1/reports", {"cell_id": cell["id"], "kind": "other", "description": "x"}, expect=201)
    stats = await grid.get("/grid/v1/stats", cell_id=town["id"])
    fields = ("enterprises", "enterprises_inspected", "inspections", "findings", "reports", "reports_open")
    got = {c["name"]: tuple(c[f] for f in fields) for c in stats["cells"]}
    assert got == {"三桥村": (2, 1, 2, 0, 2, 2), "荻港村": (1, 1, 1, 2, 1, 1)}
    assert tuple(stats["total"][f] for f in fields) == (4, 3, 4, 2, 3, 3)
    deeper = await grid.get("/grid/v1/stats", cell_id=town["id"], depth=2)
    assert {c["name"] for c in deeper["cells"]} == {"三桥村", "荻港村", "某某厂"}
    village_only = await grid.get("/grid/v1/stats", cell_id=sanqiao["id"], headers=grid.worker(sanqiao["id"]))
    assert tuple(village_only["total"][f] for f in fields) == (2, 1, 2, 0, 2, 2)
    whole = await grid.get("/grid/v1/stats")
    assert whole["total"] == {**stats["total"], "cell_id": None, "code": None, "name": "全部网格", "level": 0}
    q1 = await grid.get("/grid/v1/stats", cell_id=town["id"], **{"from": "2026-01-01", "to": "2026-03-31"})
    assert (q1["total"]["inspections"], q1["total"]["reports"], q1["total"]["reports_open"]) == (1, 0, 3)
    await grid.get("/grid/v1/stats", cell_id=town["id"], headers=grid.worker(sanqiao["id"]), expect=404)
    await grid.get("/grid/v1/stats", headers=grid.officer("330521"))
    assert (await grid.get("/grid/v1/stats", headers=grid.officer("330521")))["total"]["enterprises"] == 0
