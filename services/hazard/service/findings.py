"""Grid findings (grid.finding.recorded.v1) become hazards, once each.

The grid and the registry publish on different topics, so a finding can arrive before the
registration of its enterprise. Such a finding is parked, not refused: dead-lettering it would
need a person to redrive it, and a placeholder enterprise would put the hazard in no area and no
one's scope. When the registration arrives, the parked findings of that enterprise become hazards
in the same transaction (``release_parked``).
"""

from __future__ import annotations

import orjson
from sqlalchemy import delete, select

from services.hazard.domain.hazards import HazardLevel, HazardSource, MajorBasis, validate_new_hazard
from services.hazard.models import Enterprise, Hazard, ParkedFinding
from services.hazard.service.enterprises import normalize_uscc
from services.hazard.service.hazards import NewHazard, create_hazard
from shared.contracts.grid import FindingRecordedV1
from shared.db.uow import UnitOfWork
from shared.errors import Invalid
from shared.logging import get_logger
from shared.messaging.dispatcher import PermanentError

log = get_logger("anjian.hazard.findings")


def _new_hazard(data: FindingRecordedV1) -> NewHazard:
    basis = MajorBasis(**data.major_basis) if data.major_basis else None
    return NewHazard(
        uscc=normalize_uscc(data.uscc),
        source=HazardSource.GRID_INSPECTION,
        description=data.description,
        level=HazardLevel(data.level),
        major_basis=basis,
        found_at=data.found_at,
        found_by=data.found_by,
        cell_id=data.cell_id,
        cell_path=tuple(data.cell_path),
        finding_id=data.finding_id,
        created_by=data.found_by,
        created_by_role="grid_worker",
    )


async def record_finding(*, uow: UnitOfWork, data: FindingRecordedV1, event_id: str) -> Hazard | None:
    """Register the finding's hazard, or park it until its enterprise is known; does not commit."""
    try:
        new = _new_hazard(data)
        validate_new_hazard(new.level, new.major_basis)
    except (Invalid, TypeError, ValueError) as exc:
        # A major finding without its basis can never become a hazard here: the grid must correct it.
        raise PermanentError(f"finding {data.finding_id} cannot become a hazard: {exc}") from exc
    if await _hazard_for(uow, data.finding_id) is not None:
        return None  # the same finding, re-published under another event id
    ent = await uow.session.get(Enterprise, new.uscc)
    if ent is None or not ent.known:
        if await uow.session.get(ParkedFinding, data.finding_id) is None:
            uow.session.add(
                ParkedFinding(
                    finding_id=data.finding_id,
                    uscc=new.uscc,
                    payload=data.model_dump_json(),
                    event_id=event_id,
                    received_at=uow.now(),
                )
            )
            log.info("finding parked until its enterprise is known", finding=data.finding_id, uscc=new.uscc)
        return None
    h, _ = await create_hazard(uow, new)
    return h


async def release_parked(*, uow: UnitOfWork, uscc: str) -> int:
    """Turn the parked findings of an enterprise that is now known into hazards; does not commit."""
    ent = await uow.session.get(Enterprise, uscc)
    if ent is None or not ent.known:
        return 0
    parked = (
        (
            await uow.session.execute(
                select(ParkedFinding).where(ParkedFinding.uscc == uscc).order_by(ParkedFinding.received_at)
            )
        )
        .scalars()
        .all()
    )
    made = 0
    for p in parked:
        data = FindingRecordedV1.model_validate(orjson.loads(p.payload))
        if await _hazard_for(uow, data.finding_id) is None:
            await create_hazard(uow, _new_hazard(data))
            made += 1
    if parked:
        await uow.session.execute(delete(ParkedFinding).where(ParkedFinding.uscc == uscc))
    return made


async def _hazard_for(uow: UnitOfWork, finding_id: str) -> str | None:
    stmt = select(Hazard.id).where(Hazard.finding_id == finding_id)
    return (await uow.session.execute(stmt)).scalar_one_or_none()
