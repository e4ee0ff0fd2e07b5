"""Back into the registry: hazard events become facts, facts become listing proposals, officers decide."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from services.registry.models import OverdueHazard, RecordedAccident
from shared.contracts import TOPIC_HAZARD, dlq_topic
from shared.contracts.hazard import AccidentRecordedV1, HazardOverdueV1
from shared.contracts.registry import BlacklistEntryAddedV1
from tests.registry.conftest import problem

ADDED = BlacklistEntryAddedV1.event_type


def accident(code: str, accident_id: str, when: datetime, grade: str = "larger", deaths: int = 3) -> AccidentRecordedV1:
    return AccidentRecordedV1(
        accident_id=accident_id,
        uscc=code,
        occurred_at=when,
        kind="collapse",
        is_fire=False,
        deaths=deaths,
        serious_injuries=2,
        direct_loss="12000000.00",
        grade=grade,
    )


def overdue(
    code: str, hazard_id: str, since: datetime, *, level="major", operating=True, step="overdue"
) -> HazardOverdueV1:
    return HazardOverdueV1(
        hazard_id=hazard_id,
        uscc=code,
        level=level,
        deadline=since.date() - timedelta(days=1),
        overdue_since=since,
        step=step,
        operating=operating,
    )


async def proposals(registry, **params) -> list[dict]:
    r = await registry.client.get("/registry/v1/proposals", params=params, headers=registry.officer_a)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def count(registry, model) -> int:
    async with registry.ctx.db.read() as s:
        return (await s.execute(select(func.count()).select_from(model))).scalar_one()


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def test_second_larger_accident_within_12_months_proposes_listing(registry):
    code = (await registry.register())["uscc"]
    await registry.deliver_hazard_event(accident(code, "acc-1", at(2025, 5, 10)))
    await registry.deliver_hazard_event(accident(code, "acc-2", at(2026, 1, 20)))
    assert await registry.consume() == 2
    found = {(p["rule_set"], p["situation"]): p for p in await proposals(registry)}
    order_11 = found[("mem-order-11-2023", "two_larger_accidents_in_12_months")]
    assert (order_11["status"], order_11["evidence_ids"]) == ("pending", ["acc-1", "acc-2"])
    assert "within 12 months" in order_11["reason"] and "2025-05-10" in order_11["reason"]
    # The legacy rules list after one larger accident: that proposal came with the first and grew.
    legacy = found[("saws-2017-49", "larger_or_above_accident")]
    assert legacy["evidence_ids"] == ["acc-1", "acc-2"] and legacy["version"] == 2
    assert len(found) == 2
    # A proposal is never a listing until an officer decides.
    assert (await registry.get(code))["blacklisted"] is False
    assert await registry.outbox(ADDED) == []


async def test_reordered_accidents_propose_the_same_listing(registry):
    code = (await registry.register())["uscc"]
    await registry.deliver_hazard_event(accident(code, "acc-2", at(2026, 1, 20)))
    await registry.deliver_hazard_event(accident(code, "acc-1", at(2025, 5, 10)))
    await registry.consume()
    found = {(p["rule_set"], p["situation"]): p["evidence_ids"] for p in await proposals(registry)}
    assert found[("mem-order-11-2023", "two_larger_accidents_in_12_months")] == ["acc-1", "acc-2"]
    assert len(found) == 2


async def test_duplicate_deliveries_and_replays_are_facts_once(registry):
    code = (await registry.register())["uscc"]
    event = await registry.deliver_hazard_event(accident(code, "acc-1", at(2026, 1, 20), grade="serious", deaths=12))
    await registry.deliver_hazard_event(
        accident(code, "acc-1", at(2026, 1, 20), grade="serious", deaths=12), event_id=event.id
    )
    # The same accident announced again under a new event id (e.g. a replay from the producer's outbox).
    await registry.deliver_hazard_event(accident(code, "acc-1", at(2026, 1, 20), grade="serious", deaths=12))
    assert await registry.consume() == 3
    assert await count(registry, RecordedAccident) == 1
    [proposal] = await proposals(registry)
    # Order No. 11 proposes; the legacy rule on the same evidence adds nothing.
    assert (proposal["rule_set"], proposal["situation"], proposal["evidence_ids"]) == (
        "mem-order-11-2023",
        "particularly_serious_or_serious_accident",
        ["acc-1"],
    )


async def test_a_major_hazard_overdue_while_work_continues_proposes_a_legacy_listing(registry):
    code = (await registry.register())["uscc"]
    await registry.deliver_hazard_event(overdue(code, "hz-1", at(2026, 2, 10), step="supervision_letter"))
    await registry.deliver_hazard_event(overdue(code, "hz-1", at(2026, 2, 1), operating=False))
    await registry.deliver_hazard_event(overdue(code, "hz-2", at(2026, 2, 1), level="general"))
    await registry.consume()
    async with registry.ctx.db.read() as s:
        rows = (await s.execute(select(OverdueHazard).order_by(OverdueHazard.hazard_id))).scalars().all()
    assert [(h.hazard_id, h.overdue_since, h.operating) for h in rows] == [
        ("hz-1", at(2026, 2, 1), True),
        ("hz-2", at(2026, 2, 1), True),
    ]
    assert rows[0].deadline == date(2026, 2, 9)
    [proposal] = await proposals(registry)
    assert (proposal["rule_set"], proposal["situation"], proposal["evidence_ids"]) == (
        "saws-2017-49",
        "major_hazard_unrectified_while_operating",
        ["hz-1"],
    )
    assert "overdue since 2026-02-01" in proposal["reason"]


async def test_an_overdue_major_hazard_with_work_stopped_proposes_nothing(registry):
    code = (await registry.register())["uscc"]
    await registry.deliver_hazard_event(overdue(code, "hz-1", at(2026, 2, 1), operating=False))
    await registry.consume()
    assert await proposals(registry) == []


async def test_accepting_a_proposal_lists_the_enterprise(registry):
    code = (await registry.register())["uscc"]
    await registry.assess(code, total=80)
    await registry.deliver_hazard_event(accident(code, "acc-1", at(2026, 1, 20), grade="serious", deaths=11))
    await registry.consume()
    [p] = await proposals(registry, status="pending")
    url = f"/registry/v1/proposals/{p['id']}/accept"
    problem(
        await registry.client.post(url, json={"decided_at": "2026-02-20T00:00:00Z"}, headers=registry.officer_a),
        422,
        "validation_error",
    )
    r = await registry.client.post(
        url,
        json={"penalty_decision_ref": "湖应急罚〔2026〕7号", "decided_at": "2026-02-20T00:00:00Z"},
        headers=registry.officer_a | {"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    accepted = r.json()
    assert (accepted["status"], accepted["decided_by"], accepted["version"]) == ("accepted", "officer-a", 2)
    entry = (await registry.client.get(f"/registry/v1/blacklist/{accepted['entry_id']}", headers=registry.admin)).json()
    assert (entry["situation"], entry["proposal_id"], entry["expires_at"]) == (
        "particularly_serious_or_serious_accident",
        p["id"],
        "2029-02-20T00:00:00Z",
    )
    ent = await registry.get(code)
    assert (ent["blacklisted"], ent["credit_class"]) == (True, None)
    [added] = await registry.outbox(ADDED)
    assert added["data"]["entry_id"] == entry["id"]
    problem(
        await registry.client.post(
            url, json={"penalty_decision_ref": "x", "decided_at": "2026-02-20T00:00:00Z"}, headers=registry.officer_a
        ),
        409,
        "invalid_transition",
    )
    r = await registry.client.post(
        f"/registry/v1/proposals/{p['id']}/dismiss", json={"reason": "x"}, headers=registry.officer_a
    )
    problem(r, 409, "invalid_transition")


async def test_the_officer_may_list_under_another_situation_of_the_rule_set(registry):
    code = (await registry.register())["uscc"]
    await registry.deliver_hazard_event(accident(code, "acc-1", at(2026, 1, 20), grade="serious", deaths=11))
    await registry.consume()
    [p] = await proposals(registry)
    body = {"penalty_decision_ref": "湖应急罚〔2026〕8号", "decided_at": "2026-02-20T00:00:00Z", "situation": "nope"}
    r = await registry.client.post(f"/registry/v1/proposals/{p['id']}/accept", json=body, headers=registry.officer_a)
    problem(r, 422, "unknown_situation")
    assert (await proposals(registry))[0]["status"] == "pending"
    body["situation"] = "concealed_or_false_accident_report"
    r = await registry.client.post(f"/registry/v1/proposals/{p['id']}/accept", json=body, headers=registry.officer_a)
    assert r.status_code == 200


async def test_dismissing_a_proposal_needs_a_reason_and_lists_nothing(registry):
    code = (await registry.register())["uscc"]
    await registry.deliver_hazard_event(accident(code, "acc-1", at(2026, 1, 20), grade="serious", deaths=11))
    await registry.consume()
    [p] = await proposals(registry)
    url = f"/registry/v1/proposals/{p['id']}/dismiss"
    problem(await registry.client.post(url, json={}, headers=registry.officer_a), 422, "validation_error")
    r = await registry.client.post(url, json={"reason": "事故责任不在本单位"}, headers=registry.officer_a)
    assert (r.json()["status"], r.json()["dismissal_reason"]) == ("dismissed", "事故责任不在本单位")
    assert await registry.outbox(ADDED) == []
    # The dismissed evidence is not proposed again; new evidence is.
    await registry.deliver_hazard_event(accident(code, "acc-1", at(2026, 1, 20), grade="serious", deaths=11))
    await registry.deliver_hazard_event(accident(code, "acc-9", at(2026, 2, 20), grade="serious", deaths=10))
    await registry.consume()
    assert [(x["status"], x["evidence_ids"]) for x in await proposals(registry)] == [
        ("pending", ["acc-1", "acc-9"]),
        ("dismissed", ["acc-1"]),
    ]


async def test_proposals_follow_the_officers_division(registry):
    code = (await registry.register(division_code="330503"))["uscc"]
    await registry.deliver_hazard_event(accident(code, "acc-1", at(2026, 1, 20), grade="serious", deaths=11))
    await registry.consume()
    [p] = await proposals(registry)
    wuxing = registry.as_("officer", "wuxing-1", division_code="330502")
    assert (await registry.client.get("/registry/v1/proposals", headers=wuxing)).json()["total"] == 0
    problem(await registry.client.get(f"/registry/v1/proposals/{p['id']}", headers=wuxing), 404, "proposal_not_found")
    r = await registry.client.post(f"/registry/v1/proposals/{p['id']}/dismiss", json={"reason": "x"}, headers=wuxing)
    problem(r, 404, "proposal_not_found")
    r = await registry.client.get(f"/registry/v1/proposals/{p['id']}", headers=registry.officer_a)
    assert r.headers["etag"] == '"1"'


async def test_facts_about_an_unknown_enterprise_are_kept_without_a_proposal(registry):
    await registry.deliver_hazard_event(
        accident("914403001922038216", "acc-1", at(2026, 1, 20), grade="serious", deaths=11)
    )
    assert await registry.consume() == 1
    assert await count(registry, RecordedAccident) == 1
    assert await proposals(registry) == []


async def test_an_accident_with_an_unknown_grade_goes_to_the_dead_letter_topic(registry):
    code = (await registry.register())["uscc"]
    await registry.deliver_hazard_event(accident(code, "acc-1", at(2026, 1, 20), grade="catastrophic"))
    await registry.consume()
    assert await count(registry, RecordedAccident) == 0
    [dead] = registry.transport.messages(dlq_topic(TOPIC_HAZARD))
    assert dead.header("dlq_error_type") == "PermanentError"
