"""Enterprises in the grid: placed from the registry's events or by hand, with who answers for them."""

from datetime import timedelta

from shared.contracts.registry import (
    BlacklistEntryAddedV1,
    BlacklistEntryRemovedV1,
    CreditClassChangedV1,
    EnterpriseUpdatedV1,
)


async def test_registration_places_the_enterprise_in_its_village(grid):
    town, village = await grid.town_and_village()
    uscc = await grid.enterprise()
    e = await grid.get(f"/grid/v1/enterprises/{uscc}")
    assert (e["cell_id"], e["cell_name"], e["placement"]) == (village["id"], "三桥村", "auto")
    only_town = await grid.enterprise(village="不在网格的村")
    assert (await grid.get(f"/grid/v1/enterprises/{only_town}"))["cell_id"] == town["id"]
    elsewhere = await grid.enterprise(division="330521", township="旧馆镇")  # same name, other county
    assert (await grid.get(f"/grid/v1/enterprises/{elsewhere}"))["cell_id"] is None


async def test_cells_built_after_the_enterprises_pick_them_up(grid):
    uscc = await grid.enterprise()
    assert (await grid.get(f"/grid/v1/enterprises/{uscc}"))["cell_id"] is None
    town = await grid.cell("旧馆镇", division="330503")
    assert (await grid.get(f"/grid/v1/enterprises/{uscc}"))["cell_id"] == town["id"]
    village = await grid.cell("三桥村", parent=town["id"])
    assert (await grid.get(f"/grid/v1/enterprises/{uscc}"))["cell_id"] == village["id"]


async def test_a_move_follows_an_update_but_never_a_manual_placement(grid):
    town, village = await grid.town_and_village()
    other = await grid.cell("荻港村", parent=town["id"])
    uscc = await grid.enterprise()
    grid.clock.advance(timedelta(minutes=1))
    await grid.publish(EnterpriseUpdatedV1(uscc=uscc, changed={"village": "荻港村"}))
    await grid.consume()
    assert (await grid.get(f"/grid/v1/enterprises/{uscc}"))["cell_id"] == other["id"]
    r = await grid.client.put(f"/grid/v1/enterprises/{uscc}/cell", json={"cell_id": village["id"]}, headers=grid.admin)
    assert r.status_code == 200 and r.json()["placement"] == "manual"
    grid.clock.advance(timedelta(minutes=1))
    await grid.publish(EnterpriseUpdatedV1(uscc=uscc, changed={"village": "荻港村", "address": "x"}))
    await grid.consume()
    assert (await grid.get(f"/grid/v1/enterprises/{uscc}"))["cell_id"] == village["id"]


async def test_an_old_event_arriving_late_does_not_undo_a_newer_one(grid):
    town, village = await grid.town_and_village()
    other = await grid.cell("荻港村", parent=town["id"])
    uscc = await grid.enterprise()
    now = grid.clock.now()
    await grid.publish(EnterpriseUpdatedV1(uscc=uscc, changed={"village": "荻港村"}), time=now + timedelta(hours=2))
    await grid.publish(EnterpriseUpdatedV1(uscc=uscc, changed={"village": "三桥村"}), time=now + timedelta(hours=1))
    await grid.consume()
    e = await grid.get(f"/grid/v1/enterprises/{uscc}")
    assert (e["village"], e["cell_id"]) == ("荻港村", other["id"])


async def test_manual_placement_errors(grid):
    town, village = await grid.town_and_village()
    theirs = await grid.cell("新市镇", division="330521")
    uscc = await grid.enterprise()
    put = grid.client.put
    r = await put("/grid/v1/enterprises/91330503MA2B3C4D5E/cell", json={"cell_id": village["id"]}, headers=grid.admin)
    assert r.status_code == 404 and r.json()["code"] == "enterprise_not_found"
    r = await put(f"/grid/v1/enterprises/{uscc}/cell", json={"cell_id": "nope"}, headers=grid.admin)
    assert r.status_code == 404 and r.json()["code"] == "cell_not_found"
    r = await put(f"/grid/v1/enterprises/{uscc}/cell", json={"cell_id": theirs["id"]}, headers=grid.admin)
    assert r.status_code == 422 and r.json()["code"] == "cell_outside_division"
    r = await put(f"/grid/v1/enterprises/{uscc}/cell", json={}, headers=grid.admin)
    assert r.status_code == 422
    r = await put(
        f"/grid/v1/enterprises/{uscc}/cell", json={"cell_id": village["id"]}, headers=grid.worker(village["id"])
    )
    assert r.status_code == 403
    r = await put(f"/grid/v1/enterprises/{uscc}/cell", json={"cell_id": village["id"]}, headers=grid.officer("330521"))
    assert r.status_code == 404  # another division's enterprise is not disclosed


async def test_the_responsible_people_nearest_first_and_the_scopes(grid):
    town, village = await grid.town_and_village()
    await grid.post(
        f"/grid/v1/cells/{town['id']}/members",
        {"name": "王站长", "phone": "0572-3012345", "role": "station_chief", "duties": "安监站"},
        expect=201,
    )
    await grid.post(
        f"/grid/v1/cells/{village['id']}/members",
        {"name": "李网格", "phone": "13905720001", "role": "grid_worker", "duties": "每月巡查"},
        expect=201,
    )
    uscc = await grid.enterprise()
    e = await grid.get(f"/grid/v1/enterprises/{uscc}", headers=grid.worker(village["id"]))
    assert [(p["name"], p["cell_name"], p["cell_level"]) for p in e["responsible"]] == [
        ("李网格", "三桥村", 2),
        ("王站长", "旧馆镇", 1),
    ]
    await grid.get(f"/grid/v1/enterprises/{uscc}", headers=grid.officer("330503"))
    await grid.get(f"/grid/v1/enterprises/{uscc}", headers=grid.officer("330521"), expect=404)
    other = await grid.cell("荻港村", parent=town["id"])
    await grid.get(f"/grid/v1/enterprises/{uscc}", headers=grid.worker(other["id"]), expect=404)
    await grid.get("/grid/v1/enterprises/91330503MA2B3C4D5E", expect=404)


async def test_class_and_blacklist_in_any_order_and_twice_give_one_state(grid):
    uscc = await grid.enterprise()
    t0 = grid.clock.now()
    added = BlacklistEntryAddedV1(
        uscc=uscc,
        entry_id="e1",
        situation="two_larger_accidents",
        rule_set="mem-order-11-2023",
        decided_at=t0 + timedelta(days=1),
        expires_at=t0 + timedelta(days=1100),
    )
    removed = BlacklistEntryRemovedV1(uscc=uscc, entry_id="e1", reason="repaired", removed_at=t0 + timedelta(days=400))
    to_b = CreditClassChangedV1(
        uscc=uscc, old_class=None, new_class="B", reason="assessment", effective_at=t0 + timedelta(hours=1)
    )
    to_c = CreditClassChangedV1(
        uscc=uscc, old_class="B", new_class="C", reason="assessment", effective_at=t0 + timedelta(days=500)
    )
    # Newest first, each twice (as a redelivery under a new id would be).
    for data in (to_c, removed, added, to_b, to_c, removed, added, to_b):
        await grid.publish(data)
    await grid.consume()
    e = await grid.get(f"/grid/v1/enterprises/{uscc}")
    assert (e["credit_class"], e["blacklisted"]) == ("C", False)
    relisted = added.model_copy(update={"decided_at": t0 + timedelta(days=450)})  # a repair found false
    await grid.publish(relisted)
    await grid.consume()
    e = await grid.get(f"/grid/v1/enterprises/{uscc}")
    assert (e["credit_class"], e["blacklisted"]) == (None, True)


async def test_every_placement_is_announced_with_the_cells_above_it(grid):
    """grid.enterprise.placed.v1 on an automatic placement, a new cell picking enterprises up, a manual move."""
    uscc = await grid.enterprise()
    assert await grid.outbox("grid.enterprise.placed.v1") == []  # no cell matches yet: nothing to say
    town = await grid.cell("旧馆镇", division="330503")
    village = await grid.cell("三桥村", parent=town["id"])
    other = await grid.cell("荻港村", parent=town["id"])
    r = await grid.client.put(f"/grid/v1/enterprises/{uscc}/cell", json={"cell_id": other["id"]}, headers=grid.admin)
    assert r.status_code == 200
    events = await grid.outbox("grid.enterprise.placed.v1")
    assert [e["key"] for e in events] == [uscc] * 3
    assert [(e["data"]["cell_id"], e["data"]["cell_path"], e["data"]["placement"]) for e in events] == [
        (town["id"], [town["id"]], "auto"),
        (village["id"], [town["id"], village["id"]], "auto"),
        (other["id"], [town["id"], other["id"]], "manual"),
    ]
    stamps = [e["data"]["placed_at"] for e in events]
    assert stamps == sorted(stamps)

    placed_by_event = await grid.enterprise(village="荻港村")  # a registration that matches at once
    [e] = [e for e in await grid.outbox("grid.enterprise.placed.v1") if e["key"] == placed_by_event]
    assert e["data"]["cell_path"] == [town["id"], other["id"]]
