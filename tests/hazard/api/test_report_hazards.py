"""A hazard verified from a grid report (``report_id``): one hazard per report, whoever registers it."""

from __future__ import annotations

import asyncio


def _body(uscc: str, report_id: str, found_at: str, **over) -> dict:
    return {
        "uscc": uscc,
        "source": "grid_report",
        "description": "网格员上报：仓库堆放杂物堵塞安全出口",
        "level": "general",
        "found_at": found_at,
        "found_by": "三桥村网格员",
        "report_id": report_id,
        **over,
    }


async def test_one_hazard_per_grid_report(hz):
    uscc = await hz.enterprise()
    first = await hz.client.post(
        "/hazard/v1/hazards", json=_body(uscc, "rep-1", hz.clock.now().isoformat()), headers=hz.admin
    )
    assert first.status_code == 201, first.text
    assert first.json()["report_id"] == "rep-1"
    assert (await hz.get(f"/hazard/v1/hazards/{first.json()['id']}"))["report_id"] == "rep-1"

    officer = hz.headers("officer", division_code="330503")
    again = await hz.client.post(
        "/hazard/v1/hazards", json=_body(uscc, "rep-1", hz.clock.now().isoformat()), headers=officer
    )
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")
    problem = again.json()
    assert (problem["code"], problem["hazard_id"]) == ("report_already_registered", first.json()["id"])
    assert problem["errors"][0]["field"] == "report_id"
    # The same person retrying with the same Idempotency-Key gets the first answer, not a 409.
    key = {"Idempotency-Key": "grid-report-rep-2"}
    a = await hz.client.post(
        "/hazard/v1/hazards", json=_body(uscc, "rep-2", hz.clock.now().isoformat()), headers=officer | key
    )
    b = await hz.client.post(
        "/hazard/v1/hazards", json=_body(uscc, "rep-2", hz.clock.now().isoformat()), headers=officer | key
    )
    assert (a.status_code, b.status_code, b.json()["id"]) == (201, 201, a.json()["id"])
    # Someone who may not see the hazard learns it exists, not which it is.
    elsewhere = hz.headers("officer", division_code="330521")
    other = await hz.enterprise("330521")
    hidden = await hz.client.post(
        "/hazard/v1/hazards", json=_body(other, "rep-1", hz.clock.now().isoformat()), headers=elsewhere
    )
    assert hidden.status_code == 409 and "hazard_id" not in hidden.json()
    listed = await hz.get("/hazard/v1/hazards", source="grid_report")
    assert listed["total"] == 2


async def test_two_people_registering_one_report_at_once_make_one_hazard(hz):
    uscc = await hz.enterprise()
    people = [hz.headers("officer", f"officer-{i}", division_code="330503") for i in range(6)]
    answers = await asyncio.gather(
        *(
            hz.client.post("/hazard/v1/hazards", json=_body(uscc, "rep-race", hz.clock.now().isoformat()), headers=p)
            for p in people
        )
    )
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [201, 409, 409, 409, 409, 409], [r.text for r in answers]
    [made] = [r.json() for r in answers if r.status_code == 201]
    assert all(r.json()["hazard_id"] == made["id"] for r in answers if r.status_code == 409)
    assert (await hz.get("/hazard/v1/hazards", source="grid_report"))["total"] == 1
    assert len(await hz.outbox("hazard.hazard.registered.v1")) == 1
