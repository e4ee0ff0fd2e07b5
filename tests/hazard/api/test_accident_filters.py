"""The accident list filtered by area (division ranges, inside an officer's own), local year and enterprise."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

NANXUN, WUXING, DEQING, HANGZHOU = "330503", "330502", "330521", "330106"


async def record(hz, uscc: str, occurred_at: str, **extra) -> dict:
    body = {
        "uscc": uscc,
        "occurred_at": occurred_at,
        "kind": "mechanical_injury",
        "is_fire": False,
        "deaths": 0,
        "serious_injuries": 1,
        "direct_loss": "1000",
        **extra,
    }
    return await hz.post("/hazard/v1/accidents", body, expect=201)


@pytest.fixture
async def city(hz):
    """Accidents of 2024 and 2025 in three districts of Huzhou and one of Hangzhou."""
    hz.clock.set(datetime(2026, 5, 1, tzinfo=UTC))
    ent = {d: await hz.enterprise(d) for d in (NANXUN, WUXING, DEQING, HANGZHOU)}
    second = await hz.enterprise(NANXUN, name="南浔第二企业")
    acc = {
        "nanxun_2024": await record(hz, ent[NANXUN], "2024-03-01T02:00:00Z"),
        # 2025-01-01 00:30 in Huzhou (UTC+8): an accident of 2025, though still 2024 in UTC.
        "nanxun_new_year": await record(hz, ent[NANXUN], "2024-12-31T16:30:00Z"),
        "nanxun_second_2025": await record(hz, second, "2025-06-01T02:00:00Z"),
        "wuxing_2025": await record(hz, ent[WUXING], "2025-07-01T02:00:00Z"),
        "deqing_2024": await record(hz, ent[DEQING], "2024-08-01T02:00:00Z"),
        "hangzhou_2025": await record(hz, ent[HANGZHOU], "2025-02-01T02:00:00Z"),
    }
    return {"ent": ent, "second": second, "acc": acc}


async def ids(hz, *, headers=None, **params) -> set[str]:
    page = await hz.get("/hazard/v1/accidents", headers=headers, limit=200, **params)
    assert page["total"] == len(page["items"])
    return {a["id"] for a in page["items"]}


def of(city, *names: str) -> set[str]:
    return {city["acc"][n]["id"] for n in names}


async def test_division_code_is_a_range_at_every_level(hz, city):
    huzhou = of(city, "nanxun_2024", "nanxun_new_year", "nanxun_second_2025", "wuxing_2025", "deqing_2024")
    assert await ids(hz, division_code=NANXUN) == of(city, "nanxun_2024", "nanxun_new_year", "nanxun_second_2025")
    assert await ids(hz, division_code=DEQING) == of(city, "deqing_2024")
    assert await ids(hz, division_code="330500") == huzhou
    assert await ids(hz, division_code="330000") == huzhou | of(city, "hangzhou_2025")
    assert await ids(hz, division_code="330523") == set()  # 安吉县: no accidents there
    assert await ids(hz) == huzhou | of(city, "hangzhou_2025")
    page = await hz.get("/hazard/v1/accidents", division_code=NANXUN, limit=1)
    assert page["total"] == 3 and len(page["items"]) == 1
    assert page["items"][0]["id"] == city["acc"]["nanxun_second_2025"]["id"]  # newest first
    assert all(
        a["division_code"] == NANXUN for a in (await hz.get("/hazard/v1/accidents", division_code=NANXUN))["items"]
    )


async def test_year_is_the_local_calendar_year(hz, city):
    assert await ids(hz, year=2025, division_code=NANXUN) == of(city, "nanxun_new_year", "nanxun_second_2025")
    assert await ids(hz, year=2024, division_code=NANXUN) == of(city, "nanxun_2024")
    assert await ids(hz, year=2024) == of(city, "nanxun_2024", "deqing_2024")
    assert await ids(hz, year=2023) == set()


async def test_uscc_picks_one_enterprise_and_combines_with_the_others(hz, city):
    uscc = city["ent"][NANXUN]
    assert await ids(hz, uscc=uscc) == of(city, "nanxun_2024", "nanxun_new_year")
    assert await ids(hz, uscc=f" {uscc.lower()} ") == of(
        city, "nanxun_2024", "nanxun_new_year"
    )  # as the registry folds it
    assert await ids(hz, uscc=uscc, year=2025, division_code="330500") == of(city, "nanxun_new_year")
    assert await ids(hz, uscc=uscc, division_code=WUXING) == set()
    assert await ids(hz, uscc=hz.new_uscc()) == set()


async def test_an_officer_filters_inside_their_division_only(hz, city):
    nanxun = hz.headers("officer", division_code=NANXUN)
    assert await ids(hz, headers=nanxun) == of(city, "nanxun_2024", "nanxun_new_year", "nanxun_second_2025")
    assert await ids(hz, headers=nanxun, division_code=NANXUN, year=2025) == of(
        city, "nanxun_new_year", "nanxun_second_2025"
    )
    for outside in ("330500", WUXING, HANGZHOU, "330000"):
        r = await hz.client.get("/hazard/v1/accidents", params={"division_code": outside}, headers=nanxun)
        assert r.status_code == 403, (outside, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["code"] == "out_of_scope" and outside in r.json()["detail"]

    huzhou = hz.headers("officer", division_code="330500")
    assert await ids(hz, headers=huzhou, division_code=WUXING) == of(city, "wuxing_2025")
    assert await ids(hz, headers=huzhou, division_code="330500", year=2024) == of(city, "nanxun_2024", "deqing_2024")
    r = await hz.client.get("/hazard/v1/accidents", params={"division_code": HANGZHOU}, headers=huzhou)
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"

    nowhere = hz.headers("officer")  # an officer without a division sees nothing, and may ask for no area
    r = await hz.client.get("/hazard/v1/accidents", params={"division_code": NANXUN}, headers=nowhere)
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"


async def test_other_roles_only_narrow_what_they_see(hz, city):
    uscc = city["ent"][NANXUN]
    own = hz.headers("enterprise", uscc=uscc)
    assert await ids(hz, headers=own, division_code=NANXUN) == of(city, "nanxun_2024", "nanxun_new_year")
    assert await ids(hz, headers=own, division_code="330500", year=2024) == of(city, "nanxun_2024")
    assert await ids(hz, headers=own, division_code=WUXING) == set()
    assert await ids(hz, headers=own, uscc=city["ent"][WUXING]) == set()
    assert await ids(hz, headers=hz.headers("expert"), division_code=NANXUN) == set()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"division_code": "33050"}, "division_code"),
        ({"division_code": "3305030"}, "division_code"),
        ({"division_code": "33O503"}, "division_code"),
        ({"division_code": "３３０５０３"}, "division_code"),  # full-width digits are not a code
        ({"division_code": ""}, "division_code"),
        ({"year": "1899"}, "year"),
        ({"year": "2025年"}, "year"),
        ({"uscc": "9" * 61}, "uscc"),
    ],
)
async def test_malformed_filters_are_422_naming_the_parameter(hz, params, field):
    for headers in (hz.admin, hz.headers("officer", division_code=NANXUN)):
        r = await hz.client.get("/hazard/v1/accidents", params=params, headers=headers)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        body = r.json()
        assert body["code"] == "validation_error" and [e["field"] for e in body["errors"]] == [field], body
