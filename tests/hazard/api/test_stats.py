"""Hazard statistics against figures computed by hand, at every level of the division tree."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

Q1 = {"from": "2026-01-01", "to": "2026-03-31"}


def at(hz, *args) -> None:
    hz.clock.set(datetime(*args, tzinfo=UTC))


async def found(hz, uscc, **body) -> str:
    return (await hz.hazard(uscc, found_at=hz.clock.now().isoformat(), **body))["id"]


async def notice(hz, hid, deadline) -> None:
    await hz.post(f"/hazard/v1/hazards/{hid}/notices", {"deadline": deadline, "measures": "整改"}, expect=201)


async def close(hz, hid, *, plan=False) -> None:
    base = f"/hazard/v1/hazards/{hid}"
    if plan:
        await hz.post(
            f"{base}/plan",
            {
                "measures": "m",
                "funds": "1000",
                "deadline": "2026-03-31",
                "responsible_person": "p",
                "emergency_plan": "e",
            },
        )
    await hz.post(f"{base}/completion", {"evidence": ["照片"]})
    await hz.post(f"{base}/acceptance", {"passed": True, "note": "合格"})


@pytest.fixture
async def quarter(hz):
    """A first quarter in two counties of Huzhou and one district elsewhere, built in time order.

    found in Q1 (local dates): N1 N2 N3 N4 D1 D2 H1; D3 was found at 23:00 on 31 December.
    deadline in Q1 and passed: D3 (closed 00:30 the day after: late), N1 (on time), N2 (late),
    N3 (open), H1 (open), D1 (closed at 20:00 on its deadline day: on time). N4's deadline is in
    April; D2 was fixed on the spot. D1 is listed.
    """
    nanxun, deqing = await hz.enterprise("330503"), await hz.enterprise("330521")
    hangzhou = await hz.enterprise("330102")
    ids = {}
    at(hz, 2025, 12, 31, 15, 0)
    ids["D3"] = await found(hz, deqing)
    at(hz, 2026, 1, 2, 2, 0)
    await notice(hz, ids["D3"], "2026-01-10")
    at(hz, 2026, 1, 5, 2, 0)
    ids["N1"] = await found(hz, nanxun)
    await notice(hz, ids["N1"], "2026-01-20")
    at(hz, 2026, 1, 10, 2, 0)
    ids["N2"] = await found(hz, nanxun)
    await notice(hz, ids["N2"], "2026-02-01")
    at(hz, 2026, 1, 10, 16, 30)
    await close(hz, ids["D3"])
    at(hz, 2026, 1, 15, 2, 0)
    ids["D1"] = await found(hz, deqing, level="major")
    at(hz, 2026, 1, 16, 2, 0)
    await hz.post(f"/hazard/v1/hazards/{ids['D1']}/listing")
    await notice(hz, ids["D1"], "2026-03-31")
    at(hz, 2026, 1, 18, 2, 0)
    await close(hz, ids["N1"])
    at(hz, 2026, 2, 1, 2, 0)
    ids["N3"] = await found(hz, nanxun)
    await notice(hz, ids["N3"], "2026-02-15")
    ids["H1"] = await found(hz, hangzhou)
    await notice(hz, ids["H1"], "2026-02-10")
    at(hz, 2026, 2, 3, 2, 0)
    await close(hz, ids["N2"])
    at(hz, 2026, 3, 1, 2, 0)
    ids["N4"] = await found(hz, nanxun)
    await notice(hz, ids["N4"], "2026-04-30")
    at(hz, 2026, 3, 20, 2, 0)
    ids["D2"] = await found(hz, deqing)
    await hz.post(f"/hazard/v1/hazards/{ids['D2']}/fix-on-spot", {"evidence": ["现场整改"]})
    at(hz, 2026, 3, 31, 12, 0)
    await close(hz, ids["D1"], plan=True)
    return ids


FIELDS = (
    "hazards",
    "notices",
    "due",
    "closed_on_time",
    "closed_late",
    "overdue",
    "due_rectification_rate",
    "major_listed",
)


def figures(body: dict) -> tuple:
    return tuple(body[f] for f in FIELDS)


async def test_first_quarter_figures_match_the_hand_count_at_every_level(hz, quarter):
    at(hz, 2026, 4, 15)
    assert figures(await hz.get("/hazard/v1/stats", **Q1)) == (7, 7, 6, 2, 2, 2, "33.33", 1)
    city = await hz.get("/hazard/v1/stats", **Q1, division_code="330500")
    assert figures(city) == (6, 6, 5, 2, 2, 1, "40.00", 1)
    nanxun = await hz.get("/hazard/v1/stats", **Q1, division_code="330503")
    assert figures(nanxun) == (4, 4, 3, 1, 1, 1, "33.33", 0)
    deqing = await hz.get("/hazard/v1/stats", **Q1, division_code="330521")
    assert figures(deqing) == (2, 2, 2, 1, 1, 0, "50.00", 1)
    for field in ("hazards", "notices", "due", "closed_on_time", "closed_late", "overdue", "major_listed"):
        assert city[field] == nanxun[field] + deqing[field], field
    assert city["due"] == city["closed_on_time"] + city["closed_late"] + city["overdue"]
    officer = await hz.get("/hazard/v1/stats", headers=hz.headers("officer", division_code="330503"), **Q1)
    assert figures(officer) == figures(nanxun) and officer["division_code"] == "330503"


async def test_a_deadline_counts_as_due_only_once_its_whole_day_has_passed(hz, quarter):
    at(hz, 2026, 3, 31, 12, 0)  # 20:00 on 31 March in Huzhou: D1's deadline day is not over
    deqing = await hz.get("/hazard/v1/stats", **Q1, division_code="330521")
    assert figures(deqing) == (2, 2, 1, 0, 1, 0, "0.00", 1)
    at(hz, 2026, 3, 31, 16, 0)
    deqing = await hz.get("/hazard/v1/stats", **Q1, division_code="330521")
    assert figures(deqing) == (2, 2, 2, 1, 1, 0, "50.00", 1)


async def test_february_alone(hz, quarter):
    at(hz, 2026, 4, 15)
    feb = await hz.get("/hazard/v1/stats", **{"from": "2026-02-01", "to": "2026-02-28"})
    assert figures(feb) == (2, 2, 3, 0, 1, 2, "0.00", 0)
    assert feb["from"] == "2026-02-01" and feb["to"] == "2026-02-28"


async def test_no_hazard_due_gives_no_rate_and_a_reversed_period_is_422(hz):
    body = await hz.get("/hazard/v1/stats", **Q1)
    assert figures(body) == (0, 0, 0, 0, 0, 0, None, 0)
    r = await hz.client.get("/hazard/v1/stats", params={"from": "2026-03-01", "to": "2026-02-01"}, headers=hz.admin)
    assert r.status_code == 422 and r.json()["code"] == "invalid_period"


async def test_an_enterprise_that_moves_takes_its_hazards_to_the_new_area(hz, quarter):
    from shared.contracts.registry import EnterpriseUpdatedV1

    at(hz, 2026, 4, 15)
    hazard = await hz.get(f"/hazard/v1/hazards/{quarter['D2']}")
    await hz.publish(
        EnterpriseUpdatedV1(uscc=hazard["uscc"], changed={"division_code": "330503"}), source="/services/registry"
    )
    await hz.consume()
    nanxun = await hz.get("/hazard/v1/stats", **Q1, division_code="330503")
    assert nanxun["hazards"] == 6 and nanxun["major_listed"] == 1
    assert (await hz.get(f"/hazard/v1/hazards/{quarter['D2']}"))["division_code"] == "330503"
