"""Registering, reading, listing and updating enterprises."""

import asyncio

import pytest

from shared.contracts.registry import EnterpriseRegisteredV1, EnterpriseUpdatedV1
from tests.registry.conftest import problem

REGISTERED = EnterpriseRegisteredV1.event_type
UPDATED = EnterpriseUpdatedV1.event_type
HUAWEI = "914403001922038216"
ALIBABA = "91330100799655058B"


async def test_registering_returns_the_enterprise_with_an_etag_and_announces_it(registry):
    r = await registry.client.post(
        "/registry/v1/enterprises",
        json={
            "uscc": ALIBABA,
            "name": "阿里巴巴（中国）有限公司湖州分公司",
            "legal_representative": "张三",
            "division_code": "330502",
            "township": "龙泉街道",
            "category": "general",
        },
        headers=registry.admin,
    )
    assert r.status_code == 201, r.text
    assert r.headers["etag"] == '"1"'
    body = r.json()
    assert body["uscc"] == ALIBABA
    # The location is kept apart from the division inside the code (where it registered).
    assert (body["division_code"], body["registration_division_code"]) == ("330502", "330100")
    assert body["credit_class"] is None and body["blacklisted"] is False and body["version"] == 1
    assert body["standardization_status"] == "none" and body["status"] == "operating"

    [row] = await registry.outbox(REGISTERED)
    assert row["key"] == ALIBABA
    assert row["data"] == {
        "uscc": ALIBABA,
        "name": "阿里巴巴（中国）有限公司湖州分公司",
        "division_code": "330502",
        "township": "龙泉街道",
        "village": None,
        "category": "general",
    }
    [event] = await registry.delivered(REGISTERED)
    assert event.subject == ALIBABA and event.source == "/services/registry"
    assert event.data == row["data"]


async def test_code_is_normalized_before_it_is_checked(registry):
    full_width = "９１３３０１００７９９６５５０５８ｂ"
    body = await registry.register(uscc=f"  {full_width} ")
    assert body["uscc"] == ALIBABA
    assert (await registry.get(ALIBABA.lower()))["uscc"] == ALIBABA


async def test_wrong_check_character_is_422_invalid_uscc_saying_what_was_expected(registry):
    r = await registry.client.post(
        "/registry/v1/enterprises",
        json={
            "uscc": "914403001922038217",
            "name": "校验位错误企业",
            "legal_representative": "李四",
            "division_code": "330503",
            "category": "general",
        },
        headers=registry.admin,
    )
    body = problem(r, 422, "invalid_uscc")
    assert "check character should be '6'" in body["detail"]
    assert body["errors"][0]["field"] == "uscc"


@pytest.mark.parametrize("bad", ["91440300708461136I", "91440300192203821", "1234"])
async def test_forbidden_letters_and_wrong_lengths_are_invalid_uscc(registry, bad):
    r = await registry.client.post(
        "/registry/v1/enterprises",
        json={"uscc": bad, "name": "x", "legal_representative": "y", "division_code": "330503", "category": "general"},
        headers=registry.admin,
    )
    problem(r, 422, "invalid_uscc")


async def test_registering_a_code_twice_is_409_enterprise_exists(registry):
    await registry.register(uscc=HUAWEI)
    r = await registry.client.post(
        "/registry/v1/enterprises",
        json={
            "uscc": HUAWEI,
            "name": "x",
            "legal_representative": "y",
            "division_code": "330503",
            "category": "general",
        },
        headers=registry.admin,
    )
    problem(r, 409, "enterprise_exists")
    assert len(await registry.outbox(REGISTERED)) == 1


async def test_missing_and_malformed_fields_are_422_with_each_field_named(registry):
    r = await registry.client.post(
        "/registry/v1/enterprises",
        json={"uscc": HUAWEI, "name": "", "division_code": "33050", "category": "bakery", "employees": -1},
        headers=registry.admin,
    )
    body = problem(r, 422, "validation_error")
    fields = {e["field"] for e in body["errors"]}
    assert {"name", "legal_representative", "division_code", "category", "employees"} <= fields


async def test_malformed_json_is_400(registry):
    r = await registry.client.post(
        "/registry/v1/enterprises",
        content=b"{not json",
        headers=registry.admin | {"content-type": "application/json"},
    )
    problem(r, 400, "malformed_json")


async def test_a_grade_needs_its_validity_date(registry):
    r = await registry.client.post(
        "/registry/v1/enterprises",
        json={
            "uscc": HUAWEI,
            "name": "x",
            "legal_representative": "y",
            "division_code": "330503",
            "category": "general",
            "standardization_grade": 2,
        },
        headers=registry.admin,
    )
    problem(r, 422, "invalid_standardization")


async def test_idempotency_key_replays_the_first_answer(registry):
    body = {"uscc": HUAWEI, "name": "x", "legal_representative": "y", "division_code": "330503", "category": "general"}
    headers = registry.admin | {"Idempotency-Key": "reg-1"}
    first = await registry.client.post("/registry/v1/enterprises", json=body, headers=headers)
    again = await registry.client.post("/registry/v1/enterprises", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json() == first.json()
    assert len(await registry.outbox(REGISTERED)) == 1


async def test_unknown_enterprise_is_404(registry):
    r = await registry.client.get(f"/registry/v1/enterprises/{HUAWEI}", headers=registry.admin)
    problem(r, 404, "enterprise_not_found")


async def test_get_sets_the_etag_of_the_version(registry):
    e = await registry.register()
    r = await registry.client.get(f"/registry/v1/enterprises/{e['uscc']}", headers=registry.admin)
    assert r.headers["etag"] == '"1"'
    assert {
        "credit_class",
        "credit_score",
        "standardization_grade",
        "standardization_valid_until",
        "blacklisted",
    } <= set(r.json())


async def test_patch_with_if_match_changes_the_fields_bumps_the_version_and_announces_what_changed(registry):
    e = await registry.register()
    r = await registry.client.patch(
        f"/registry/v1/enterprises/{e['uscc']}",
        json={"name": "湖州新名称有限公司", "employees": 55, "village": None, "scale": "small"},
        headers=registry.officer_a | {"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert r.headers["etag"] == '"2"' and body["version"] == 2
    assert (body["name"], body["employees"], body["village"]) == ("湖州新名称有限公司", 55, None)
    [row] = await registry.outbox(UPDATED)
    # scale was sent unchanged: only what changed is announced.
    assert row["data"] == {
        "uscc": e["uscc"],
        "changed": {"name": "湖州新名称有限公司", "employees": 55, "village": None},
    }
    [event] = await registry.delivered(UPDATED)
    assert event.data == row["data"]


async def test_patch_that_changes_nothing_keeps_the_version_and_announces_nothing(registry):
    e = await registry.register()
    r = await registry.client.patch(
        f"/registry/v1/enterprises/{e['uscc']}",
        json={"name": e["name"]},
        headers=registry.admin | {"If-Match": '"1"'},
    )
    assert r.status_code == 200 and r.json()["version"] == 1
    assert await registry.outbox(UPDATED) == []


async def test_patch_without_if_match_is_428(registry):
    e = await registry.register()
    r = await registry.client.patch(f"/registry/v1/enterprises/{e['uscc']}", json={"name": "x"}, headers=registry.admin)
    problem(r, 428, "precondition_required")


async def test_patch_with_a_stale_version_is_412_version_mismatch(registry):
    e = await registry.register()
    url = f"/registry/v1/enterprises/{e['uscc']}"
    assert (
        await registry.client.patch(url, json={"name": "一"}, headers=registry.admin | {"If-Match": '"1"'})
    ).status_code == 200
    r = await registry.client.patch(url, json={"name": "二"}, headers=registry.admin | {"If-Match": '"1"'})
    body = problem(r, 412, "version_mismatch")
    assert body["current_version"] == 2
    assert (await registry.get(e["uscc"]))["name"] == "一"


async def test_patch_with_a_malformed_if_match_is_422(registry):
    e = await registry.register()
    r = await registry.client.patch(
        f"/registry/v1/enterprises/{e['uscc']}", json={"name": "x"}, headers=registry.admin | {"If-Match": "abc"}
    )
    problem(r, 422, "invalid_if_match")


async def test_patch_may_not_clear_required_fields_or_send_unknown_ones(registry):
    e = await registry.register()
    url = f"/registry/v1/enterprises/{e['uscc']}"
    r = await registry.client.patch(url, json={"name": None}, headers=registry.admin | {"If-Match": '"1"'})
    problem(r, 422, "validation_error")
    r = await registry.client.patch(url, json={"credit_class": "A"}, headers=registry.admin | {"If-Match": '"1"'})
    problem(r, 422, "validation_error")


async def test_concurrent_patches_with_the_same_if_match_one_wins_one_gets_412(registry):
    e = await registry.register()
    url = f"/registry/v1/enterprises/{e['uscc']}"
    results = await asyncio.gather(
        registry.client.patch(url, json={"name": "甲公司"}, headers=registry.officer_a | {"If-Match": '"1"'}),
        registry.client.patch(url, json={"name": "乙公司"}, headers=registry.officer_b | {"If-Match": '"1"'}),
    )
    assert sorted(r.status_code for r in results) == [200, 412]
    winner = next(r for r in results if r.status_code == 200).json()
    now = await registry.get(e["uscc"])
    assert now["name"] == winner["name"] and now["version"] == 2
    assert len(await registry.outbox(UPDATED)) == 1


async def test_recording_a_certificate_shows_its_status_and_expiring_before_it_lapses(registry):
    e = await registry.register()
    url = f"/registry/v1/enterprises/{e['uscc']}"
    # The clock is 2026-03-01: a certificate valid until 2026-05-20 is in its 3-month re-review window.
    r = await registry.client.patch(
        url,
        json={"standardization_grade": 2, "standardization_valid_until": "2026-05-20"},
        headers=registry.admin | {"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["standardization_status"] == "expiring"
    [row] = await registry.outbox(UPDATED)
    assert row["data"]["changed"] == {"standardization_grade": 2, "standardization_valid_until": "2026-05-20"}
    r = await registry.client.patch(
        url, json={"standardization_valid_until": "2026-06-02"}, headers=registry.admin | {"If-Match": '"2"'}
    )
    assert r.json()["standardization_status"] == "valid"
    r = await registry.client.patch(
        url, json={"standardization_valid_until": "2026-02-28"}, headers=registry.admin | {"If-Match": '"3"'}
    )
    assert r.json()["standardization_status"] == "expired"


async def test_list_filters_by_each_criterion(registry):
    a = await registry.register(
        name="旧馆镇五金厂", division_code="330503", township="旧馆镇", category="industry_trade"
    )
    b = await registry.register(
        name="新市镇化工有限公司", division_code="330521", township="新市镇", category="hazardous_chemicals"
    )
    c = await registry.register(
        name="李家巷镇矿业有限公司", division_code="330522", township="李家巷镇", category="mining"
    )
    await registry.assess(b["uscc"], total=80)
    await registry.list_(c["uscc"])

    async def codes(**params):
        r = await registry.client.get("/registry/v1/enterprises", params=params, headers=registry.admin)
        assert r.status_code == 200, r.text
        return {i["uscc"] for i in r.json()["items"]}

    everyone = {a["uscc"], b["uscc"], c["uscc"]}
    assert await codes() == everyone
    assert await codes(division_code="330500") == everyone
    assert await codes(division_code="330521") == {b["uscc"]}
    assert await codes(township="旧馆镇") == {a["uscc"]}
    assert await codes(category="mining") == {c["uscc"]}
    assert await codes(credit_class="B") == {b["uscc"]}
    assert await codes(blacklisted="true") == {c["uscc"]}
    assert await codes(blacklisted="false") == {a["uscc"], b["uscc"]}
    assert await codes(q="化工") == {b["uscc"]}
    assert await codes(q=a["uscc"][:12].lower()) == {a["uscc"]}
    assert await codes(q="100%") == set()


async def test_list_pages_are_capped_at_200(registry):
    for _ in range(3):
        await registry.register()
    r = await registry.client.get("/registry/v1/enterprises", params={"limit": 2, "offset": 1}, headers=registry.admin)
    body = r.json()
    assert (body["total"], body["limit"], body["offset"], len(body["items"])) == (3, 2, 1, 2)
    r = await registry.client.get("/registry/v1/enterprises", params={"limit": 1000}, headers=registry.admin)
    assert r.json()["limit"] == 200


async def test_list_refuses_a_malformed_filter(registry):
    r = await registry.client.get("/registry/v1/enterprises", params={"division_code": "33"}, headers=registry.admin)
    problem(r, 422, "validation_error")
    r = await registry.client.get("/registry/v1/enterprises", params={"credit_class": "E"}, headers=registry.admin)
    problem(r, 422, "validation_error")


async def test_list_by_standardization_status_finds_the_expiring(registry):
    soon = await registry.register(standardization_grade=3, standardization_valid_until="2026-04-30")
    later = await registry.register(standardization_grade=3, standardization_valid_until="2027-04-30")
    await registry.register()
    r = await registry.client.get(
        "/registry/v1/enterprises", params={"standardization_status": "expiring"}, headers=registry.admin
    )
    assert [i["uscc"] for i in r.json()["items"]] == [soon["uscc"]]
    r = await registry.client.get(
        "/registry/v1/enterprises", params={"standardization_status": "valid"}, headers=registry.admin
    )
    assert [i["uscc"] for i in r.json()["items"]] == [later["uscc"]]
