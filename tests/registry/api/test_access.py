"""Who sees what: admins all; officers their division (others' are 404); an enterprise itself; the public its lists."""

import pytest

from tests.registry.conftest import scores


@pytest.fixture
async def world(registry):
    """One enterprise in 南浔区 (330503) and one in 吴兴区 (330502)."""
    nanxun = await registry.register(division_code="330503")
    wuxing = await registry.register(division_code="330502", township="八里店镇", village="南山村")
    return registry, nanxun["uscc"], wuxing["uscc"]


def who(reg, name: str) -> dict:
    return {
        "admin": reg.admin,
        "city": reg.officer_a,
        "nanxun": reg.as_("officer", "nanxun-1", division_code="330503"),
        "wuxing": reg.as_("officer", "wuxing-1", division_code="330502"),
        "grid_worker": reg.as_("grid_worker", "grid-1", grid_cell_ids=["c1"]),
        "expert": reg.as_("expert", "expert-1"),
        "advisor": reg.as_("advisor", "advisor-1", agency_id="ag-1"),
        "anonymous": {},
    }[name]


def own(reg, code: str) -> dict:
    return reg.as_("enterprise", f"ent-{code}", uscc=code)


@pytest.mark.parametrize(
    ("caller", "status"),
    [
        ("admin", 200),
        ("city", 200),
        ("nanxun", 200),
        ("wuxing", 404),
        ("grid_worker", 200),
        ("expert", 200),
        ("advisor", 200),
        ("anonymous", 401),
    ],
)
async def test_reading_an_enterprise(world, caller, status):
    reg, nanxun, _ = world
    r = await reg.client.get(f"/registry/v1/enterprises/{nanxun}", headers=who(reg, caller))
    assert r.status_code == status, r.text
    if status == 404:
        # Outside the division looks exactly like a code that does not exist.
        assert r.json()["code"] == "enterprise_not_found"


async def test_an_enterprise_account_reads_itself_only(world):
    reg, nanxun, wuxing = world
    assert (await reg.client.get(f"/registry/v1/enterprises/{nanxun}", headers=own(reg, nanxun))).status_code == 200
    r = await reg.client.get(f"/registry/v1/enterprises/{wuxing}", headers=own(reg, nanxun))
    assert r.status_code == 404
    r = await reg.client.get("/registry/v1/enterprises", headers=own(reg, nanxun))
    assert [i["uscc"] for i in r.json()["items"]] == [nanxun]
    r = await reg.client.get(f"/registry/v1/enterprises/{nanxun}/credit-history", headers=own(reg, nanxun))
    assert r.status_code == 200
    r = await reg.client.get(f"/registry/v1/enterprises/{wuxing}/credit-history", headers=own(reg, nanxun))
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("caller", "sees"),
    [("admin", {"nanxun", "wuxing"}), ("city", {"nanxun", "wuxing"}), ("nanxun", {"nanxun"}), ("wuxing", {"wuxing"})],
)
async def test_lists_hold_only_the_callers_division(world, caller, sees):
    reg, nanxun, wuxing = world
    names = {nanxun: "nanxun", wuxing: "wuxing"}
    r = await reg.client.get("/registry/v1/enterprises", headers=who(reg, caller))
    assert {names[i["uscc"]] for i in r.json()["items"]} == sees
    # Asking for another division's area gives nothing, not an error.
    r = await reg.client.get("/registry/v1/enterprises", params={"division_code": "330500"}, headers=who(reg, caller))
    assert {names[i["uscc"]] for i in r.json()["items"]} == sees


@pytest.mark.parametrize("caller", ["grid_worker", "expert", "advisor"])
async def test_field_staff_read_profiles_by_code_but_list_and_change_nothing(world, caller):
    reg, nanxun, _ = world
    headers = who(reg, caller)
    assert (await reg.client.get("/registry/v1/enterprises", headers=headers)).status_code == 403
    r = await reg.client.get(f"/registry/v1/enterprises/{nanxun}/credit-history", headers=headers)
    assert r.status_code == 403 and r.json()["code"] == "forbidden_role"
    r = await reg.client.patch(
        f"/registry/v1/enterprises/{nanxun}", json={"name": "x"}, headers=headers | {"If-Match": '"1"'}
    )
    assert r.status_code == 403


async def test_officers_change_only_their_divisions_enterprises(world):
    reg, nanxun, wuxing = world
    headers = who(reg, "nanxun") | {"If-Match": '"1"'}
    r = await reg.client.patch(f"/registry/v1/enterprises/{wuxing}", json={"name": "x"}, headers=headers)
    assert r.status_code == 404
    # Moving one of theirs out of their division is not theirs to do.
    r = await reg.client.patch(f"/registry/v1/enterprises/{nanxun}", json={"division_code": "330502"}, headers=headers)
    assert r.status_code == 403 and r.json()["code"] == "outside_division"


async def test_officers_register_only_in_their_division(world):
    reg, _, _ = world
    await reg.register(headers=who(reg, "nanxun"), expect=403, division_code="330502")
    await reg.register(headers=who(reg, "nanxun"), division_code="330503")


async def test_enterprise_accounts_and_field_staff_may_not_register(world):
    reg, nanxun, _ = world
    for headers in (own(reg, nanxun), who(reg, "grid_worker"), who(reg, "expert")):
        r = await reg.client.post("/registry/v1/enterprises", json={}, headers=headers)
        assert r.status_code == 403 and r.json()["code"] == "forbidden_role"


async def test_assessments_follow_the_division(world):
    reg, nanxun, wuxing = world
    body = {"period": "2025", "scores": scores(80)}
    r = await reg.client.post(f"/registry/v1/enterprises/{wuxing}/assessments", json=body, headers=who(reg, "nanxun"))
    assert r.status_code == 404
    r = await reg.client.post(f"/registry/v1/enterprises/{nanxun}/assessments", json=body, headers=own(reg, nanxun))
    assert r.status_code == 403
    a = await reg.assess(nanxun, approve=False)
    # Another division's officer cannot see or decide it; the enterprise sees its own.
    r = await reg.client.post(f"/registry/v1/assessments/{a['id']}/approve", headers=who(reg, "wuxing"))
    assert r.status_code == 404 and r.json()["code"] == "assessment_not_found"
    assert (await reg.client.get(f"/registry/v1/assessments/{a['id']}", headers=who(reg, "wuxing"))).status_code == 404
    assert (await reg.client.get(f"/registry/v1/assessments/{a['id']}", headers=own(reg, nanxun))).status_code == 200
    assert (await reg.client.get(f"/registry/v1/assessments/{a['id']}", headers=own(reg, wuxing))).status_code == 404
    r = await reg.client.get("/registry/v1/assessments", headers=who(reg, "wuxing"))
    assert r.json()["total"] == 0


async def test_listings_and_proposals_follow_the_division(world):
    reg, nanxun, wuxing = world
    body = {
        "uscc": wuxing,
        "situation": "concealed_or_false_accident_report",
        "penalty_decision_ref": "湖应急罚〔2026〕1号",
        "decided_at": reg.clock.now().isoformat(),
    }
    r = await reg.client.post("/registry/v1/blacklist", json=body, headers=who(reg, "nanxun"))
    assert r.status_code == 404
    r = await reg.client.post("/registry/v1/blacklist", json=body | {"uscc": nanxun}, headers=own(reg, nanxun))
    assert r.status_code == 403
    entry = await reg.list_(nanxun)
    assert (
        await reg.client.get(f"/registry/v1/blacklist/{entry['id']}", headers=who(reg, "wuxing"))
    ).status_code == 404
    assert (await reg.client.get(f"/registry/v1/blacklist/{entry['id']}", headers=own(reg, nanxun))).status_code == 200
    r = await reg.client.get("/registry/v1/blacklist", headers=own(reg, wuxing))
    assert r.json()["total"] == 0
    r = await reg.client.get("/registry/v1/proposals", headers=own(reg, nanxun))
    assert r.status_code == 403


async def test_statistics_count_only_the_officers_division(world):
    reg, _, _ = world
    r = await reg.client.get("/registry/v1/stats/credit", headers=who(reg, "nanxun"))
    assert r.json()["total"] == 1
    r = await reg.client.get("/registry/v1/stats/credit", headers=reg.admin)
    assert r.json()["total"] == 2
    assert (await reg.client.get("/registry/v1/stats/credit", headers=who(reg, "expert"))).status_code == 403


async def test_rule_sets_need_a_sign_in_and_only_admins_publish_them(world):
    reg, _, _ = world
    assert (await reg.client.get("/registry/v1/rule-sets")).status_code == 401
    assert (await reg.client.get("/registry/v1/rule-sets", headers=who(reg, "grid_worker"))).status_code == 200
    r = await reg.client.post("/registry/v1/rule-sets", json={}, headers=reg.officer_a)
    assert r.status_code == 403


async def test_a_forged_or_expired_token_is_401(world):
    reg, nanxun, _ = world
    r = await reg.client.get(f"/registry/v1/enterprises/{nanxun}", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401 and r.json()["code"] == "invalid_token"


async def test_the_public_reads_the_public_lists_without_signing_in(world):
    reg, _, _ = world
    assert (await reg.client.get("/public/v1/blacklist")).status_code == 200
    assert (await reg.client.get("/public/v1/honour-roll")).status_code == 200
    assert (await reg.client.get("/registry/v1/enterprises")).status_code == 401
    assert (await reg.client.get("/registry/v1/stats/credit")).status_code == 401
