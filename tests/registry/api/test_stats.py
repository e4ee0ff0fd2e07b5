"""Credit statistics in SQL: the city's 2015 population reproduced exactly, by area and category."""

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from services.registry.domain.uscc import generate_uscc
from services.registry.models import BlacklistEntry, Enterprise
from tests.registry.conftest import problem

COUNTIES = ("330502", "330503", "330521", "330522", "330523")
CATEGORIES = ("industry_trade", "hazardous_chemicals", "mining", "fireworks", "metallurgy", "general")
CITY = {"A": 885, "B": 4703, "C": 144, "D": 9}
#: The 43 listed enterprises were graded too: they stand outside the four classes while listed, and
#: keep their last class on record. Listings follow serious breaches, so most were C or D before.
LISTED_LAST_CLASS = ["D"] * 20 + ["C"] * 15 + ["B"] * 8


def population(now: datetime) -> tuple[list[dict], list[dict]]:
    """5,784 enterprises (885 A, 4,703 B, 144 C, 9 D, 43 listed) spread over the counties and categories."""
    rng = random.Random(2015)
    classes = [c for c, n in CITY.items() for _ in range(n)]
    rng.shuffle(classes)
    listed = [None] * len(LISTED_LAST_CLASS)
    enterprises, entries = [], []
    for i, credit_class in enumerate(classes + listed):
        division = COUNTIES[i % 5]
        is_listed = credit_class is None
        last = LISTED_LAST_CLASS[i - len(classes)] if is_listed else credit_class
        code = generate_uscc(rng, division)
        enterprises.append(
            {
                "uscc": code,
                "name": f"湖州企业{i:05d}",
                "legal_representative": "张三",
                "person_in_charge": None,
                "person_in_charge_phone": None,
                "safety_lead": None,
                "safety_lead_phone": None,
                "division_code": division,
                "township": None,
                "village": None,
                "address": None,
                "category": CATEGORIES[(i // 5) % 6],
                "scale": "small",
                "employees": 20,
                "status": "operating",
                "credit_class": credit_class,
                "credit_score": None,
                "last_class": last,
                "last_assessment_id": None,
                "blacklisted": is_listed,
                "standardization_grade": None,
                "standardization_valid_until": None,
                "standardization_revoked": False,
                "honour_roll": False,
                "honour_roll_since": None,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        if is_listed:
            decided = now - timedelta(days=30 + i % 300)
            entries.append(
                {
                    "id": f"entry-{i}",
                    "uscc": code,
                    "rule_set": "mem-order-11-2023",
                    "rule_set_version": 1,
                    "situation": "unlicensed_or_suspended_operation",
                    "penalty_decision_ref": f"湖安监罚〔2015〕{i}号",
                    "decided_at": decided,
                    "expires_at": decided.replace(year=decided.year + 3),
                    "status": "active",
                    "ended_at": None,
                    "end_reason": None,
                    "reinstated_at": None,
                    "principal_people": {},
                    "proposal_id": None,
                    "created_by": "test",
                    "created_at": now,
                    "version": 1,
                }
            )
    return enterprises, entries


async def load(registry) -> list[dict]:
    enterprises, entries = population(registry.clock.now())
    async with registry.ctx.db.engine.begin() as conn:
        await conn.execute(insert(Enterprise.__table__), enterprises)
        await conn.execute(insert(BlacklistEntry.__table__), entries)
    return enterprises


async def credit(registry, **params) -> dict:
    r = await registry.client.get("/registry/v1/stats/credit", params=params, headers=registry.admin)
    assert r.status_code == 200, r.text
    return r.json()


def expected(rows: list[dict]) -> dict:
    counts = Counter("listed" if r["blacklisted"] else r["credit_class"] or "unrated" for r in rows)
    by_class = {k: counts.get(k, 0) for k in ("A", "B", "C", "D", "unrated")}
    return {"total": len(rows), "by_class": by_class, "blacklisted": counts.get("listed", 0)}


async def test_the_citys_5784_graded_enterprises_come_out_exactly(registry):
    await load(registry)
    body = await credit(registry)
    assert body["total"] == 5784
    assert body["by_class"] == {"A": 885, "B": 4703, "C": 144, "D": 9, "unrated": 0}
    assert body["blacklisted"] == 43
    assert {k: body[k] for k in ("total", "by_class", "blacklisted")} == {
        k: (await credit(registry, division_code="330500"))[k] for k in ("total", "by_class", "blacklisted")
    }


async def test_counts_by_county_and_category_add_up(registry):
    rows = await load(registry)
    totals = Counter()
    for county in COUNTIES:
        body = await credit(registry, division_code=county)
        want = expected([r for r in rows if r["division_code"] == county])
        assert {k: body[k] for k in want} == want
        totals.update({"total": body["total"], "blacklisted": body["blacklisted"]})
    assert totals == {"total": 5784, "blacklisted": 43}
    body = await credit(registry, category="mining")
    want = expected([r for r in rows if r["category"] == "mining"])
    assert {k: body[k] for k in want} == want
    body = await credit(registry, division_code="330522", category="mining")
    want = expected([r for r in rows if r["category"] == "mining" and r["division_code"] == "330522"])
    assert {k: body[k] for k in want} == want and body["total"] > 0


async def test_an_officer_counts_their_county(registry):
    rows = await load(registry)
    r = await registry.client.get(
        "/registry/v1/stats/credit", headers=registry.as_("officer", "nanxun", division_code="330503")
    )
    assert r.json()["total"] == expected([x for x in rows if x["division_code"] == "330503"])["total"]
    # A neighbouring county is not theirs to count: 403, as in every statistics endpoint.
    other = await registry.client.get(
        "/registry/v1/stats/credit",
        params={"division_code": "330502"},
        headers=registry.as_("officer", "nanxun", division_code="330503"),
    )
    assert (other.status_code, other.json()["code"]) == (403, "outside_division")


async def test_unrated_are_counted_apart_and_closed_enterprises_not_at_all(registry):
    await registry.register()
    closed = await registry.register()
    await registry.client.patch(
        f"/registry/v1/enterprises/{closed['uscc']}",
        json={"status": "closed"},
        headers=registry.admin | {"If-Match": '"1"'},
    )
    body = await credit(registry)
    assert (body["total"], body["by_class"]["unrated"], body["blacklisted"]) == (1, 1, 0)


async def test_malformed_filters_are_422(registry):
    r = await registry.client.get("/registry/v1/stats/credit", params={"division_code": "3305"}, headers=registry.admin)
    problem(r, 422, "validation_error")
    r = await registry.client.get("/registry/v1/stats/credit", params={"category": "bakery"}, headers=registry.admin)
    problem(r, 422, "validation_error")


def test_the_population_is_what_the_city_reported():
    enterprises, entries = population(datetime(2015, 12, 31, tzinfo=UTC))
    assert expected(enterprises) == {
        "total": 5784,
        "by_class": {"A": 885, "B": 4703, "C": 144, "D": 9, "unrated": 0},
        "blacklisted": 43,
    }
    assert len(entries) == 43 and len({e["uscc"] for e in enterprises}) == 5784
