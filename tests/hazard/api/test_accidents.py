"""Accidents: the grade computed from the facts, the event, and the three indicators year on year,
reproducing the city's 2015 figures (980 accidents, 342 deaths, 17,340,600 yuan; -0.31%, -0.58%,
-9.58%) from 2015 records and 2014 records that imply them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import orjson
import pytest


def accidents_of(year: int, count: int, deaths: int, loss_yuan: int, *, multi_death: int = 0) -> list[dict]:
    """``count`` accidents spread over ``year`` whose deaths and losses add up exactly.

    ``multi_death`` accidents kill 3 (a larger accident each); the other deaths are one per accident.
    """
    start = datetime(year, 1, 1, 2, 0, tzinfo=UTC)
    singles = deaths - 3 * multi_death
    each = loss_yuan // count // 100 * 100
    rows = []
    for i in range(count):
        d = 3 if i < multi_death else 1 if i < multi_death + singles else 0
        loss = each if i < count - 1 else loss_yuan - each * (count - 1)
        rows.append(
            {
                "occurred_at": (start + timedelta(hours=8 * i)).isoformat(),
                "kind": ["mechanical_injury", "fall_from_height", "vehicle", "struck_by_object"][i % 4],
                "is_fire": False,
                "deaths": d,
                "serious_injuries": i % 3,
                "direct_loss": str(loss),
            }
        )
    return rows


def fires_of(year: int, count: int, deaths_each: int, loss_each: int) -> list[dict]:
    return [
        {
            "occurred_at": datetime(year, 6, 1 + i, 4, 0, tzinfo=UTC).isoformat(),
            "kind": "fire",
            "is_fire": True,
            "deaths": deaths_each,
            "serious_injuries": 0,
            "direct_loss": str(loss_each),
        }
        for i in range(count)
    ]


async def record_all(hz, usccs: list[str], rows: list[dict], chunk: int = 1) -> None:
    async def one(i, row):
        r = await hz.client.post("/hazard/v1/accidents", json={**row, "uscc": usccs[i % len(usccs)]}, headers=hz.admin)
        assert r.status_code == 201, r.text

    for start in range(0, len(rows), chunk):
        await asyncio.gather(*(one(start + i, row) for i, row in enumerate(rows[start : start + chunk])))


async def test_2015_indicators_reproduce_the_city_figures_with_fires_apart_and_at_every_level(hz):
    # One data set for every assertion: about 2,000 accidents go through the API, one by one.
    hz.clock.set(datetime(2016, 2, 1, tzinfo=UTC))
    counties = ("330502", "330503", "330521", "330522", "330523")
    usccs = [await hz.enterprise(d) for d in counties]
    await record_all(
        hz, usccs, accidents_of(2014, 983, 344, 19_177_800, multi_death=10) + fires_of(2014, 3, 1, 500_000)
    )
    await record_all(
        hz, usccs, accidents_of(2015, 980, 342, 17_340_600, multi_death=14) + fires_of(2015, 5, 2, 1_000_000)
    )

    body = await hz.get("/hazard/v1/stats/accidents", year=2015)
    assert body == {
        "year": 2015,
        "division_code": None,
        "include_fires": False,
        "accidents": 980,
        "deaths": 342,
        "direct_loss": "17340600.00",
        "previous": {"year": 2014, "accidents": 983, "deaths": 344, "direct_loss": "19177800.00"},
        "change_percent": {"accidents": "-0.31", "deaths": "-0.58", "direct_loss": "-9.58"},
    }
    city = await hz.get("/hazard/v1/stats/accidents", year=2015, division_code="330500")
    assert (city["accidents"], city["deaths"], city["direct_loss"]) == (980, 342, "17340600.00")

    fires = await hz.get("/hazard/v1/stats/accidents", year=2015, include_fires="true")
    assert (fires["accidents"], fires["deaths"], fires["direct_loss"]) == (985, 352, "22340600.00")
    assert fires["previous"] == {"year": 2014, "accidents": 986, "deaths": 347, "direct_loss": "20677800.00"}
    assert fires["change_percent"] == {"accidents": "-0.10", "deaths": "1.44", "direct_loss": "8.04"}

    parts = [await hz.get("/hazard/v1/stats/accidents", year=2015, division_code=d) for d in counties]
    assert sum(c["accidents"] for c in parts) == 980 and sum(c["deaths"] for c in parts) == 342
    officer = await hz.get(
        "/hazard/v1/stats/accidents", year=2015, headers=hz.headers("officer", division_code="330503")
    )
    assert officer == parts[1]
    assert (await hz.get("/hazard/v1/accidents", year=2015, limit=1))["total"] == 985


@pytest.mark.parametrize(
    ("deaths", "injuries", "loss", "grade"),
    [
        (0, 0, "0", "general"),
        (2, 9, "9999999.99", "general"),
        (3, 0, "0", "larger"),
        (0, 10, "0", "larger"),
        (0, 0, "10000000", "larger"),
        (10, 0, "0", "serious"),
        (0, 50, "0", "serious"),
        (29, 99, "99999999.99", "serious"),
        (30, 0, "0", "particularly_serious"),
        (0, 0, "100000000", "particularly_serious"),
    ],
)
async def test_grade_is_computed_from_the_facts_and_announced(hz, deaths, injuries, loss, grade):
    uscc = await hz.enterprise()
    hz.clock.set(datetime(2026, 5, 1, tzinfo=UTC))
    body = {
        "occurred_at": "2026-04-30T01:00:00Z",
        "uscc": uscc,
        "kind": "gas_explosion",
        "is_fire": False,
        "deaths": deaths,
        "serious_injuries": injuries,
        "direct_loss": loss,
    }
    a = await hz.post("/hazard/v1/accidents", body, expect=201)
    assert a["grade"] == grade and a["grading_rule"] == "state_council_order_493@1"
    [row] = await hz.outbox("hazard.accident.recorded.v1")
    assert row["key"] == uscc and row["data"]["grade"] == grade
    assert row["data"]["direct_loss"] == a["direct_loss"] and row["data"]["accident_id"] == a["id"]
    [msg] = await hz.delivered("hazard.accident.recorded.v1")
    assert orjson.loads(msg.value)["grade"] == grade and msg.header("ce_subject") == uscc
    assert (await hz.get(f"/hazard/v1/accidents/{a['id']}"))["grade"] == grade


async def test_bad_accidents_are_422_and_record_nothing(hz):
    uscc = await hz.enterprise()
    base = {
        "occurred_at": "2025-12-30T01:00:00Z",
        "uscc": uscc,
        "kind": "fire",
        "is_fire": True,
        "deaths": 0,
        "serious_injuries": 0,
        "direct_loss": "100.00",
    }
    for body, code in [
        ({**base, "is_fire": False}, "invalid_accident"),
        ({**base, "occurred_at": "2026-01-02T00:00:00Z"}, "invalid_accident"),
        ({**base, "uscc": hz.new_uscc()}, "unknown_enterprise"),
        ({**base, "deaths": -1}, "validation_error"),
        ({**base, "direct_loss": "1.001"}, "validation_error"),
        ({**base, "kind": "meteor"}, "validation_error"),
    ]:
        r = await hz.client.post("/hazard/v1/accidents", json=body, headers=hz.admin)
        assert r.status_code == 422 and r.json()["code"] == code, (body, r.text)
    assert await hz.outbox() == []
    r = await hz.client.post("/hazard/v1/accidents", json=base, headers=hz.headers("enterprise", uscc=uscc))
    assert r.status_code == 403


async def test_enterprise_reads_its_own_accidents_only(hz):
    mine, other = await hz.enterprise(), await hz.enterprise()
    body = {
        "occurred_at": "2025-12-30T01:00:00Z",
        "kind": "burns",
        "is_fire": False,
        "deaths": 0,
        "serious_injuries": 1,
        "direct_loss": "5000",
    }
    a = await hz.post("/hazard/v1/accidents", {**body, "uscc": mine}, expect=201)
    b = await hz.post("/hazard/v1/accidents", {**body, "uscc": other}, expect=201)
    page = await hz.get("/hazard/v1/accidents", headers=hz.headers("enterprise", uscc=mine))
    assert [i["id"] for i in page["items"]] == [a["id"]]
    r = await hz.client.get(f"/hazard/v1/accidents/{b['id']}", headers=hz.headers("enterprise", uscc=mine))
    assert r.status_code == 404
    assert (await hz.get("/hazard/v1/accidents", year=2025))["total"] == 2
