"""Scheduled jobs that run whether or not anyone uses the system: blacklist expiry and the honour roll."""

from datetime import timedelta

from services.registry.service.blacklist import expire_due
from shared.contracts.hazard import AccidentRecordedV1
from shared.contracts.registry import BlacklistEntryRemovedV1, CreditClassChangedV1, EnterpriseUpdatedV1

REMOVED = BlacklistEntryRemovedV1.event_type
CHANGED = CreditClassChangedV1.event_type
UPDATED = EnterpriseUpdatedV1.event_type


async def test_listing_expires_at_the_end_of_its_term_once_however_often_the_job_runs(registry):
    code = (await registry.register())["uscc"]
    await registry.assess(code, total=80)
    entry = await registry.list_(code)
    assert entry["expires_at"] == "2029-03-01T02:00:00Z"

    registry.clock.set(registry.clock.now().replace(year=2029) - timedelta(seconds=1))
    assert await registry.ctx.run_job("blacklist_expiry") == 0
    assert (await registry.get(code))["blacklisted"] is True

    registry.clock.advance(timedelta(hours=5))  # the job ran late: the listing ended at its term anyway
    assert await registry.ctx.run_job("blacklist_expiry") == 1
    assert await registry.ctx.run_job("blacklist_expiry") == 0
    assert await expire_due(registry.ctx) == 0

    ent = await registry.get(code)
    assert (ent["blacklisted"], ent["credit_class"]) == (False, "B")
    e = (await registry.client.get(f"/registry/v1/blacklist/{entry['id']}", headers=registry.admin)).json()
    assert (e["status"], e["ended_at"]) == ("expired", "2029-03-01T02:00:00Z")
    [removed] = await registry.outbox(REMOVED)
    assert removed["data"] == {
        "uscc": code,
        "entry_id": entry["id"],
        "reason": "expired",
        "removed_at": "2029-03-01T02:00:00Z",
    }
    back = (await registry.outbox(CHANGED))[-1]["data"]
    assert (back["old_class"], back["new_class"], back["effective_at"]) == (None, "B", "2029-03-01T06:59:59Z")
    assert [ev.data["reason"] for ev in await registry.delivered(REMOVED)] == ["expired"]
    assert (await registry.client.get("/public/v1/blacklist")).json()["total"] == 0


async def test_publication_stops_at_the_term_even_before_the_job_runs(registry):
    code = (await registry.register())["uscc"]
    await registry.list_(code)
    registry.clock.advance(timedelta(days=3 * 366))
    assert (await registry.client.get("/public/v1/blacklist")).json()["total"] == 0


async def test_legacy_listing_expires_after_one_year(registry):
    code = (await registry.register())["uscc"]
    await registry.list_(code, rule_set="saws-2017-49", situation="evading_supervision")
    registry.clock.advance(timedelta(days=364))
    assert await registry.ctx.run_job("blacklist_expiry") == 0
    registry.clock.advance(timedelta(days=2))
    assert await registry.ctx.run_job("blacklist_expiry") == 1
    assert (await registry.get(code))["blacklisted"] is False


async def test_a_repaired_listing_is_not_expired_again(registry):
    code = (await registry.register())["uscc"]
    entry = await registry.list_(code)
    registry.clock.advance(timedelta(days=400))
    app = await registry.client.post(
        f"/registry/v1/blacklist/{entry['id']}/repair-applications",
        json={"commitment": "承诺", "evidence": ["凭证"]},
        headers=registry.officer_a,
    )
    await registry.client.post(
        f"/registry/v1/repair-applications/{app.json()['id']}/approve", headers=registry.officer_b
    )
    registry.clock.advance(timedelta(days=3 * 366))
    assert await registry.ctx.run_job("blacklist_expiry") == 0
    assert [r["data"]["reason"] for r in await registry.outbox(REMOVED)] == ["repaired"]


async def test_honour_roll_follows_the_grade_and_the_look_back_without_anyone_acting(registry):
    code = (await registry.register())["uscc"]
    await registry.assess(code, total=95)  # A, grade 1 valid until 2029-03-01
    assert (await registry.get(code))["honour_roll"] is True
    assert await registry.ctx.run_job("honour_roll") == 0

    registry.clock.set(registry.clock.now().replace(year=2029, month=3, day=2))
    assert await registry.ctx.run_job("honour_roll") == 1
    assert await registry.ctx.run_job("honour_roll") == 0
    ent = await registry.get(code)
    assert (ent["standardization_status"], ent["honour_roll"]) == ("expired", False)
    assert (await registry.outbox(UPDATED))[-1]["data"] == {"uscc": code, "changed": {"honour_roll": False}}
    assert (await registry.client.get("/public/v1/honour-roll")).json()["total"] == 0


async def test_a_fatal_accident_keeps_an_enterprise_off_the_roll_for_three_years(registry):
    code = (await registry.register())["uscc"]
    await registry.assess(code, period="2025", total=95)
    roll = (await registry.client.get("/public/v1/honour-roll")).json()
    assert [i["uscc"] for i in roll["items"]] == [code]
    assert roll["items"][0] == {
        "uscc": code,
        "name": "湖州测试制造有限公司",
        "credit_class": "A",
        "standardization_grade": 1,
        "since": "2026-03-01",
    }
    await registry.deliver_hazard_event(
        AccidentRecordedV1(
            accident_id="acc-1",
            uscc=code,
            occurred_at=registry.clock.now(),
            kind="fall_from_height",
            is_fire=False,
            deaths=1,
            serious_injuries=0,
            direct_loss="1200000.00",
            grade="general",
        )
    )
    await registry.consume()
    assert (await registry.get(code))["honour_roll"] is False
    assert (await registry.outbox(UPDATED))[-1]["data"]["changed"] == {"honour_roll": False}
    # A new grade-1 review two and a half years on: still within the look-back.
    registry.clock.advance(timedelta(days=900))
    await registry.assess(code, period="2028", total=95)
    assert (await registry.get(code))["honour_roll"] is False
    registry.clock.advance(timedelta(days=200))
    assert await registry.ctx.run_job("honour_roll") == 1
    assert (await registry.get(code))["honour_roll"] is True
