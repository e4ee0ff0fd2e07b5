"""The grid tree: building it, reading it, its members, and who may do what."""

import pytest


async def test_a_tree_of_three_levels_with_members(grid):
    town, village = await grid.town_and_village()
    unit = await grid.cell("湖州某某厂", parent=village["id"])
    assert (town["level"], village["level"], unit["level"]) == (1, 2, 3)
    assert (town["level_name"], village["level_name"], unit["level_name"]) == ("乡镇街道", "村社区", "生产经营单位")
    assert village["scope_code"] == "330503" and village["division_code"] is None  # inherits the town's scope
    m = await grid.post(
        f"/grid/v1/cells/{town['id']}/members",
        {"name": "王站长", "phone": "0572-3012345", "role": "station_chief", "duties": "安监站日常监管"},
        expect=201,
    )
    await grid.post(
        f"/grid/v1/cells/{village['id']}/members",
        {"name": "李网格", "phone": "13905720001", "role": "grid_worker", "duties": "每月巡查"},
        expect=201,
    )
    detail = await grid.get(f"/grid/v1/cells/{town['id']}")
    assert detail["members"] == [m] and detail["children"] == 1 and detail["path"] == [town["id"]]
    tree = await grid.get(f"/grid/v1/cells/{town['id']}/tree")
    assert [c["name"] for c in tree["children"]] == ["三桥村"]
    assert tree["children"][0]["members"][0]["name"] == "李网格"
    assert tree["children"][0]["children"][0]["name"] == "湖州某某厂"
    shallow = await grid.get(f"/grid/v1/cells/{town['id']}/tree", depth=1)
    assert shallow["children"][0]["children"] == []
    roots = await grid.get("/grid/v1/cells", roots="true")
    assert [c["id"] for c in roots["items"]] == [town["id"]]
    kids = await grid.get("/grid/v1/cells", parent_id=town["id"])
    assert [c["id"] for c in kids["items"]] == [village["id"]]
    found = await grid.get("/grid/v1/cells", q="三桥")
    assert [c["id"] for c in found["items"]] == [village["id"]]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"code": "bad code!", "name": "x"}, "invalid_grid_code"),
        ({"code": "L2", "name": "x", "level": 2}, "invalid_level"),
        ({"code": "P", "name": "x", "parent_id": "no-such-cell"}, "unknown_parent"),
        ({"code": "D", "name": "x", "division_code": "33050"}, "validation_error"),
        ({"code": "N", "name": ""}, "validation_error"),
    ],
)
async def test_bad_cells_are_422_naming_the_problem(grid, body, code):
    r = await grid.client.post("/grid/v1/cells", json=body, headers=grid.admin)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == code


async def test_a_duplicate_code_is_409_and_depth_is_capped(grid):
    town = await grid.cell("旧馆镇", division="330503", code="JG")
    r = await grid.client.post("/grid/v1/cells", json={"code": "JG", "name": "又一个"}, headers=grid.admin)
    assert r.status_code == 409 and r.json()["code"] == "duplicate_code"
    parent = town
    for depth in range(2, grid.settings.max_depth + 1):
        parent = await grid.cell(f"第{depth}级", parent=parent["id"])
    r = await grid.client.post(
        "/grid/v1/cells", json={"code": "DEEP", "name": "太深", "parent_id": parent["id"]}, headers=grid.admin
    )
    assert r.status_code == 422 and r.json()["code"] == "too_deep"


async def test_a_bad_member_is_422(grid):
    town = await grid.cell("旧馆镇", division="330503")
    for body, field in (
        ({"name": "王", "phone": "abc", "role": "grid_worker", "duties": "x"}, "phone"),
        ({"name": "王", "phone": "13905720001", "role": "boss", "duties": "x"}, "role"),
        ({"name": "王", "phone": "13905720001", "role": "grid_worker", "duties": ""}, "duties"),
    ):
        r = await grid.client.post(f"/grid/v1/cells/{town['id']}/members", json=body, headers=grid.admin)
        assert r.status_code == 422, r.text
        assert any(field in e["field"] for e in r.json()["errors"]), r.json()


async def test_officers_build_inside_their_division_and_see_only_it(grid):
    mine = await grid.cell("旧馆镇", division="330503", headers=grid.officer("330503"))
    theirs = await grid.cell("新市镇", division="330521")
    zone = await grid.cell("南太湖新区", headers=grid.officer("330500", sub="city"))
    assert zone["division_code"] is None and zone["scope_code"] == "330500"  # a functional zone
    r = await grid.client.post(
        "/grid/v1/cells", json={"code": "X1", "name": "新市镇", "division_code": "330521"}, headers=grid.officer()
    )
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"
    r = await grid.client.post(
        "/grid/v1/cells", json={"code": "X2", "name": "某村", "parent_id": theirs["id"]}, headers=grid.officer()
    )
    assert r.status_code == 422 and r.json()["code"] == "unknown_parent"  # not disclosed
    await grid.get(f"/grid/v1/cells/{theirs['id']}", headers=grid.officer(), expect=404)
    await grid.get(f"/grid/v1/cells/{mine['id']}", headers=grid.officer())
    listed = await grid.get("/grid/v1/cells", headers=grid.officer())
    assert [c["id"] for c in listed["items"]] == [mine["id"]]
    city = await grid.get("/grid/v1/cells", headers=grid.officer("330500", sub="city"))
    assert {c["id"] for c in city["items"]} == {mine["id"], theirs["id"], zone["id"]}


async def test_grid_workers_see_their_cells_and_below_and_cannot_build(grid):
    town, village = await grid.town_and_village()
    other = await grid.cell("荻港村", parent=town["id"])
    w = grid.worker(village["id"])
    await grid.get(f"/grid/v1/cells/{village['id']}", headers=w)
    await grid.get(f"/grid/v1/cells/{town['id']}", headers=w, expect=404)
    await grid.get(f"/grid/v1/cells/{other['id']}", headers=w, expect=404)
    listed = await grid.get("/grid/v1/cells", headers=w)
    assert [c["id"] for c in listed["items"]] == [village["id"]]
    r = await grid.client.post("/grid/v1/cells", json={"code": "W", "name": "x", "parent_id": village["id"]}, headers=w)
    assert r.status_code == 403 and r.json()["code"] == "forbidden_role"
    r = await grid.client.post(
        f"/grid/v1/cells/{village['id']}/members",
        json={"name": "王", "phone": "13905720001", "role": "grid_worker", "duties": "x"},
        headers=w,
    )
    assert r.status_code == 403


@pytest.mark.parametrize("role", ["enterprise", "expert", "advisor"])
async def test_other_roles_have_no_grid(grid, role):
    town = await grid.cell("旧馆镇", division="330503")
    h = grid.headers(role, uscc="91330503MA2B3C4D5E") if role == "enterprise" else grid.headers(role)
    for path in (f"/grid/v1/cells/{town['id']}", "/grid/v1/cells", "/grid/v1/stats", "/grid/v1/inspection-plan"):
        r = await grid.client.get(path, headers=h)
        assert r.status_code == 403, (path, r.text)
    assert (await grid.client.get("/grid/v1/cells")).status_code == 401
