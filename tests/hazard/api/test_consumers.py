"""Consumed events: the registry's enterprises build the local copy, the grid's findings become
hazards; duplicates take effect once and reordering loses nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.contracts.grid import EnterprisePlacedV1, FindingRecordedV1
from shared.contracts.registry import EnterpriseRegisteredV1, EnterpriseUpdatedV1

REGISTRY, GRID = "/services/registry", "/services/grid"


def registered(uscc: str, **over) -> EnterpriseRegisteredV1:
    fields = {
        "name": "旧馆镇某五金厂",
        "division_code": "330503",
        "township": "旧馆镇",
        "village": "三桥村",
        "category": "industry_trade",
    }
    return EnterpriseRegisteredV1(uscc=uscc, **{**fields, **over})


def finding(uscc: str, finding_id: str = "f-1", **over) -> FindingRecordedV1:
    fields = {
        "inspection_id": "i-1",
        "cell_id": "cell-sanqiao",
        "description": "消防器材过期",
        "found_at": datetime(2026, 1, 1, tzinfo=UTC),
        "found_by": "网格员李四",
    }
    return FindingRecordedV1(uscc=uscc, finding_id=finding_id, **{**fields, **over})


async def post_routine_check(hz, uscc: str):
    """POST a routine-check hazard as admin (the response: 201, or 422 for an unknown enterprise)."""
    return await hz.client.post(
        "/hazard/v1/hazards",
        json={
            "uscc": uscc,
            "source": "routine_check",
            "description": "d",
            "level": "general",
            "found_at": "2026-01-01T00:00:00Z",
            "found_by": "x",
        },
        headers=hz.admin,
    )


async def test_registration_makes_the_enterprise_known_and_a_redelivery_changes_nothing(hz):
    uscc = hz.new_uscc()
    r = await post_routine_check(hz, uscc)
    assert r.status_code == 422 and r.json()["code"] == "unknown_enterprise"
    await hz.publish(registered(uscc), source=REGISTRY, event_id="ev-1")
    await hz.publish(registered(uscc, name="不该出现的名字"), source=REGISTRY, event_id="ev-1")
    assert await hz.consume() == 2
    h = await hz.hazard(uscc)
    assert h["enterprise_name"] == "旧馆镇某五金厂" and h["division_code"] == "330503"


async def test_an_update_that_arrives_before_its_registration_is_kept(hz):
    uscc = hz.new_uscc()
    t0 = hz.clock.now()
    await hz.publish(
        EnterpriseUpdatedV1(uscc=uscc, changed={"name": "新名称", "township": "新市镇"}),
        source=REGISTRY,
        time=t0 + timedelta(minutes=5),
    )
    await hz.consume()
    r = await post_routine_check(hz, uscc)
    assert r.status_code == 422  # no location yet: not known
    await hz.publish(registered(uscc, division_code="330521"), source=REGISTRY, time=t0)
    await hz.consume()
    h = await hz.hazard(uscc)
    assert h["enterprise_name"] == "新名称" and h["division_code"] == "330521"
    await hz.publish(
        EnterpriseUpdatedV1(uscc=uscc, changed={"division_code": "330503"}),
        source=REGISTRY,
        time=t0 + timedelta(minutes=1),
    )
    await hz.consume()
    # Older than the newest applied event, but it fills nothing that is empty: ignored.
    assert (await hz.get(f"/hazard/v1/hazards/{h['id']}"))["division_code"] == "330521"
    await hz.publish(
        EnterpriseUpdatedV1(uscc=uscc, changed={"division_code": "330503", "scale": "large"}),
        source=REGISTRY,
        time=t0 + timedelta(minutes=10),
    )
    await hz.consume()
    assert (await hz.get(f"/hazard/v1/hazards/{h['id']}"))["division_code"] == "330503"


async def test_a_finding_becomes_a_hazard_once_even_when_published_twice(hz):
    uscc = await hz.enterprise()
    await hz.publish(finding(uscc), source=GRID)
    await hz.publish(finding(uscc), source=GRID)  # the grid re-published it under a new event id
    assert await hz.consume() == 2
    page = await hz.get("/hazard/v1/hazards")
    assert page["total"] == 1
    [h] = page["items"]
    assert (h["source"], h["cell_id"], h["found_by"], h["status"]) == (
        "grid_inspection",
        "cell-sanqiao",
        "网格员李四",
        "reported",
    )
    [event] = await hz.outbox("hazard.hazard.registered.v1")
    assert event["data"]["finding_id"] == "f-1" and event["data"]["cell_id"] == "cell-sanqiao"
    worker = await hz.get("/hazard/v1/hazards", headers=hz.headers("grid_worker", grid_cell_ids=["cell-sanqiao"]))
    assert worker["total"] == 1


async def test_a_finding_before_its_enterprise_is_parked_and_becomes_a_hazard_on_registration(hz):
    uscc = hz.new_uscc()
    await hz.publish(
        finding(uscc, "f-early", level="major", major_basis={"standard": "应急管理部令第10号", "clause": "第四条"}),
        source=GRID,
    )
    await hz.publish(
        finding(uscc, "f-early", level="major", major_basis={"standard": "应急管理部令第10号", "clause": "第四条"}),
        source=GRID,
    )
    await hz.publish(finding(uscc, "f-second"), source=GRID)
    await hz.consume()
    assert (await hz.get("/hazard/v1/hazards"))["total"] == 0
    assert hz.transport.messages("safety.grid.v1.dlq") == []
    await hz.publish(registered(uscc), source=REGISTRY)
    await hz.consume()
    page = await hz.get("/hazard/v1/hazards", uscc=uscc)
    assert page["total"] == 2
    levels = sorted((i["level"], i["major_basis"]["clause"] if i["major_basis"] else None) for i in page["items"])
    assert levels == [("general", None), ("major", "第四条")]
    assert len(await hz.outbox("hazard.hazard.registered.v1")) == 2
    await hz.publish(finding(uscc, "f-early"), source=GRID)
    await hz.consume()
    assert (await hz.get("/hazard/v1/hazards"))["total"] == 2


async def test_a_major_finding_without_its_basis_goes_to_the_dead_letter_topic(hz):
    uscc = await hz.enterprise()
    await hz.publish(finding(uscc, "f-bad", level="major"), source=GRID)
    await hz.consume()
    [dead] = hz.transport.messages("safety.grid.v1.dlq")
    assert dead.header("dlq_error_type") == "PermanentError" and "f-bad" in dead.header("dlq_error")
    assert (await hz.get("/hazard/v1/hazards"))["total"] == 0


async def test_the_cells_above_a_finding_see_its_hazard_and_no_one_else(hz):
    """A township's station sees what its villages' grid found; a sibling village does not."""
    uscc = hz.new_uscc()
    await hz.publish(registered(uscc), source=REGISTRY)
    path = ["cell-jiuguan", "cell-sanqiao"]
    await hz.publish(finding(uscc, "f-path", cell_path=path), source=GRID)
    await hz.consume()

    async def listed(*cells):
        r = await hz.client.get("/hazard/v1/hazards", headers=hz.headers("grid_worker", grid_cell_ids=list(cells)))
        assert r.status_code == 200, r.text
        return r.json()["items"]

    [h] = await listed("cell-jiuguan")
    assert h["cell_id"] == "cell-sanqiao"
    assert [x["id"] for x in await listed("cell-sanqiao")] == [h["id"]]
    assert await listed("cell-digang") == []
    for cells, status in ((["cell-jiuguan"], 200), (["cell-sanqiao"], 200), (["cell-digang"], 404)):
        r = await hz.client.get(f"/hazard/v1/hazards/{h['id']}", headers=hz.headers("grid_worker", grid_cell_ids=cells))
        assert r.status_code == status, (cells, r.text)


def placed(uscc: str, path: list[str], at: datetime, placement: str = "auto") -> EnterprisePlacedV1:
    return EnterprisePlacedV1(
        uscc=uscc, cell_id=path[-1] if path else None, cell_path=path, placement=placement, placed_at=at
    )


async def _grid_list(hz, *cells) -> list[dict]:
    r = await hz.client.get("/hazard/v1/hazards", headers=hz.headers("grid_worker", grid_cell_ids=list(cells)))
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def _grid_get(hz, hazard_id: str, *cells) -> int:
    r = await hz.client.get(
        f"/hazard/v1/hazards/{hazard_id}", headers=hz.headers("grid_worker", grid_cell_ids=list(cells))
    )
    return r.status_code


async def test_grid_workers_see_the_hazards_of_the_enterprises_placed_in_or_under_their_cells(hz):
    """An officer's routine-check hazard has no cell; the grid's placement makes it the grid's too."""
    uscc = await hz.enterprise()
    h = await hz.hazard(uscc)  # found by an officer, outside the grid
    assert h["cell_id"] is None
    assert await _grid_list(hz, "cell-jiuguan") == []
    assert await _grid_get(hz, h["id"], "cell-sanqiao") == 404

    await hz.publish(placed(uscc, ["cell-jiuguan", "cell-sanqiao"], hz.clock.now()), source=GRID)
    await hz.consume()
    for cells in (["cell-jiuguan"], ["cell-sanqiao"], ["cell-digang", "cell-sanqiao"]):
        assert [x["id"] for x in await _grid_list(hz, *cells)] == [h["id"]], cells
        assert await _grid_get(hz, h["id"], *cells) == 200, cells
    assert await _grid_list(hz, "cell-digang") == []
    assert await _grid_get(hz, h["id"], "cell-digang") == 404

    # Moved by hand to another village: the old village loses it, the new one and the township keep it.
    await hz.publish(
        placed(uscc, ["cell-jiuguan", "cell-digang"], hz.clock.now() + timedelta(minutes=1), "manual"), source=GRID
    )
    await hz.consume()
    assert await _grid_list(hz, "cell-sanqiao") == []
    assert await _grid_get(hz, h["id"], "cell-sanqiao") == 404
    assert [x["id"] for x in await _grid_list(hz, "cell-digang")] == [h["id"]]
    assert [x["id"] for x in await _grid_list(hz, "cell-jiuguan")] == [h["id"]]


async def test_placements_out_of_order_or_twice_keep_the_newest(hz):
    uscc = await hz.enterprise()
    h = await hz.hazard(uscc)
    t0 = hz.clock.now()
    newer = placed(uscc, ["cell-jiuguan", "cell-digang"], t0 + timedelta(hours=1), "manual")
    older = placed(uscc, ["cell-jiuguan", "cell-sanqiao"], t0)
    await hz.publish(newer, source=GRID, event_id="p-2")
    await hz.publish(older, source=GRID, event_id="p-1")
    await hz.publish(newer, source=GRID, event_id="p-2")  # a redelivery
    assert await hz.consume() == 3
    assert await _grid_get(hz, h["id"], "cell-digang") == 200
    assert await _grid_get(hz, h["id"], "cell-sanqiao") == 404
    # Taken out of the grid: only the finding's own cells (none here) remain.
    await hz.publish(placed(uscc, [], t0 + timedelta(hours=2)), source=GRID)
    await hz.consume()
    assert await _grid_list(hz, "cell-jiuguan") == []


async def test_a_placement_before_the_registration_is_kept(hz):
    uscc = hz.new_uscc()
    t0 = hz.clock.now()
    await hz.publish(placed(uscc, ["cell-jiuguan", "cell-sanqiao"], t0), source=GRID)
    await hz.consume()
    r = await post_routine_check(hz, uscc)
    assert r.status_code == 422 and r.json()["code"] == "unknown_enterprise"  # a placement alone is not enough
    await hz.publish(registered(uscc), source=REGISTRY)
    await hz.consume()
    h = await hz.hazard(uscc)
    assert h["enterprise_name"] == "旧馆镇某五金厂"
    assert [x["id"] for x in await _grid_list(hz, "cell-sanqiao")] == [h["id"]]


async def test_grid_workers_record_for_the_enterprises_of_their_grid(hz):
    """The township's station records for a village's enterprise; the hazard sits in the village."""
    uscc = await hz.enterprise()
    await hz.publish(placed(uscc, ["cell-jiuguan", "cell-sanqiao"], hz.clock.now()), source=GRID)
    await hz.consume()
    chief = hz.headers("grid_worker", grid_cell_ids=["cell-jiuguan"])
    h = await hz.hazard(uscc, headers=chief, source="grid_report", cell_id="cell-sanqiao")
    assert h["cell_id"] == "cell-sanqiao"
    # The village worker names no cell: the hazard goes to the cell the enterprise sits in.
    village = hz.headers("grid_worker", grid_cell_ids=["cell-sanqiao"])
    h2 = await hz.hazard(uscc, headers=village)
    assert h2["cell_id"] == "cell-sanqiao"
    for hazard in (h, h2):
        assert await _grid_get(hz, hazard["id"], "cell-sanqiao") == 200
        assert await _grid_get(hz, hazard["id"], "cell-jiuguan") == 200
    refused = (
        (["cell-digang"], None),  # a sibling village, naming no cell
        (["cell-digang"], "cell-sanqiao"),  # naming a cell that is not theirs
        (["cell-sanqiao"], "cell-elsewhere"),  # a cell off the enterprise's path
    )
    for cells, cell_id in refused:
        body = {"uscc": uscc, "source": "grid_inspection", "description": "d", "level": "general"}
        body |= {"found_at": hz.clock.now().isoformat(), "found_by": "x"} | ({"cell_id": cell_id} if cell_id else {})
        r = await hz.client.post(
            "/hazard/v1/hazards", json=body, headers=hz.headers("grid_worker", grid_cell_ids=cells)
        )
        assert (r.status_code, r.json()["code"]) == (403, "out_of_scope"), (cells, cell_id, r.text)
