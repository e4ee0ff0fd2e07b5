"""One assessment, two results: scoring with the stored rule set, four eyes, approval and rejection."""

import asyncio
from datetime import timedelta

from shared.contracts.hazard import AccidentRecordedV1
from shared.contracts.registry import CreditClassChangedV1, EnterpriseUpdatedV1
from tests.registry.conftest import problem, scores

CHANGED = CreditClassChangedV1.event_type


async def submit(registry, code, body, headers=None):
    return await registry.client.post(
        f"/registry/v1/enterprises/{code}/assessments", json=body, headers=headers or registry.officer_a
    )


async def test_submission_shows_both_results_and_the_breakdown(registry):
    e = await registry.register(category="general")
    r = await submit(
        registry,
        e["uscc"],
        {
            "period": "2025",
            "scores": {
                "standardization": 80,
                "safety_culture": 70,
                "staff_participation": 60,
                "public_commitment": 100,
                "legal_compliance": "95.5",
            },
        },
    )
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["status"] == "submitted" and a["author"] == "officer-a"
    assert (a["total_score"], a["credit_class"], a["standardization_result"]) == ("82.10", "B", 2)
    b = a["breakdown"]
    assert (b["rule_set"], b["version"]) == ("huzhou-credit", 1) == (a["rule_set"], a["rule_set_version"])
    assert [p["part"] for p in b["parts"]] == [
        "standardization",
        "safety_culture",
        "staff_participation",
        "public_commitment",
        "legal_compliance",
    ]
    assert b["parts"][0] == {"part": "standardization", "score": "80", "weight": "0.5", "weighted": "40.0"}
    assert b["overrides"] == []
    assert b["facts"]["sources"]["fatal_accidents"] == "recorded"
    # Submitting changes nothing yet: the class waits for a second officer.
    assert (await registry.get(e["uscc"]))["credit_class"] is None
    assert await registry.outbox(CHANGED) == []


async def test_every_override_is_shown_with_its_reason(registry):
    e = await registry.register()
    r = await submit(
        registry,
        e["uscc"],
        {
            "period": "2025",
            "scores": scores(95),
            "facts": {"fatal_accidents": 1, "penalties": 2, "public_commitment_signed": False},
        },
    )
    a = r.json()
    assert a["credit_class"] == "C"
    assert [(o["rule"], o["from"], o["to"]) for o in a["breakdown"]["overrides"]] == [
        ("no_public_commitment", "A", "B"),
        ("fatal_accident_cap", "B", "C"),
    ]
    assert "fatal accident" in a["breakdown"]["overrides"][1]["reason"]
    assert a["facts"]["sources"] == {
        "fatal_accidents": "given",
        "penalties": "given",
        "public_commitment_signed": "given",
    }


async def test_approval_by_a_second_officer_changes_the_class_writes_history_and_announces_it(registry):
    e = await registry.register()
    a = await registry.assess(e["uscc"], total=80, approve=False)
    r = await registry.client.post(f"/registry/v1/assessments/{a['id']}/approve", headers=registry.officer_b)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["status"], body["decided_by"], body["version"]) == ("effective", "officer-b", 2)
    ent = await registry.get(e["uscc"])
    assert (ent["credit_class"], ent["credit_score"], ent["last_class"]) == ("B", "80.00", "B")
    assert (ent["standardization_grade"], ent["standardization_valid_until"]) == (2, "2029-03-01")

    [row] = await registry.outbox(CHANGED)
    assert row["data"] == {
        "uscc": e["uscc"],
        "old_class": None,
        "new_class": "B",
        "score": "80.00",
        "reason": "assessment 2025 approved: total 80.00, class B",
        "assessment_id": a["id"],
        "effective_at": "2026-03-01T02:00:00Z",
    }
    [event] = await registry.delivered(CHANGED)
    assert event.data == row["data"] and event.subject == e["uscc"]
    [updated] = await registry.outbox(EnterpriseUpdatedV1.event_type)
    assert updated["data"]["changed"] == {"standardization_grade": 2, "standardization_valid_until": "2029-03-01"}

    r = await registry.client.get(f"/registry/v1/enterprises/{e['uscc']}/credit-history", headers=registry.admin)
    [change] = r.json()["items"]
    assert (change["old_class"], change["new_class"], change["assessment_id"]) == (None, "B", a["id"])
    assert change["reason"] == row["data"]["reason"] and change["recorded_by"] == "officer-b"


async def test_the_author_may_not_approve_or_reject_four_eyes(registry):
    e = await registry.register()
    a = await registry.assess(e["uscc"], approve=False)
    r = await registry.client.post(f"/registry/v1/assessments/{a['id']}/approve", headers=registry.officer_a)
    problem(r, 403, "four_eyes")
    r = await registry.client.post(
        f"/registry/v1/assessments/{a['id']}/reject", json={"reason": "x"}, headers=registry.officer_a
    )
    problem(r, 403, "four_eyes")
    # An admin who wrote it is its author too.
    r = await submit(registry, e["uscc"], {"period": "2024", "scores": scores(80)}, headers=registry.admin)
    r = await registry.client.post(f"/registry/v1/assessments/{r.json()['id']}/approve", headers=registry.admin)
    problem(r, 403, "four_eyes")
    assert (await registry.get(e["uscc"]))["credit_class"] is None


async def test_rejection_needs_a_reason_and_sends_the_period_back_to_the_author(registry):
    e = await registry.register()
    a = await registry.assess(e["uscc"], approve=False)
    url = f"/registry/v1/assessments/{a['id']}/reject"
    problem(await registry.client.post(url, json={"reason": ""}, headers=registry.officer_b), 422, "validation_error")
    problem(await registry.client.post(url, json={}, headers=registry.officer_b), 422, "validation_error")
    r = await registry.client.post(url, json={"reason": "安全文化得分缺少依据"}, headers=registry.officer_b)
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["rejection_reason"]) == ("rejected", "安全文化得分缺少依据")
    # Deciding again is an illegal move; the period is free for a corrected submission.
    r = await registry.client.post(f"/registry/v1/assessments/{a['id']}/approve", headers=registry.officer_b)
    body = problem(r, 409, "invalid_transition")
    assert body["state"] == "rejected" and body["allowed"] == []
    again = await registry.assess(e["uscc"], total=80)
    assert again["status"] == "effective"
    assert (await registry.get(e["uscc"]))["credit_class"] == "B"


async def test_one_assessment_per_enterprise_and_period(registry):
    e = await registry.register()
    await registry.assess(e["uscc"], approve=False)
    r = await submit(registry, e["uscc"], {"period": "2025", "scores": scores(70)})
    problem(r, 409, "assessment_exists")


async def test_invalid_scores_and_periods_are_422(registry):
    e = await registry.register()
    r = await submit(registry, e["uscc"], {"period": "2025", "scores": scores(95, safety_culture=101)})
    body = problem(r, 422, "invalid_scores")
    assert body["errors"] == [
        {"field": "scores.safety_culture", "message": "must be a number between 0 and 100, got Decimal('101')"}
    ]
    problem(await submit(registry, e["uscc"], {"period": "25", "scores": scores()}), 422, "invalid_period")
    problem(await submit(registry, e["uscc"], {"period": "2027", "scores": scores()}), 422, "invalid_period")
    r = await submit(registry, e["uscc"], {"period": "2025", "scores": {"standardization": 90}})
    problem(r, 422, "validation_error")
    r = await submit(registry, e["uscc"], {"period": "2025", "scores": scores(), "facts": {"fatal_accidents": -1}})
    problem(r, 422, "validation_error")


async def test_unknown_assessment_is_404(registry):
    problem(
        await registry.client.get("/registry/v1/assessments/nope", headers=registry.admin), 404, "assessment_not_found"
    )
    r = await registry.client.post("/registry/v1/assessments/nope/approve", headers=registry.officer_b)
    problem(r, 404, "assessment_not_found")


async def test_approval_with_a_stale_if_match_is_412(registry):
    e = await registry.register()
    a = await registry.assess(e["uscc"], approve=False)
    r = await registry.client.post(
        f"/registry/v1/assessments/{a['id']}/approve", headers=registry.officer_b | {"If-Match": '"7"'}
    )
    problem(r, 412, "version_mismatch")
    r = await registry.client.get(f"/registry/v1/assessments/{a['id']}", headers=registry.admin)
    assert r.headers["etag"] == '"1"'
    r = await registry.client.post(
        f"/registry/v1/assessments/{a['id']}/approve", headers=registry.officer_b | {"If-Match": '"1"'}
    )
    assert r.status_code == 200


async def test_concurrent_approvals_take_effect_once(registry):
    e = await registry.register()
    a = await registry.assess(e["uscc"], total=80, approve=False)
    url = f"/registry/v1/assessments/{a['id']}/approve"
    results = await asyncio.gather(
        registry.client.post(url, headers=registry.officer_b),
        registry.client.post(url, headers=registry.as_("officer", "officer-c", division_code="330500")),
        registry.client.post(url, headers=registry.admin),
    )
    assert sorted(r.status_code for r in results) == [200, 409, 409]
    assert len(await registry.outbox(CHANGED)) == 1
    r = await registry.client.get(f"/registry/v1/enterprises/{e['uscc']}/credit-history", headers=registry.admin)
    assert r.json()["total"] == 1


async def test_a_later_period_sets_the_class_and_an_older_one_approved_late_does_not_undo_it(registry):
    e = await registry.register()
    await registry.assess(e["uscc"], period="2025", total=80)
    old = await registry.assess(e["uscc"], period="2024", total=95)
    assert old["status"] == "effective"
    ent = await registry.get(e["uscc"])
    assert (ent["credit_class"], ent["credit_score"]) == ("B", "80.00")
    newer = await registry.assess(e["uscc"], period="2026", total=65)
    assert (await registry.get(e["uscc"]))["credit_class"] == "C"
    changes = [(r["data"]["old_class"], r["data"]["new_class"]) for r in await registry.outbox(CHANGED)]
    assert changes == [(None, "B"), ("B", "C")]
    assert newer["credit_class"] == "C"


async def test_same_class_again_changes_no_class_and_announces_no_change(registry):
    e = await registry.register()
    await registry.assess(e["uscc"], period="2024", total=80)
    await registry.assess(e["uscc"], period="2025", total=82)
    ent = await registry.get(e["uscc"])
    assert (ent["credit_class"], ent["credit_score"]) == ("B", "82.00")
    assert len(await registry.outbox(CHANGED)) == 1


async def test_the_rule_set_version_stored_on_the_assessment_is_the_one_used(registry):
    e = await registry.register()
    a = await registry.assess(e["uscc"], total=88, approve=False)
    assert (a["rule_set_version"], a["credit_class"]) == (1, "B")
    # A stricter version is published while the assessment waits for approval.
    r = await registry.client.post(
        "/registry/v1/rule-sets",
        json={
            "title": "湖州市诚信等级 2026",
            "effective_from": "2026-01-01",
            "weights": {
                "standardization": "0.6",
                "safety_culture": "0.1",
                "staff_participation": "0.1",
                "public_commitment": "0.1",
                "legal_compliance": "0.1",
            },
            "class_lines": {"A": 85, "B": 70, "C": 55},
        },
        headers=registry.admin,
    )
    assert r.status_code == 201, r.text
    r = await registry.client.post(f"/registry/v1/assessments/{a['id']}/approve", headers=registry.officer_b)
    assert r.json()["rule_set_version"] == 1
    assert (await registry.get(e["uscc"]))["credit_class"] == "B"
    # New submissions are scored with the new version: 88 is an A under its lines.
    b = await registry.assess(e["uscc"], period="2026", total=88, approve=False)
    assert (b["rule_set_version"], b["credit_class"], b["breakdown"]["parts"][0]["weight"]) == (2, "A", "0.6")


async def test_recorded_fatal_accidents_of_the_period_are_the_default_fact(registry):
    e = await registry.register()
    await registry.deliver_hazard_event(
        AccidentRecordedV1(
            accident_id="acc-2025-1",
            uscc=e["uscc"],
            occurred_at=registry.clock.now() - timedelta(days=200),  # 2025-08
            kind="mechanical_injury",
            is_fire=False,
            deaths=1,
            serious_injuries=0,
            direct_loss="850000.00",
            grade="general",
        )
    )
    await registry.consume()
    a = await registry.assess(e["uscc"], period="2025", total=95, approve=False)
    assert a["credit_class"] == "C"
    assert a["facts"]["fatal_accidents"] == 1
    assert a["facts"]["sources"]["recorded_accident_ids"] == ["acc-2025-1"]
    assert [o["rule"] for o in a["breakdown"]["overrides"]] == ["fatal_accident_cap"]
    # Another period does not count it; an officer's own figure wins over the record.
    b = await registry.assess(e["uscc"], period="2024", total=95, approve=False)
    assert (b["credit_class"], b["facts"]["fatal_accidents"]) == ("A", 0)
    c = await registry.assess(e["uscc"], period="2026", total=95, approve=False, facts={"fatal_accidents": 0})
    assert c["credit_class"] == "A"


async def test_a_listed_enterprise_is_not_assessed(registry):
    e = await registry.register()
    pending = await registry.assess(e["uscc"], period="2024", approve=False)
    await registry.list_(e["uscc"])
    r = await submit(registry, e["uscc"], {"period": "2025", "scores": scores()})
    problem(r, 409, "enterprise_blacklisted")
    r = await registry.client.post(f"/registry/v1/assessments/{pending['id']}/approve", headers=registry.officer_b)
    problem(r, 409, "enterprise_blacklisted")


async def test_review_queue_lists_submitted_assessments(registry):
    e = await registry.register()
    f = await registry.register()
    await registry.assess(e["uscc"], approve=False)
    await registry.assess(f["uscc"])
    r = await registry.client.get(
        "/registry/v1/assessments", params={"status": "submitted"}, headers=registry.officer_b
    )
    assert [i["uscc"] for i in r.json()["items"]] == [e["uscc"]]
    r = await registry.client.get(f"/registry/v1/enterprises/{f['uscc']}/assessments", headers=registry.admin)
    assert [i["status"] for i in r.json()["items"]] == ["effective"]
