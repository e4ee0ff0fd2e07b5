"""Deadlines enforce themselves: the scheduled job, run again and again under a controlled clock,
takes each ladder step once - reminder, overdue (event), supervision letter (event) - and flags
acceptance that waits more than 10 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def run(hz, times: int = 1) -> dict:
    """Run the deadline job ``times`` times; the first run's result (the later ones must do nothing)."""
    first = await hz.ctx.run_job("deadlines")
    for _ in range(times - 1):
        assert await hz.ctx.run_job("deadlines") == {}
    return first


async def notice(hz, uscc: str, deadline: str, **hazard) -> str:
    h = await hz.hazard(uscc, **hazard)
    await hz.post(f"/hazard/v1/hazards/{h['id']}/notices", {"deadline": deadline, "measures": "限期整改"}, expect=201)
    return h["id"]


async def test_ladder_reminds_then_marks_overdue_then_sends_a_letter_each_exactly_once(hz):
    uscc = await hz.enterprise()
    hid = await notice(hz, uscc, "2026-01-10")
    assert await run(hz, 3) == {}
    # Deadline 2026-01-10 in China Standard Time: reminder from 01-07 00:00 local, overdue from
    # 01-11 00:00 local, supervision letter 7 days after that.
    for moment, expected in [
        (utc(2026, 1, 6, 15, 59, 59), {}),
        (utc(2026, 1, 6, 16, 0), {"reminder": 1}),
        (utc(2026, 1, 10, 15, 59, 59), {}),
        (utc(2026, 1, 10, 16, 0), {"overdue": 1}),
        (utc(2026, 1, 17, 15, 59, 59), {}),
        (utc(2026, 1, 17, 16, 0), {"supervision_letter": 1}),
        (utc(2026, 3, 1), {}),
    ]:
        hz.clock.set(moment)
        assert await run(hz, 3) == expected, moment
    detail = await hz.get(f"/hazard/v1/hazards/{hid}")
    assert [(e["step"], e["basis"], e["rule"]) for e in detail["escalations"]] == [
        ("reminder", "2026-01-10", "hazard_escalation@1"),
        ("overdue", "2026-01-10", "hazard_escalation@1"),
        ("supervision_letter", "2026-01-10", "hazard_escalation@1"),
    ]
    assert detail["overdue"] is True
    assert detail["reminder_sent_at"] == "2026-01-06T16:00:00Z"
    assert detail["overdue_since"] == "2026-01-10T16:00:00Z"
    assert detail["supervision_letter_at"] == "2026-01-17T16:00:00Z"
    events = await hz.outbox("hazard.hazard.overdue.v1")
    assert [(e["data"]["step"], e["data"]["deadline"], e["data"]["overdue_since"]) for e in events] == [
        ("overdue", "2026-01-10", "2026-01-10T16:00:00Z"),
        ("supervision_letter", "2026-01-10", "2026-01-10T16:00:00Z"),
    ]
    assert all(e["data"]["operating"] is True and e["key"] == uscc for e in events)
    wire = await hz.delivered("hazard.hazard.overdue.v1")
    assert [orjson.loads(m.value)["step"] for m in wire] == ["overdue", "supervision_letter"]


async def test_a_reminder_missed_until_the_deadline_passed_is_skipped(hz):
    uscc = await hz.enterprise()
    hid = await notice(hz, uscc, "2026-01-02")
    hz.clock.set(utc(2026, 1, 20))
    assert await run(hz, 2) == {"overdue": 1, "supervision_letter": 1}
    steps = [e["step"] for e in (await hz.get(f"/hazard/v1/hazards/{hid}"))["escalations"]]
    assert steps == ["overdue", "supervision_letter"]


async def test_granted_extension_starts_a_fresh_ladder_on_the_new_deadline(hz):
    uscc = await hz.enterprise()
    hid = await notice(hz, uscc, "2026-01-10")
    hz.clock.set(utc(2026, 1, 12))
    assert await run(hz) == {"overdue": 1}
    base = f"/hazard/v1/hazards/{hid}"
    ext = await hz.post(f"{base}/extensions", {"deadline": "2026-02-10", "reason": "设备采购"}, expect=201)
    await hz.post(f"{base}/extensions/{ext['id']}/grant", {"note": "同意"})
    detail = await hz.get(base)
    assert detail["overdue"] is False and detail["overdue_since"] is None
    assert await run(hz, 2) == {}
    hz.clock.set(utc(2026, 2, 10, 16, 0))
    assert await run(hz, 2) == {"overdue": 1}  # the reminder window passed while the clock jumped
    escalations = [(e["step"], e["basis"]) for e in (await hz.get(base))["escalations"]]
    assert escalations == [("overdue", "2026-01-10"), ("overdue", "2026-02-10")]


async def test_completed_work_is_not_marked_overdue_while_it_awaits_acceptance(hz):
    uscc = await hz.enterprise()
    hid = await notice(hz, uscc, "2026-01-05")
    await hz.post(f"/hazard/v1/hazards/{hid}/completion", {"evidence": ["照片"]})
    hz.clock.set(utc(2026, 1, 8))
    assert await run(hz) == {}
    assert (await hz.get(f"/hazard/v1/hazards/{hid}"))["overdue"] is False


async def test_acceptance_later_than_10_days_after_completion_is_flagged_once_and_recorded(hz):
    uscc = await hz.enterprise()
    hid = await notice(hz, uscc, "2026-03-01")
    hz.clock.set(utc(2026, 1, 5, 2, 0))  # 10:00 on 5 January, local time
    done = await hz.post(f"/hazard/v1/hazards/{hid}/completion", {"evidence": ["照片"]})
    assert done["acceptance_due_by"] == "2026-01-15"
    hz.clock.set(utc(2026, 1, 15, 15, 59, 59))  # 23:59:59 on the 15th, local: still on time
    assert await run(hz) == {}
    hz.clock.set(utc(2026, 1, 15, 16, 0))
    assert await run(hz, 3) == {"acceptance_overdue": 1}
    flagged = await hz.get(f"/hazard/v1/hazards/{hid}")
    assert flagged["acceptance_overdue"] is True
    assert flagged["escalations"][-1]["step"] == "acceptance_overdue"
    closed = await hz.post(f"/hazard/v1/hazards/{hid}/acceptance", {"passed": True, "note": "合格"})
    assert closed["acceptance_late"] is True and closed["acceptance_overdue"] is False
    assert closed["overdue"] is False


async def test_job_works_through_many_hazards_in_batches(hz):
    hz.ctx.settings.deadline_job_batch_size = 2
    uscc = await hz.enterprise()
    ids = [await notice(hz, uscc, "2026-01-03") for _ in range(5)]
    hz.clock.advance(timedelta(days=5))
    assert await run(hz, 2) == {"overdue": 5}
    assert len(await hz.outbox("hazard.hazard.overdue.v1")) == 5
    page = await hz.get("/hazard/v1/hazards", overdue="true")
    assert {i["id"] for i in page["items"]} == set(ids)


async def test_overdue_event_of_a_suspended_major_hazard_says_work_is_not_operating(hz):
    uscc = await hz.enterprise()
    hid = await notice(hz, uscc, "2026-01-03", level="major", work_suspended=True)
    await hz.post(f"/hazard/v1/hazards/{hid}/listing")
    hz.clock.set(utc(2026, 1, 4))
    assert await run(hz) == {"overdue": 1}
    [event] = await hz.outbox("hazard.hazard.overdue.v1")
    assert event["data"]["operating"] is False and event["data"]["listed"] is True and event["data"]["level"] == "major"
