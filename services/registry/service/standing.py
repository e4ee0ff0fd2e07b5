"""An enterprise's standing: every write to an enterprise goes through ``save``.

``save`` writes the changed fields with a version bump (``UPDATE ... WHERE version = :read``, so a
concurrent writer is detected, never overwritten), keeps the honour roll in step with the new state,
and records what others must learn: a class change goes to the credit history and out as
``registry.credit_class.changed.v1``; other changed fields go out as ``registry.enterprise.updated.v1``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import select

from services.registry.domain.calendar import local_date
from services.registry.domain.months import add_months
from services.registry.domain.rewards import SAWS_2017_133, HonourRollFacts, honour_roll_eligible
from services.registry.domain.standardization import (
    DEFAULT_STANDARDIZATION_RULES,
    StandardizationStatus,
    standardization_status,
)
from services.registry.events import outgoing
from services.registry.models import Assessment, BlacklistEntry, CreditChange, Enterprise, RecordedAccident
from shared.db.uow import UnitOfWork
from shared.errors import PreconditionFailed

#: Fields that are not announced in ``enterprise.updated`` (the class has its own event; the
#: listing has the blacklist events; the rest is bookkeeping).
_UNANNOUNCED = frozenset(
    {"credit_class", "credit_score", "last_class", "last_assessment_id", "blacklisted", "honour_roll_since"}
)


def certificate_status(ent: Enterprise | dict[str, Any], now: datetime) -> StandardizationStatus:
    """The standardization certificate's status today (a revoked one stays revoked until a new grade)."""
    get = ent.get if isinstance(ent, dict) else lambda k: getattr(ent, k)
    return standardization_status(
        get("standardization_grade"),
        get("standardization_valid_until"),
        local_date(now),
        DEFAULT_STANDARDIZATION_RULES,
        blacklisted=bool(get("standardization_revoked")),
    )


async def save(
    uow: UnitOfWork,
    ent: Enterprise,
    values: dict[str, Any],
    *,
    by: str,
    reason: str = "",
    assessment_id: str | None = None,
    entry_id: str | None = None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Write the fields of ``values`` that differ, with their consequences; returns what changed."""
    now = uow.now()
    state = {c: getattr(ent, c) for c in Enterprise.model_fields} | values
    values = dict(values) | await _honour_roll(uow, state, now)
    changed = {k: v for k, v in values.items() if getattr(ent, k) != v}
    if not changed:
        if expected_version is not None and expected_version != ent.version:
            raise _stale(ent.version, expected_version)
        return {}
    expected = ent.version if expected_version is None else expected_version
    old_class = ent.credit_class
    result = await uow.session.execute(
        update(Enterprise)
        .where(Enterprise.id == ent.id, Enterprise.version == expected)
        .values(**changed, version=expected + 1, updated_at=now)
        .execution_options(synchronize_session="evaluate")
    )
    if result.rowcount != 1:
        raise _stale(ent.version, expected)
    if "credit_class" in changed:
        _record_class_change(uow, ent, old_class, by=by, reason=reason, assessment_id=assessment_id, entry_id=entry_id)
    announced = {k: v for k, v in changed.items() if k not in _UNANNOUNCED}
    if announced:
        uow.publish(outgoing.updated(ent.uscc, announced))
    return changed


def _stale(current: int, expected: int) -> PreconditionFailed:
    return PreconditionFailed(
        f"the enterprise is at version {current}, not {expected}; read it again",
        code="version_mismatch",
        current_version=current,
    )


def _record_class_change(
    uow: UnitOfWork,
    ent: Enterprise,
    old_class: str | None,
    *,
    by: str,
    reason: str,
    assessment_id: str | None,
    entry_id: str | None,
) -> None:
    now = uow.now()
    # The score explains the class it produced; a listed enterprise has no class, so no score either.
    score = ent.credit_score if ent.credit_class is not None else None
    uow.session.add(
        CreditChange(
            uscc=ent.uscc,
            old_class=old_class,
            new_class=ent.credit_class,
            score=score,
            reason=reason,
            assessment_id=assessment_id,
            entry_id=entry_id,
            effective_at=now,
            recorded_by=by,
        )
    )
    uow.publish(
        outgoing.class_changed(
            ent.uscc,
            old_class=old_class,
            new_class=ent.credit_class,
            score=score,
            reason=reason,
            assessment_id=assessment_id,
            effective_at=now,
        )
    )


async def _honour_roll(uow: UnitOfWork, state: dict[str, Any], now: datetime) -> dict[str, Any]:
    """``honour_roll`` (and since when) for the enterprise's new state, under SAWS 2017 No. 133."""
    rules = SAWS_2017_133
    status = certificate_status(state, now)
    grade = (
        state["standardization_grade"]
        if status in (StandardizationStatus.VALID, StandardizationStatus.EXPIRING)
        else None
    )
    candidate = (
        state["credit_class"] == rules.required_class and grade == rules.required_grade and not state["blacklisted"]
    )
    if not candidate:
        eligible = False
    else:
        eligible = honour_roll_eligible(await _lookback_facts(uow, state, grade, now), rules).eligible
    if eligible == state["honour_roll"]:
        return {}
    return {"honour_roll": eligible, "honour_roll_since": local_date(now) if eligible else None}


async def _lookback_facts(uow: UnitOfWork, state: dict[str, Any], grade: int | None, now: datetime) -> HonourRollFacts:
    """What the registry knows of the last 3 years: recorded accidents, assessments' facts, listings."""
    since = add_months(now, -12 * SAWS_2017_133.lookback_years)
    uscc = state["uscc"]
    s = uow.session
    fatal = (
        await s.exec(
            select(func.count())
            .select_from(RecordedAccident)
            .where(RecordedAccident.uscc == uscc, RecordedAccident.deaths > 0, RecordedAccident.occurred_at >= since)
        )
    ).one()
    listings = (
        await s.exec(
            select(func.count())
            .select_from(BlacklistEntry)
            .where(BlacklistEntry.uscc == uscc, BlacklistEntry.decided_at >= since, BlacklistEntry.status != "revoked")
        )
    ).one()
    assessments = (
        await s.exec(
            select(Assessment)
            .where(Assessment.uscc == uscc, Assessment.status == "effective", Assessment.decided_at >= since)
            .order_by(Assessment.period.desc(), Assessment.decided_at.desc())
        )
    ).all()
    latest = next(
        (a for a in assessments if a.id == state["last_assessment_id"]), assessments[0] if assessments else None
    )
    return HonourRollFacts(
        credit_class=state["credit_class"],
        standardization_grade=grade,
        blacklisted=state["blacklisted"],
        public_commitment_signed=bool(latest and latest.facts.get("public_commitment_signed")),
        fatal_accidents=fatal + sum(a.facts.get("fatal_accidents", 0) for a in assessments),
        penalties=sum(a.facts.get("penalties", 0) for a in assessments),
        blacklist_entries=listings,
    )


async def refresh_honour_roll(ctx) -> int:
    """The scheduled job: re-check the roll for what time alone changes; returns how many flipped.

    A grade lapses and a penalty or accident leaves the 3-year look-back without any event, so the
    candidates (on the roll, or A class with a grade 1 certificate) are checked at each run. A run
    writes only what changed, so it is idempotent and safe on every replica.
    """
    async with ctx.uow(write=False) as uow:
        candidates = (
            await uow.session.exec(
                select(Enterprise.uscc).where(
                    (Enterprise.honour_roll.is_(True))
                    | (
                        (Enterprise.credit_class == SAWS_2017_133.required_class.value)
                        & (Enterprise.standardization_grade == SAWS_2017_133.required_grade)
                        & Enterprise.blacklisted.is_(False)
                        & Enterprise.standardization_revoked.is_(False)
                    )
                )
            )
        ).all()
    flipped = 0
    for uscc in candidates:
        async with ctx.uow() as uow:
            ent = (await uow.session.exec(select(Enterprise).where(Enterprise.uscc == uscc).with_for_update())).first()
            if ent is not None and await save(uow, ent, {}, by="system:honour-roll"):
                await uow.commit()
                flipped += 1
    return flipped
