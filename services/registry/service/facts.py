"""Facts from the hazard service: accidents and overdue hazards, kept once each, whatever the delivery order."""

from __future__ import annotations

from sqlmodel import select

from services.registry.domain.blacklist import AccidentGrade
from services.registry.models import OverdueHazard, RecordedAccident
from services.registry.service import access, proposals, standing
from shared.contracts.hazard import AccidentRecordedV1, HazardOverdueV1
from shared.db.uow import UnitOfWork
from shared.messaging.dispatcher import PermanentError

#: Who the registry says changed a standing because of the hazard service's events.
SYSTEM = "system:hazard-events"


async def record_accident(*, uow: UnitOfWork, data: AccidentRecordedV1) -> bool:
    """Keep an accident (once per accident id) and check what it changes; False when already known."""
    if data.grade not in {g.value for g in AccidentGrade}:
        raise PermanentError(f"unknown accident grade {data.grade!r}")
    known = (
        await uow.session.exec(
            select(RecordedAccident.accident_id).where(RecordedAccident.accident_id == data.accident_id)
        )
    ).first()
    if known is not None:
        return False  # the same accident announced again (a replay under another event id)
    uow.session.add(
        RecordedAccident(
            accident_id=data.accident_id,
            uscc=data.uscc,
            occurred_at=data.occurred_at,
            kind=data.kind,
            is_fire=data.is_fire,
            deaths=data.deaths,
            serious_injuries=data.serious_injuries,
            direct_loss=data.direct_loss,
            grade=data.grade,
            received_at=uow.now(),
        )
    )
    await uow.flush()
    if data.deaths > 0:
        # A fatal accident in the look-back takes the enterprise off the honour roll.
        ent = await access.find_enterprise(uow, data.uscc, lock=True)
        if ent is not None:
            await standing.save(uow, ent, {}, by=SYSTEM)
    await proposals.check_listing(uow, data.uscc)
    return True


async def record_overdue(*, uow: UnitOfWork, data: HazardOverdueV1) -> None:
    """Keep one row per overdue hazard: the earliest overdue time, and whether work ever went on meanwhile.

    Both are order-free (a minimum and an "ever"), so reminders arriving in any order, or twice,
    leave the same row.
    """
    row = (await uow.session.exec(select(OverdueHazard).where(OverdueHazard.hazard_id == data.hazard_id))).first()
    if row is None:
        row = OverdueHazard(
            hazard_id=data.hazard_id,
            uscc=data.uscc,
            level=data.level,
            deadline=data.deadline,
            overdue_since=data.overdue_since,
            operating=data.operating,
            received_at=uow.now(),
        )
    else:
        row.overdue_since = min(row.overdue_since, data.overdue_since)
        row.operating = row.operating or data.operating
        row.deadline = max(row.deadline, data.deadline)
    uow.session.add(row)
    await uow.flush()
    if row.level == "major":
        await proposals.check_listing(uow, data.uscc)
