"""The period statistics (standardization, activity): who may ask, for which area, and bad periods."""

import pytest

from tests.registry.conftest import problem

PATHS = ("/registry/v1/stats/standardization", "/registry/v1/stats/activity")


@pytest.fixture
async def world(registry):
    """One enterprise registered in 南浔区 (330503) and one in 吴兴区 (330502), this year."""
    await registry.register(division_code="330503")
    await registry.register(division_code="330502", township="八里店镇", village="南山村")
    return registry


def who(reg, name: str) -> dict:
    return {
        "admin": reg.admin,
        "city": reg.officer_a,
        "nanxun": reg.as_("officer", "nanxun-1", division_code="330503"),
        "enterprise": reg.as_("enterprise", "ent-1", uscc=reg.code()),
        "grid_worker": reg.as_("grid_worker", "grid-1", grid_cell_ids=["c1"]),
        "expert": reg.as_("expert", "expert-1"),
        "advisor": reg.as_("advisor", "advisor-1", agency_id="ag-1"),
        "anonymous": {},
    }[name]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("caller", "division_code", "status"),
    [
        ("admin", None, 200),
        ("admin", "330502", 200),
        ("city", None, 200),
        ("city", "330503", 200),
        ("nanxun", None, 200),
        ("nanxun", "330503", 200),
        ("nanxun", "330502", 403),  # another county
        ("nanxun", "330500", 403),  # the city around it
        ("enterprise", None, 403),
        ("grid_worker", None, 403),
        ("expert", None, 403),
        ("advisor", None, 403),
        ("anonymous", None, 401),
    ],
)
async def test_who_may_ask_for_which_area(world, path, caller, division_code, status):
    params = {"division_code": division_code} if division_code else {}
    r = await world.client.get(path, params=params, headers=who(world, caller))
    assert r.status_code == status, r.text
    if status == 403 and caller == "nanxun":
        assert r.json()["code"] == "outside_division"


async def test_an_officer_counts_their_division_and_the_default_period_is_this_year(world):
    reg = world
    r = await reg.client.get(PATHS[1], headers=who(reg, "nanxun"))
    body = r.json()
    assert (body["from"], body["to"], body["registered"], body["enterprises"]) == ("2026-01-01", "2026-12-31", 1, 1)
    body = (await reg.client.get(PATHS[1], headers=reg.admin)).json()
    assert (body["registered"], body["updated"], body["changes"], body["enterprises"]) == (2, 0, 2, 2)
    body = (await reg.client.get(PATHS[1], params={"from": "2025-01-01", "to": "2025-12-31"}, headers=reg.admin)).json()
    assert body["changes"] == 0


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"from": "2015-02-30"}, "validation_error", None),
        ({"to": "last year"}, "validation_error", None),
        ({"from": "2015-06-01", "to": "2015-05-31"}, "invalid_period", "to"),
        ({"from": "1989-12-31", "to": "2015-01-01"}, "invalid_period", "from"),
        ({"from": "2015-01-01", "to": "9999-12-31"}, "invalid_period", "to"),
        ({"from": "0001-01-01", "to": "0001-01-01"}, "invalid_period", "from"),
        ({"division_code": "3305"}, "validation_error", None),
    ],
)
async def test_bad_periods_and_areas_are_422(registry, path, params, code, field):
    body = problem(await registry.client.get(path, params=params, headers=registry.admin), 422, code)
    if field:
        assert field in {e["field"] for e in body["errors"]}


async def test_a_bad_category_is_422(registry):
    r = await registry.client.get(PATHS[0], params={"category": "bakery"}, headers=registry.admin)
    problem(r, 422, "validation_error")
