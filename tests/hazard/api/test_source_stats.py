"""Hazards by source (``/hazard/v1/stats/sources``): a programme's figures, e.g. the city's
safety-advisor programme in one district in 2015 (mission.md): 260 enterprises, 1,710 hazards
found, 1,665 rectified - reproduced from an imported ledger built to match them."""

from __future__ import annotations

import asyncio
import csv
import io
import random
from datetime import UTC, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))
HEADERS = ["统一社会信用代码", "隐患描述", "隐患等级", "隐患来源", "发现时间", "销号时间"]
YEAR_2015 = {"from": "2015-01-01", "to": "2015-12-31"}


def _row(uscc: str, source: str, found: datetime, closed: datetime | None) -> list[str]:
    fmt = "%Y-%m-%d %H:%M"
    return [
        uscc,
        "安全顾问检查发现的隐患" if source == "安全顾问" else "日常检查发现的隐患",
        "一般",
        source,
        found.astimezone(CST).strftime(fmt),
        closed.astimezone(CST).strftime(fmt) if closed else "",
    ]


def advisor_ledger(district: list[str], elsewhere: list[str], seed: int = 2015) -> list[list[str]]:
    """In the district in 2015: 1,710 advisor hazards at all 260 enterprises, 1,665 closed in 2015,
    30 closed only in January 2016 and 15 still open. Around them, rows that must not count in
    the programme's figure: advisor hazards of 2014, of another district, and routine checks."""
    rng = random.Random(seed)
    rows = []
    start = datetime(2015, 1, 3, 9, 0, tzinfo=CST)
    for i in range(1_710):
        uscc = district[i % len(district)]  # every enterprise at least once
        found = start + timedelta(minutes=i * 290)  # through 2015-12-18
        if i < 1_665:
            closed = found + timedelta(days=rng.randint(1, 12))
        elif i < 1_695:
            closed = datetime(2016, 1, 10, 10, 0, tzinfo=CST)  # after the period: not rectified in 2015
        else:
            closed = None
        rows.append(_row(uscc, "安全顾问", found, closed))
    for i in range(40):
        rows.append(_row(district[i], "安全顾问", datetime(2014, 6, 1, 9, tzinfo=CST) + timedelta(days=i), None))
        rows.append(_row(elsewhere[i % len(elsewhere)], "安全顾问", start + timedelta(days=i * 7), None))
        rows.append(_row(district[i], "日常检查", start + timedelta(days=i * 7), start + timedelta(days=i * 7 + 1)))
    return rows


async def test_the_advisor_programme_of_one_district_reproduces_the_city_figures(hz):
    hz.clock.set(datetime(2026, 3, 1, tzinfo=UTC))
    district = [await hz.enterprise("330502") for _ in range(260)]
    elsewhere = [await hz.enterprise("330521") for _ in range(5)]
    buf = io.StringIO()
    csv.writer(buf).writerows([HEADERS, *advisor_ledger(district, elsewhere)])
    r = await hz.client.post(
        "/hazard/v1/imports",
        files={"file": ("安全顾问台账.csv", buf.getvalue().encode("gb18030"), "text/csv")},
        headers=hz.admin,
    )
    assert r.status_code == 202, r.text
    await asyncio.gather(*hz.ctx.runtime.oneoffs)
    job = await hz.get(f"/hazard/v1/imports/{r.json()['id']}")
    assert (job["status"], job["failed_rows"]) == ("done", 0), job["errors"][:3]

    figures = await hz.get("/hazard/v1/stats/sources", **YEAR_2015, division_code="330502", source="advisor")
    assert figures["sources"] == [
        {"source": "advisor", "hazards": 1_710, "enterprises": 260, "rectified": 1_665, "rectification_rate": "97.37"}
    ]
    assert figures["total"] == {**figures["sources"][0], "source": None}

    # Every source of the district: routine checks apart, the total over both.
    everything = await hz.get("/hazard/v1/stats/sources", **YEAR_2015, division_code="330502")
    by_source = {s["source"]: s for s in everything["sources"]}
    assert list(by_source) == ["routine_check", "advisor"]  # the sources' own order
    assert (by_source["routine_check"]["hazards"], by_source["routine_check"]["rectified"]) == (40, 40)
    assert (everything["total"]["hazards"], everything["total"]["enterprises"], everything["total"]["rectified"]) == (
        1_750,
        260,
        1_705,
    )
    # The city: the other district's advisor hazards join; the 2014 ones never do.
    city = await hz.get("/hazard/v1/stats/sources", **YEAR_2015, division_code="330500", source="advisor")
    assert (city["total"]["hazards"], city["total"]["enterprises"]) == (1_750, 265)
    # Over 2015 and January 2016, the 30 closed late count as rectified.
    longer = await hz.get(
        "/hazard/v1/stats/sources",
        **{"from": "2015-01-01", "to": "2016-01-31"},
        division_code="330502",
        source="advisor",
    )
    assert longer["total"]["rectified"] == 1_695


async def test_source_statistics_answer_staff_in_their_area_and_refuse_the_rest(hz):
    uscc = await hz.enterprise("330503")
    await hz.hazard(uscc, source="advisor")
    nanxun = hz.headers("officer", division_code="330503")
    mine = await hz.get("/hazard/v1/stats/sources", headers=nanxun)
    assert mine["division_code"] == "330503" and mine["total"]["hazards"] == 1
    assert mine["sources"][0]["source"] == "advisor"
    cases = [
        ({"division_code": "330502"}, nanxun, 403, "out_of_scope"),
        ({}, hz.headers("enterprise", uscc=uscc), 403, "forbidden_role"),
        ({}, hz.headers("grid_worker", grid_cell_ids=["c"]), 403, "forbidden_role"),
        ({"source": "rumour"}, hz.admin, 422, None),
        ({"division_code": "33050"}, hz.admin, 422, None),
        ({"from": "2015-02-01", "to": "2015-01-01"}, hz.admin, 422, "invalid_period"),
    ]
    for params, headers, status, code in cases:
        r = await hz.client.get("/hazard/v1/stats/sources", params=params, headers=headers)
        assert r.status_code == status, (params, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        if code:
            assert r.json()["code"] == code, (params, r.text)
    none = await hz.get("/hazard/v1/stats/sources", **YEAR_2015)
    assert none["sources"] == [] and none["total"] == {
        "source": None,
        "hazards": 0,
        "enterprises": 0,
        "rectified": 0,
        "rectification_rate": None,
    }
