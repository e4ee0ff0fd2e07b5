"""Listing (严重失信主体名单), its end, credit repair and a repair found false."""

from datetime import timedelta

import pytest

from shared.contracts.registry import BlacklistEntryAddedV1, BlacklistEntryRemovedV1, CreditClassChangedV1
from tests.registry.conftest import problem

ADDED = BlacklistEntryAddedV1.event_type
REMOVED = BlacklistEntryRemovedV1.event_type
CHANGED = CreditClassChangedV1.event_type
MONTH = timedelta(days=31)


@pytest.fixture
async def a_class(registry):
    """An A-class enterprise with a grade 1 certificate (on the honour roll)."""
    e = await registry.register()
    await registry.assess(e["uscc"], total=95)
    return e["uscc"]


async def add(registry, body, headers=None):
    return await registry.client.post("/registry/v1/blacklist", json=body, headers=headers or registry.officer_a)


def listing(registry, uscc, **fields):
    return {
        "uscc": uscc,
        "situation": "unlicensed_or_suspended_operation",
        "penalty_decision_ref": "湖应急罚〔2026〕12号",
        "decided_at": registry.clock.now().isoformat(),
    } | fields


async def stats(registry):
    return (await registry.client.get("/registry/v1/stats/credit", headers=registry.admin)).json()


async def test_listing_takes_the_enterprise_out_of_the_classes_and_announces_it(registry, a_class):
    assert (await registry.get(a_class))["honour_roll"] is True
    r = await add(registry, listing(registry, a_class))
    assert r.status_code == 201, r.text
    entry = r.json()
    assert (entry["status"], entry["rule_set"], entry["rule_set_version"]) == ("active", "mem-order-11-2023", 1)
    assert entry["expires_at"] == "2029-03-01T02:00:00Z"  # 3 years under Order No. 11
    assert entry["repair_earliest"] == "2027-03-01T02:00:00Z"  # repair after 12 months
    assert entry["situation_text"].startswith("未依法取得安全生产相关许可")
    assert entry["principal_people"] == {
        "legal_representative": "张三",
        "person_in_charge": "李四",
        "safety_lead": "王五",
    }

    ent = await registry.get(a_class)
    assert (ent["blacklisted"], ent["credit_class"], ent["last_class"]) == (True, None, "A")
    assert (ent["standardization_status"], ent["honour_roll"]) == ("revoked", False)
    s = await stats(registry)
    assert s["blacklisted"] == 1 and s["by_class"]["A"] == 0 and s["total"] == 1

    [added] = await registry.outbox(ADDED)
    assert added["data"] == {
        "uscc": a_class,
        "entry_id": entry["id"],
        "situation": "unlicensed_or_suspended_operation",
        "rule_set": "mem-order-11-2023",
        "decided_at": "2026-03-01T02:00:00Z",
        "expires_at": "2029-03-01T02:00:00Z",
        "reason": None,
    }
    changed = (await registry.outbox(CHANGED))[-1]["data"]
    assert (changed["old_class"], changed["new_class"], changed["score"]) == ("A", None, None)
    assert changed["reason"] == "listed: unlicensed_or_suspended_operation (湖应急罚〔2026〕12号)"
    updated = (await registry.outbox("registry.enterprise.updated.v1"))[-1]["data"]["changed"]
    assert updated == {"standardization_revoked": True, "honour_roll": False}
    delivered = [e.type for e in await registry.delivered()][-3:]
    assert delivered == [ADDED, CHANGED, "registry.enterprise.updated.v1"]


async def test_a_listing_names_a_known_situation_and_rule_set(registry, a_class):
    r = await add(registry, listing(registry, a_class, situation="littering"))
    body = problem(r, 422, "unknown_situation")
    assert "concealed_or_false_accident_report" in body["detail"]
    problem(await add(registry, listing(registry, a_class, rule_set="nope")), 422, "unknown_rule_set")
    # A legacy situation under the current rule set is unknown too.
    problem(
        await add(registry, listing(registry, a_class, situation="larger_or_above_accident")), 422, "unknown_situation"
    )


async def test_a_listing_is_decided_in_the_past_and_still_runs(registry, a_class):
    future = (registry.clock.now() + timedelta(days=1)).isoformat()
    problem(await add(registry, listing(registry, a_class, decided_at=future)), 422, "invalid_decided_at")
    long_ago = "2022-12-01T00:00:00Z"
    r = await add(registry, listing(registry, a_class, decided_at=long_ago, rule_set="mem-order-11-2023"))
    problem(r, 422, "listing_already_ended")
    # Without a rule set, the one in force on the day of the decision applies: before Order No. 11,
    # the legacy one, which has no such situation.
    problem(
        await add(registry, listing(registry, a_class, decided_at="2023-09-30T00:00:00Z")), 422, "unknown_situation"
    )
    problem(await add(registry, listing(registry, a_class, decided_at="2026-01-01T00:00:00")), 422, "validation_error")


async def test_unknown_enterprise_and_missing_fields(registry):
    problem(await add(registry, listing(registry, "914403001922038216")), 404, "enterprise_not_found")
    problem(await add(registry, {"uscc": "914403001922038216"}), 422, "validation_error")


async def test_one_penalty_decision_grounds_one_listing(registry, a_class):
    assert (await add(registry, listing(registry, a_class))).status_code == 201
    problem(await add(registry, listing(registry, a_class)), 409, "duplicate_listing")


async def test_idempotent_retry_lists_once(registry, a_class):
    headers = registry.officer_a | {"Idempotency-Key": "bl-1"}
    first = await add(registry, listing(registry, a_class), headers)
    again = await add(registry, listing(registry, a_class), headers)
    assert first.status_code == again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert len(await registry.outbox(ADDED)) == 1


async def test_legacy_rule_set_runs_one_year_and_three_on_a_second_listing(registry, a_class):
    r = await add(registry, listing(registry, a_class, rule_set="saws-2017-49", situation="unlicensed_operation"))
    first = r.json()
    assert (first["expires_at"], first["repair_earliest"]) == ("2027-03-01T02:00:00Z", None)
    registry.clock.advance(timedelta(days=100))
    r = await add(
        registry,
        listing(
            registry,
            a_class,
            rule_set="saws-2017-49",
            situation="evading_supervision",
            penalty_decision_ref="湖应急罚〔2026〕99号",
        ),
    )
    assert r.json()["expires_at"] == "2029-06-09T02:00:00Z"
    # Under the legacy rules there is no early removal.
    r = await registry.client.post(
        f"/registry/v1/blacklist/{first['id']}/repair-applications",
        json={"commitment": "承诺", "evidence": ["罚款缴纳凭证"]},
        headers=registry.officer_a,
    )
    problem(r, 409, "repair_not_available")


async def test_repair_before_the_minimum_period_is_409_too_early(registry, a_class):
    entry = (await add(registry, listing(registry, a_class))).json()
    registry.clock.advance(timedelta(days=300))
    r = await registry.client.post(
        f"/registry/v1/blacklist/{entry['id']}/repair-applications",
        json={"commitment": "信用承诺书", "evidence": ["罚款缴纳凭证"]},
        headers=registry.as_("enterprise", "ent", uscc=a_class),
    )
    body = problem(r, 409, "too_early")
    assert body["earliest"] == "2027-03-01T02:00:00+00:00"


async def repair(registry, uscc, entry_id, headers=None):
    r = await registry.client.post(
        f"/registry/v1/blacklist/{entry_id}/repair-applications",
        json={"commitment": "本单位郑重承诺……", "evidence": "罚款已缴纳，隐患已整改"},
        headers=headers or registry.as_("enterprise", "ent-user", uscc=uscc),
    )
    return r


async def test_approved_repair_ends_the_listing_and_the_class_returns(registry, a_class):
    entry = (await add(registry, listing(registry, a_class))).json()
    registry.clock.advance(13 * MONTH)
    r = await repair(registry, a_class, entry["id"])
    assert r.status_code == 201, r.text
    application = r.json()
    assert (application["status"], application["evidence"]) == ("submitted", ["罚款已缴纳，隐患已整改"])
    problem(await repair(registry, a_class, entry["id"]), 409, "repair_pending")

    r = await registry.client.post(
        f"/registry/v1/repair-applications/{application['id']}/approve", headers=registry.officer_b
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved"
    e = (await registry.client.get(f"/registry/v1/blacklist/{entry['id']}", headers=registry.admin)).json()
    assert (e["status"], e["ended_at"]) == ("repaired", "2027-04-08T02:00:00Z")
    ent = await registry.get(a_class)
    assert (ent["blacklisted"], ent["credit_class"], ent["credit_score"]) == (False, "A", "95.00")
    # The revoked certificate stays revoked until a new review; the look-back keeps it off the roll.
    assert (ent["standardization_status"], ent["honour_roll"]) == ("revoked", False)

    [removed] = await registry.outbox(REMOVED)
    assert removed["data"] == {
        "uscc": a_class,
        "entry_id": entry["id"],
        "reason": "repaired",
        "removed_at": "2027-04-08T02:00:00Z",
    }
    back = (await registry.outbox(CHANGED))[-1]["data"]
    assert (back["old_class"], back["new_class"], back["score"]) == (None, "A", "95.00")
    assert back["reason"].startswith("listing ended (repaired)")
    assert (await registry.delivered(REMOVED))[0].data == removed["data"]
    r = await registry.client.get(f"/registry/v1/enterprises/{a_class}/credit-history", headers=registry.admin)
    assert [(c["old_class"], c["new_class"]) for c in r.json()["items"]] == [(None, "A"), ("A", None), (None, "A")]


async def test_a_repair_is_decided_by_someone_other_than_its_applicant(registry, a_class):
    entry = (await add(registry, listing(registry, a_class))).json()
    registry.clock.advance(13 * MONTH)
    application = (await repair(registry, a_class, entry["id"], headers=registry.officer_a)).json()
    r = await registry.client.post(
        f"/registry/v1/repair-applications/{application['id']}/approve", headers=registry.officer_a
    )
    problem(r, 403, "four_eyes")
    r = await registry.client.post(
        f"/registry/v1/repair-applications/{application['id']}/approve",
        headers=registry.as_("enterprise", "x", uscc=a_class),
    )
    problem(r, 403, "forbidden_role")


async def test_rejected_repair_leaves_the_listing_running(registry, a_class):
    entry = (await add(registry, listing(registry, a_class))).json()
    registry.clock.advance(13 * MONTH)
    application = (await repair(registry, a_class, entry["id"])).json()
    url = f"/registry/v1/repair-applications/{application['id']}/reject"
    problem(await registry.client.post(url, json={}, headers=registry.officer_b), 422, "validation_error")
    r = await registry.client.post(url, json={"reason": "整改证明材料不全"}, headers=registry.officer_b)
    assert (r.json()["status"], r.json()["decision_reason"]) == ("rejected", "整改证明材料不全")
    assert (await registry.get(a_class))["blacklisted"] is True
    assert await registry.outbox(REMOVED) == []
    # Decided once: approving now is an illegal move; a new application may follow.
    r = await registry.client.post(
        f"/registry/v1/repair-applications/{application['id']}/approve", headers=registry.officer_b
    )
    problem(r, 409, "invalid_transition")
    assert (await repair(registry, a_class, entry["id"])).status_code == 201


async def test_a_repair_found_false_is_revoked_and_the_listing_restored_for_the_remaining_term(registry, a_class):
    entry = (await add(registry, listing(registry, a_class))).json()
    registry.clock.advance(13 * MONTH)  # repaired on 2027-04-08, about 23 months before its end
    application = (await repair(registry, a_class, entry["id"])).json()
    await registry.client.post(
        f"/registry/v1/repair-applications/{application['id']}/approve", headers=registry.officer_b
    )
    registry.clock.advance(timedelta(days=60))
    r = await registry.client.post(
        f"/registry/v1/repair-applications/{application['id']}/revoke",
        json={"reason": "整改证明系伪造"},
        headers=registry.officer_a,
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "revoked"
    e = (await registry.client.get(f"/registry/v1/blacklist/{entry['id']}", headers=registry.admin)).json()
    # The time off the list under a false repair does not count as served.
    assert (e["status"], e["reinstated_at"], e["expires_at"]) == (
        "active",
        "2027-06-07T02:00:00Z",
        "2029-04-30T02:00:00Z",
    )
    ent = await registry.get(a_class)
    assert (ent["blacklisted"], ent["credit_class"], ent["last_class"]) == (True, None, "A")

    reinstated = (await registry.outbox(ADDED))[-1]["data"]
    assert reinstated == {
        "uscc": a_class,
        "entry_id": entry["id"],
        "situation": "unlicensed_or_suspended_operation",
        "rule_set": "mem-order-11-2023",
        "decided_at": "2027-06-07T02:00:00Z",
        "expires_at": "2029-04-30T02:00:00Z",
        "reason": "revoked_repair",
    }
    assert (await registry.outbox(CHANGED))[-1]["data"]["new_class"] is None
    assert [ev.data.get("reason") for ev in await registry.delivered(ADDED)] == [None, "revoked_repair"]
    r = await registry.client.post(
        f"/registry/v1/repair-applications/{application['id']}/revoke", json={"reason": "x"}, headers=registry.officer_a
    )
    problem(r, 409, "invalid_transition")


async def test_a_withdrawn_listing_ends_as_revoked(registry, a_class):
    entry = (await add(registry, listing(registry, a_class))).json()
    url = f"/registry/v1/blacklist/{entry['id']}/revoke"
    problem(
        await registry.client.post(url, json={"reason": "x"}, headers=registry.admin | {"If-Match": '"5"'}),
        412,
        "version_mismatch",
    )
    r = await registry.client.post(url, json={"reason": "行政处罚决定被撤销"}, headers=registry.admin)
    assert (r.json()["status"], r.json()["end_reason"]) == ("revoked", "行政处罚决定被撤销")
    [removed] = await registry.outbox(REMOVED)
    assert removed["data"]["reason"] == "revoked"
    assert (await registry.get(a_class))["credit_class"] == "A"
    body = problem(
        await registry.client.post(url, json={"reason": "again"}, headers=registry.admin), 409, "invalid_transition"
    )
    assert body["state"] == "revoked"
    # A withdrawn listing cannot be repaired either.
    problem(await repair(registry, a_class, entry["id"]), 409, "invalid_transition")


async def test_the_class_returns_only_when_the_last_active_entry_ends(registry, a_class):
    first = (await add(registry, listing(registry, a_class))).json()
    second = (await add(registry, listing(registry, a_class, penalty_decision_ref="湖应急罚〔2026〕13号"))).json()
    # One class change to null for both listings.
    assert [c["data"]["new_class"] for c in await registry.outbox(CHANGED)] == ["A", None]
    await registry.client.post(
        f"/registry/v1/blacklist/{first['id']}/revoke", json={"reason": "撤销"}, headers=registry.admin
    )
    assert (await registry.get(a_class))["blacklisted"] is True
    await registry.client.post(
        f"/registry/v1/blacklist/{second['id']}/revoke", json={"reason": "撤销"}, headers=registry.admin
    )
    assert (await registry.get(a_class))["credit_class"] == "A"
    assert [c["data"]["new_class"] for c in await registry.outbox(CHANGED)] == ["A", None, "A"]


async def test_unknown_entries_and_applications_are_404(registry):
    problem(await registry.client.get("/registry/v1/blacklist/nope", headers=registry.admin), 404, "entry_not_found")
    r = await registry.client.post(
        "/registry/v1/blacklist/nope/repair-applications",
        json={"commitment": "c", "evidence": ["e"]},
        headers=registry.admin,
    )
    problem(r, 404, "entry_not_found")
    r = await registry.client.post("/registry/v1/repair-applications/nope/approve", headers=registry.admin)
    problem(r, 404, "repair_application_not_found")
    r = await registry.client.get("/registry/v1/repair-applications/nope", headers=registry.admin)
    problem(r, 404, "repair_application_not_found")


async def test_lists_of_entries_and_applications(registry, a_class):
    entry = (await add(registry, listing(registry, a_class))).json()
    registry.clock.advance(13 * MONTH)
    application = (await repair(registry, a_class, entry["id"])).json()
    r = await registry.client.get("/registry/v1/blacklist", params={"status": "active"}, headers=registry.admin)
    assert [i["id"] for i in r.json()["items"]] == [entry["id"]]
    r = await registry.client.get("/registry/v1/blacklist", params={"uscc": a_class}, headers=registry.admin)
    assert r.json()["total"] == 1
    r = await registry.client.get(
        "/registry/v1/repair-applications", params={"status": "submitted"}, headers=registry.officer_b
    )
    assert [i["id"] for i in r.json()["items"]] == [application["id"]]
    r = await registry.client.get(f"/registry/v1/repair-applications/{application['id']}", headers=registry.admin)
    assert r.headers["etag"] == '"1"'


async def test_the_public_blacklist_shows_active_listings_with_public_fields_only(registry, a_class):
    other = (await registry.register(name="南浔区某化工厂"))["uscc"]
    gone = (await add(registry, listing(registry, other))).json()
    await registry.client.post(
        f"/registry/v1/blacklist/{gone['id']}/revoke", json={"reason": "撤销"}, headers=registry.admin
    )
    await add(registry, listing(registry, a_class))
    r = await registry.client.get("/public/v1/blacklist")
    assert r.status_code == 200
    [item] = r.json()["items"]
    assert item == {
        "uscc": a_class,
        "name": "湖州测试制造有限公司",
        "situation": "unlicensed_or_suspended_operation",
        "situation_text": item["situation_text"],
        "decided_at": "2026-03-01T02:00:00Z",
        "expires_at": "2029-03-01T02:00:00Z",
    }


async def test_no_certificate_is_recorded_while_listed(registry, a_class):
    await add(registry, listing(registry, a_class))
    version = (await registry.get(a_class))["version"]
    r = await registry.client.patch(
        f"/registry/v1/enterprises/{a_class}",
        json={"standardization_grade": 1, "standardization_valid_until": "2030-01-01"},
        headers=registry.admin | {"If-Match": f'"{version}"'},
    )
    problem(r, 409, "enterprise_blacklisted")
    # Other fields still change.
    r = await registry.client.patch(
        f"/registry/v1/enterprises/{a_class}",
        json={"employees": 7},
        headers=registry.admin | {"If-Match": f'"{version}"'},
    )
    assert r.status_code == 200


async def test_a_retried_repair_application_is_one_application(registry, a_class):
    entry = (await add(registry, listing(registry, a_class))).json()
    registry.clock.advance(13 * MONTH)
    headers = registry.as_("enterprise", "ent-user", uscc=a_class) | {"Idempotency-Key": "repair-1"}
    first = await repair(registry, a_class, entry["id"], headers=headers)
    again = await repair(registry, a_class, entry["id"], headers=headers)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    mine = registry.as_("enterprise", "ent-user", uscc=a_class)
    r = await registry.client.get(f"/registry/v1/repair-applications/{first.json()['id']}", headers=mine)
    assert r.status_code == 200
    other = registry.as_("enterprise", "other", uscc="914403001922038216")
    r = await registry.client.get(f"/registry/v1/repair-applications/{first.json()['id']}", headers=other)
    problem(r, 404, "repair_application_not_found")
