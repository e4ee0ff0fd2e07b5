"""Grid members read, changed and removed one by one: ETags, If-Match (428/412), scope (404/403), 422."""

from __future__ import annotations

import asyncio

import pytest

STATION_CHIEF = {"name": "王站长", "phone": "0572-3012345", "role": "station_chief", "duties": "安监站日常监管"}
GRID_WORKER = {"name": "李网格", "phone": "13905720001", "role": "grid_worker", "duties": "每月巡查"}


async def add(grid, cell_id: str, body: dict | None = None, *, headers=None) -> dict:
    r = await grid.client.post(
        f"/grid/v1/cells/{cell_id}/members", json=body or GRID_WORKER, headers=headers or grid.admin
    )
    assert r.status_code == 201, r.text
    assert r.headers["etag"] == '"1"'
    return r.json()


def path(member: dict) -> str:
    return f"/grid/v1/cells/{member['cell_id']}/members/{member['id']}"


async def patch(grid, member: dict, body: dict, etag: str | None, *, headers=None):
    h = dict(headers or grid.admin)
    if etag is not None:
        h["If-Match"] = etag
    return await grid.client.patch(path(member), json=body, headers=h)


async def delete(grid, member: dict, etag: str | None = None, *, headers=None):
    h = dict(headers or grid.admin)
    if etag is not None:
        h["If-Match"] = etag
    return await grid.client.delete(path(member), headers=h)


def problem(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["code"] == code, body
    return body


async def test_a_member_is_read_changed_in_part_and_removed(grid):
    town, village = await grid.town_and_village()
    chief = await add(grid, town["id"], STATION_CHIEF)
    worker = await add(grid, village["id"])
    assert chief["version"] == 1

    r = await grid.client.get(path(worker), headers=grid.admin)
    assert r.status_code == 200 and r.headers["etag"] == '"1"'
    assert r.json() == worker

    r = await patch(grid, worker, {"phone": "13905720002", "duties": "每月巡查两次"}, '"1"')
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"'
    changed = r.json()
    assert changed == {**worker, "phone": "13905720002", "duties": "每月巡查两次", "version": 2}
    assert (await grid.get(f"/grid/v1/cells/{village['id']}"))["members"] == [changed]
    tree = await grid.get(f"/grid/v1/cells/{town['id']}/tree")
    assert tree["members"] == [chief] and tree["children"][0]["members"] == [changed]

    # A weak ETag names the same version; the role and the name change, the rest stays.
    r = await patch(grid, worker, {"role": "grid_head", "name": "  李网格长 "}, 'W/"2"')
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"3"'
    assert r.json() == {**changed, "role": "grid_head", "name": "李网格长", "version": 3}
    r = await grid.client.get(path(worker), headers=grid.admin)
    assert r.headers["etag"] == '"3"' and r.json()["name"] == "李网格长"

    r = await delete(grid, worker, '"3"')
    assert r.status_code == 204 and r.content == b""
    problem(await grid.client.get(path(worker), headers=grid.admin), 404, "member_not_found")
    problem(await delete(grid, worker), 404, "member_not_found")
    problem(await patch(grid, worker, {"name": "x"}, '"3"'), 404, "member_not_found")
    assert (await grid.get(f"/grid/v1/cells/{village['id']}"))["members"] == []
    assert (await grid.get(f"/grid/v1/cells/{town['id']}"))["members"] == [chief]

    # Without If-Match a removal is unconditional.
    r = await delete(grid, chief)
    assert r.status_code == 204
    assert (await grid.get(f"/grid/v1/cells/{town['id']}"))["members"] == []


async def test_the_enterprise_answers_to_the_members_as_they_are_now(grid):
    town, village = await grid.town_and_village()
    uscc = await grid.enterprise()
    chief = await add(grid, town["id"], STATION_CHIEF)
    worker = await add(grid, village["id"])
    r = await patch(grid, worker, {"name": "赵网格", "phone": "13905720009"}, '"1"')
    assert r.status_code == 200, r.text
    responsible = (await grid.get(f"/grid/v1/enterprises/{uscc}"))["responsible"]
    assert [(p["name"], p["phone"], p["version"]) for p in responsible] == [
        ("赵网格", "13905720009", 2),
        (chief["name"], chief["phone"], 1),
    ]
    assert (await delete(grid, worker, '"2"')).status_code == 204
    responsible = (await grid.get(f"/grid/v1/enterprises/{uscc}"))["responsible"]
    assert [p["id"] for p in responsible] == [chief["id"]]


async def test_a_change_needs_if_match_and_a_stale_one_is_412(grid):
    town = await grid.cell("旧馆镇", division="330503")
    m = await add(grid, town["id"])

    problem(await patch(grid, m, {"name": "王"}, None), 428, "precondition_required")
    problem(await patch(grid, m, {"name": "王"}, "*"), 428, "precondition_required")
    bad = problem(await patch(grid, m, {"name": "王"}, "version-one"), 422, "invalid_if_match")
    assert bad["errors"][0]["field"] == "If-Match"
    bad = problem(await delete(grid, m, "version-one"), 422, "invalid_if_match")

    assert (await patch(grid, m, {"name": "王"}, '"1"')).status_code == 200
    stale = problem(await patch(grid, m, {"name": "张"}, '"1"'), 412, "version_mismatch")
    assert stale["current_version"] == 2
    stale = problem(await delete(grid, m, '"1"'), 412, "version_mismatch")
    assert stale["current_version"] == 2
    problem(await patch(grid, m, {"name": "张"}, '"7"'), 412, "version_mismatch")
    r = await grid.client.get(path(m), headers=grid.admin)
    assert r.json()["name"] == "王" and r.headers["etag"] == '"2"'  # nothing changed by the refused writes

    # Sending what is already there changes nothing: the version stays (and must still be current).
    r = await patch(grid, m, {"name": "王", "role": m["role"]}, '"2"')
    assert r.status_code == 200 and r.headers["etag"] == '"2"' and r.json()["version"] == 2
    r = await patch(grid, m, {}, '"2"')
    assert r.status_code == 200 and r.headers["etag"] == '"2"'
    problem(await patch(grid, m, {}, '"1"'), 412, "version_mismatch")
    assert (await delete(grid, m, "*")).status_code == 204


async def test_two_writers_with_the_same_etag_one_gets_412_and_nothing_is_lost(grid):
    town = await grid.cell("旧馆镇", division="330503")
    m = await add(grid, town["id"])
    first, second = await asyncio.gather(
        patch(grid, m, {"phone": "13905720011"}, '"1"'),
        patch(grid, m, {"duties": "每周巡查"}, '"1"'),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 412], (first.text, second.text)
    winner, loser = (first, second) if first.status_code == 200 else (second, first)
    assert winner.headers["etag"] == '"2"'
    assert loser.json()["code"] == "version_mismatch" and loser.json()["current_version"] == 2
    now = await grid.client.get(path(m), headers=grid.admin)
    assert now.json() == winner.json() and now.headers["etag"] == '"2"'

    # The loser reads again and repeats its change on the new version: both changes stand.
    lost = {"phone": "13905720011"} if winner is second else {"duties": "每周巡查"}
    again = await patch(grid, m, lost, now.headers["etag"])
    assert again.status_code == 200 and again.headers["etag"] == '"3"'
    final = (await grid.client.get(path(m), headers=grid.admin)).json()
    assert (final["phone"], final["duties"], final["version"]) == ("13905720011", "每周巡查", 3)


async def test_many_writers_with_one_etag_make_exactly_one_version(grid):
    town = await grid.cell("旧馆镇", division="330503")
    m = await add(grid, town["id"])
    names = [f"网格员{i}" for i in range(6)]
    results = await asyncio.gather(*(patch(grid, m, {"name": n}, '"1"') for n in names))
    assert sorted(r.status_code for r in results) == [200] + [412] * 5, [r.text for r in results]
    [ok] = [r for r in results if r.status_code == 200]
    final = (await grid.client.get(path(m), headers=grid.admin)).json()
    assert final["name"] == ok.json()["name"] and final["version"] == 2


async def test_a_change_and_a_removal_at_once_do_not_both_win(grid):
    town = await grid.cell("旧馆镇", division="330503")
    m = await add(grid, town["id"])
    changed, removed = await asyncio.gather(patch(grid, m, {"name": "王"}, '"1"'), delete(grid, m, '"1"'))
    outcome = (changed.status_code, removed.status_code)
    assert outcome in {(200, 412), (404, 204)}, (changed.text, removed.text)
    r = await grid.client.get(path(m), headers=grid.admin)
    if outcome == (200, 412):
        assert r.json()["name"] == "王" and r.headers["etag"] == '"2"'
    else:
        assert r.status_code == 404


async def test_unknown_members_and_members_of_other_cells_are_404(grid):
    town, village = await grid.town_and_village()
    other = await grid.cell("荻港村", parent=town["id"])
    m = await add(grid, village["id"])
    elsewhere = {**m, "cell_id": other["id"]}  # the member's id under a cell it is not in
    unknown = {**m, "id": "no-such-member"}
    for who in (elsewhere, unknown):
        problem(await grid.client.get(path(who), headers=grid.admin), 404, "member_not_found")
        problem(await patch(grid, who, {"name": "王"}, '"1"'), 404, "member_not_found")
        problem(await delete(grid, who, '"1"'), 404, "member_not_found")
        problem(await delete(grid, who), 404, "member_not_found")
    nowhere = {**m, "cell_id": "no-such-cell"}
    problem(await grid.client.get(path(nowhere), headers=grid.admin), 404, "cell_not_found")
    problem(await patch(grid, nowhere, {"name": "王"}, '"1"'), 404, "cell_not_found")
    problem(await delete(grid, nowhere), 404, "cell_not_found")
    assert (await grid.client.get(path(m), headers=grid.admin)).json()["version"] == 1  # untouched


async def test_officers_change_members_in_their_division_only(grid):
    mine = await grid.cell("旧馆镇", division="330503")
    theirs = await grid.cell("新市镇", division="330521")
    m = await add(grid, mine["id"], headers=grid.officer("330503"))
    t = await add(grid, theirs["id"])
    officer, city = grid.officer("330503"), grid.officer("330500", sub="city")

    r = await grid.client.get(path(m), headers=officer)
    assert r.status_code == 200 and r.headers["etag"] == '"1"'
    r = await patch(grid, m, {"phone": "13905720003"}, '"1"', headers=officer)
    assert r.status_code == 200 and r.json()["phone"] == "13905720003"
    r = await patch(grid, m, {"duties": "全镇巡查"}, '"2"', headers=city)  # the city covers the district
    assert r.status_code == 200 and r.headers["etag"] == '"3"'

    # Another division's cell does not exist for this officer, whatever they ask.
    problem(await grid.client.get(path(t), headers=officer), 404, "cell_not_found")
    problem(await patch(grid, t, {"name": "王"}, '"1"', headers=officer), 404, "cell_not_found")
    problem(await delete(grid, t, headers=officer), 404, "cell_not_found")
    assert (await grid.client.get(path(t), headers=grid.admin)).json() == t

    assert (await delete(grid, m, '"3"', headers=officer)).status_code == 204


async def test_grid_workers_read_members_but_may_not_change_them(grid):
    town, village = await grid.town_and_village()
    m = await add(grid, village["id"])
    w = grid.worker(village["id"])
    r = await grid.client.get(path(m), headers=w)
    assert r.status_code == 200 and r.headers["etag"] == '"1"'
    problem(await patch(grid, m, {"name": "王"}, '"1"', headers=w), 403, "forbidden_role")
    problem(await patch(grid, m, {"name": "王"}, None, headers=w), 403, "forbidden_role")
    problem(await delete(grid, m, headers=w), 403, "forbidden_role")
    # A worker of another village does not see this one.
    other = await grid.cell("荻港村", parent=town["id"])
    problem(await grid.client.get(path(m), headers=grid.worker(other["id"])), 404, "cell_not_found")
    assert (await grid.client.get(path(m), headers=grid.admin)).json() == m


@pytest.mark.parametrize("role", ["enterprise", "expert", "advisor"])
async def test_other_roles_have_no_members(grid, role):
    town = await grid.cell("旧馆镇", division="330503")
    m = await add(grid, town["id"])
    h = grid.headers(role, uscc="91330503MA2B3C4D5E") if role == "enterprise" else grid.headers(role)
    problem(await grid.client.get(path(m), headers=h), 403, "forbidden_role")
    problem(await patch(grid, m, {"name": "王"}, '"1"', headers=h), 403, "forbidden_role")
    problem(await delete(grid, m, headers=h), 403, "forbidden_role")
    assert (await grid.client.get(path(m))).status_code == 401
    assert (await grid.client.delete(path(m))).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phone": "abc"}, "phone"),
        ({"phone": "+86 139 0572 0001 2345"}, "phone"),
        ({"role": "boss"}, "role"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "王" * 51}, "name"),
        ({"duties": ""}, "duties"),
        ({"name": None}, "name"),
        ({"role": None}, "role"),
        ({"username": "wang"}, "username"),
        ({"cell_id": "another"}, "cell_id"),
        ({"version": 5}, "version"),
    ],
)
async def test_a_bad_change_is_422_naming_the_field(grid, body, field):
    town = await grid.cell("旧馆镇", division="330503")
    m = await add(grid, town["id"])
    r = await patch(grid, m, body, '"1"')
    err = problem(r, 422, "validation_error")
    assert [e["field"] for e in err["errors"]] == [field], err
    after = await grid.client.get(path(m), headers=grid.admin)
    assert after.json() == m and after.headers["etag"] == '"1"'


async def test_a_body_that_is_not_an_object_is_422(grid):
    town = await grid.cell("旧馆镇", division="330503")
    m = await add(grid, town["id"])
    r = await grid.client.patch(
        path(m), content=b"[1, 2]", headers={**grid.admin, "If-Match": '"1"', "Content-Type": "application/json"}
    )
    problem(r, 422, "validation_error")
