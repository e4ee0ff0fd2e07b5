"""Deadlines that enforce themselves: the scheduled job behind the escalation ladder.

Every tick, on every replica, the job finds the hazards whose next ladder step is due and takes
it: a reminder before the deadline, ``overdue`` when it passes, a supervision letter (督办函) days
later, each once per deadline; and it flags completed work that waited too long for acceptance.
A step is taken in the same transaction that records it (a flag on the hazard and a row with a
unique key), so running the job again, or on two replicas at once, never repeats one.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import and_, or_, select
from sqlmodel import col

from services.hazard.domain.deadlines import EscalationStep, acceptance_late, due_steps
from services.hazard.domain.hazards import HazardStatus
from services.hazard.events import outgoing
from services.hazard.models import Escalation, Hazard
from services.hazard.service.views import WATCHED
from shared.logging import get_logger
from shared.service import ServiceContext

log = get_logger("anjian.hazard.deadlines")

#: The escalation recorded when acceptance has not happened within the ladder's limit.
ACCEPTANCE_OVERDUE = "acceptance_overdue"
_FLAGS = {
    EscalationStep.REMINDER: "reminder_sent_at",
    EscalationStep.OVERDUE: "overdue_since",
    EscalationStep.SUPERVISION_LETTER: "supervision_letter_at",
}


def _lock(stmt, ctx: ServiceContext):
    # Replicas skip the rows another one is handling instead of waiting for them.
    return stmt if ctx.db.sqlite else stmt.with_for_update(skip_locked=True)


async def enforce_deadlines(ctx: ServiceContext) -> dict[str, int]:
    """Take every ladder step that is due now; returns how many of each were taken."""
    taken: Counter[str] = Counter()
    await _deadline_steps(ctx, taken)
    await _acceptance_limits(ctx, taken)
    if taken:
        log.info("deadline steps taken", **taken)
    return dict(taken)


async def _deadline_steps(ctx: ServiceContext, taken: Counter) -> None:
    settings = ctx.settings
    ladder, tz = settings.ladder(), settings.tz_offset_hours
    last_id = ""
    while True:
        async with ctx.uow() as uow:
            now = uow.now()
            # ``overdue_at`` is the start of the day after the deadline, so each step's moment is a
            # fixed offset from it: exactly the rows with a step due now, through one index.
            remind_window = timedelta(days=ladder.reminder_days_before + 1)
            letter_after = timedelta(days=ladder.supervision_letter_after_days)
            due = or_(
                and_(
                    col(Hazard.reminder_sent_at).is_(None),
                    Hazard.overdue_at > now,
                    Hazard.overdue_at <= now + remind_window,
                ),
                and_(col(Hazard.overdue_since).is_(None), Hazard.overdue_at <= now),
                and_(col(Hazard.supervision_letter_at).is_(None), Hazard.overdue_at <= now - letter_after),
            )
            stmt = (
                select(Hazard)
                .where(col(Hazard.status).in_(WATCHED), col(Hazard.overdue_at).is_not(None), due, Hazard.id > last_id)
                .order_by(Hazard.id)
                .limit(settings.deadline_job_batch_size)
            )
            batch = (await uow.session.execute(_lock(stmt, ctx))).scalars().all()
            if not batch:
                return
            for h in batch:
                done = {step for step, flag in _FLAGS.items() if getattr(h, flag) is not None}
                steps = due_steps(h.deadline, now, done, ladder, tz)
                for step in steps:
                    setattr(h, _FLAGS[step], now)
                    uow.session.add(
                        Escalation(
                            hazard_id=h.id, step=step.value, basis=h.deadline.isoformat(), at=now, rule=ladder.rule_id
                        )
                    )
                    if step != EscalationStep.REMINDER:
                        # The registry weighs overdue hazards (and letters) in assessments and listings.
                        uow.publish(outgoing.hazard_overdue(h, step=step.value, rule=ladder.rule_id))
                    taken[step.value] += 1
                if steps:
                    h.version += 1
                    h.updated_at = now
                    uow.session.add(h)
            await uow.commit()
            last_id = batch[-1].id


async def _acceptance_limits(ctx: ServiceContext, taken: Counter) -> None:
    settings = ctx.settings
    ladder, tz = settings.ladder(), settings.tz_offset_hours
    last_id = ""
    while True:
        async with ctx.uow() as uow:
            now = uow.now()
            # Late only after the limit's last local day, so never before ``limit`` days have passed.
            stmt = (
                select(Hazard)
                .where(
                    Hazard.status == HazardStatus.AWAITING_ACCEPTANCE.value,
                    col(Hazard.acceptance_overdue_at).is_(None),
                    Hazard.completed_at <= now - timedelta(days=ladder.acceptance_limit_days),
                    Hazard.id > last_id,
                )
                .order_by(Hazard.id)
                .limit(settings.deadline_job_batch_size)
            )
            batch = (await uow.session.execute(_lock(stmt, ctx))).scalars().all()
            if not batch:
                return
            for h in batch:
                if not acceptance_late(h.completed_at, now, ladder, tz):
                    continue
                h.acceptance_overdue_at = now
                h.version += 1
                h.updated_at = now
                uow.session.add(h)
                uow.session.add(
                    Escalation(
                        hazard_id=h.id,
                        step=ACCEPTANCE_OVERDUE,
                        basis=h.completed_at.isoformat(),
                        at=now,
                        rule=ladder.rule_id,
                    )
                )
                taken[ACCEPTANCE_OVERDUE] += 1
            await uow.commit()
            last_id = batch[-1].id
