"""The access matrix: enterprises see their own hazards and submit evidence; grid workers see their
cells; officers their division (others' are 404); experts and advisors what they recorded; admin all."""

from __future__ import annotations

import pytest


@pytest.fixture
async def world(hz):
    """Two enterprises in two counties, a hazard each, one found in grid cell c-1."""
    nanxun = await hz.enterprise("330503")
    deqing = await hz.enterprise("330521")
    a = await hz.hazard(nanxun, cell_id="c-1")
    b = await hz.hazard(deqing)
    return {"nanxun": nanxun, "deqing": deqing, "a": a["id"], "b": b["id"]}


async def visible(hz, headers) -> set[str]:
    r = await hz.client.get("/hazard/v1/hazards", headers=headers)
    assert r.status_code == 200, r.text
    return {i["id"] for i in r.json()["items"]}


async def test_each_role_lists_exactly_its_scope(hz, world):
    a, b = world["a"], world["b"]
    assert await visible(hz, hz.admin) == {a, b}
    assert await visible(hz, hz.headers("officer", division_code="330500")) == {a, b}
    assert await visible(hz, hz.headers("officer", division_code="330503")) == {a}
    assert await visible(hz, hz.headers("officer", division_code="330521")) == {b}
    assert await visible(hz, hz.headers("officer", division_code="330000")) == {a, b}
    assert await visible(hz, hz.headers("officer", division_code="330100")) == set()
    assert await visible(hz, hz.headers("enterprise", uscc=world["nanxun"])) == {a}
    assert await visible(hz, hz.headers("grid_worker", grid_cell_ids=["c-1", "c-9"])) == {a}
    assert await visible(hz, hz.headers("grid_worker", grid_cell_ids=["c-2"])) == set()
    assert await visible(hz, hz.headers("expert", sub="expert-zhang")) == set()


async def test_objects_outside_the_scope_are_404_not_403(hz, world):
    for headers in (
        hz.headers("officer", division_code="330521"),
        hz.headers("enterprise", uscc=world["deqing"]),
        hz.headers("grid_worker", grid_cell_ids=["c-2"]),
    ):
        r = await hz.client.get(f"/hazard/v1/hazards/{world['a']}", headers=headers)
        assert r.status_code == 404 and r.json()["code"] == "hazard_not_found"
        r = await hz.client.post(
            f"/hazard/v1/hazards/{world['a']}/fix-on-spot", json={"evidence": ["e"]}, headers=headers
        )
        assert r.status_code == 404
    r = await hz.client.get(f"/hazard/v1/hazards/{world['a']}", headers=hz.headers("officer", division_code="330503"))
    assert r.status_code == 200


async def test_enterprise_submits_its_own_evidence_but_cannot_issue_notices_or_accept(hz, world):
    ent = hz.headers("enterprise", uscc=world["nanxun"])
    base = f"/hazard/v1/hazards/{world['a']}"
    r = await hz.client.post(f"{base}/notices", json={"deadline": "2026-02-01", "measures": "m"}, headers=ent)
    assert r.status_code == 403 and r.json()["code"] == "forbidden_role"
    await hz.post(f"{base}/notices", {"deadline": "2026-02-01", "measures": "m"}, expect=201)
    done = await hz.post(f"{base}/completion", {"evidence": ["整改照片.jpg"]}, headers=ent)
    assert done["status"] == "awaiting_acceptance"
    r = await hz.client.post(f"{base}/acceptance", json={"passed": True}, headers=ent)
    assert r.status_code == 403
    other = hz.headers("enterprise", uscc=world["deqing"])
    r = await hz.client.post(
        f"/hazard/v1/hazards/{world['b']}/notices", json={"deadline": "2026-02-01", "measures": "m"}, headers=hz.admin
    )
    assert r.status_code == 201
    r = await hz.client.post(f"{base}/completion", json={"evidence": ["x"]}, headers=other)
    assert r.status_code == 404


async def test_grid_worker_records_only_in_own_cells_and_officer_only_in_own_division(hz, world):
    body = {
        "uscc": world["nanxun"],
        "source": "grid_inspection",
        "description": "配电箱无防护",
        "level": "general",
        "found_at": "2026-01-01T00:00:00Z",
        "found_by": "网格员",
    }
    worker = hz.headers("grid_worker", sub="gw-1", grid_cell_ids=["c-1"])
    r = await hz.client.post("/hazard/v1/hazards", json=body, headers=worker)
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"
    r = await hz.client.post("/hazard/v1/hazards", json={**body, "cell_id": "c-2"}, headers=worker)
    assert r.status_code == 403
    r = await hz.client.post("/hazard/v1/hazards", json={**body, "cell_id": "c-1"}, headers=worker)
    assert r.status_code == 201
    deqing_officer = hz.headers("officer", division_code="330521")
    r = await hz.client.post("/hazard/v1/hazards", json=body, headers=deqing_officer)
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"
    r = await hz.client.post("/hazard/v1/hazards", json={**body, "uscc": world["deqing"]}, headers=deqing_officer)
    assert r.status_code == 201
    self_check = hz.headers("enterprise", uscc=world["deqing"])
    r = await hz.client.post("/hazard/v1/hazards", json={**body, "source": "self_check"}, headers=self_check)
    assert r.status_code == 403
    r = await hz.client.post(
        "/hazard/v1/hazards", json={**body, "uscc": world["deqing"], "source": "self_check"}, headers=self_check
    )
    assert r.status_code == 201


async def test_expert_sees_and_fixes_what_they_recorded(hz, world):
    expert = hz.headers("expert", sub="expert-zhang")
    mine = await hz.hazard(world["deqing"], headers=expert, source="expert_checkup")
    assert await visible(hz, expert) == {mine["id"]}
    fixed = await hz.post(f"/hazard/v1/hazards/{mine['id']}/fix-on-spot", {"evidence": ["现场整改"]}, headers=expert)
    assert fixed["status"] == "closed"
    r = await hz.client.post(
        f"/hazard/v1/hazards/{mine['id']}/notices", json={"deadline": "2026-02-01", "measures": "m"}, headers=expert
    )
    assert r.status_code == 403


async def test_statistics_are_for_staff_within_their_division(hz, world):
    r = await hz.client.get("/hazard/v1/stats", headers=hz.headers("officer", division_code="330503"))
    assert r.status_code == 200 and r.json()["division_code"] == "330503" and r.json()["hazards"] == 1
    r = await hz.client.get(
        "/hazard/v1/stats", params={"division_code": "330500"}, headers=hz.headers("officer", division_code="330503")
    )
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"
    r = await hz.client.get("/hazard/v1/stats", headers=hz.headers("enterprise", uscc=world["nanxun"]))
    assert r.status_code == 403
    r = await hz.client.get("/hazard/v1/stats", headers={})
    assert r.status_code == 401
