"""Handlers of consumed events: the registry's enterprises, the grid's findings and placements.

Handlers write with ``uow.session`` and may publish; the dispatcher commits them together with
the inbox row, so each event takes effect once even when it is delivered again.
"""

from __future__ import annotations

from services.hazard.service import enterprises, findings
from shared.contracts.grid import EnterprisePlacedV1, FindingRecordedV1
from shared.contracts.registry import EnterpriseRegisteredV1, EnterpriseUpdatedV1
from shared.db.uow import UnitOfWork
from shared.messaging.dispatcher import Handlers
from shared.messaging.envelope import CloudEvent

handlers = Handlers()


@handlers.on(EnterpriseRegisteredV1)
async def on_enterprise_registered(uow: UnitOfWork, event: CloudEvent, data: EnterpriseRegisteredV1) -> None:
    """Keep the enterprise's location and category; release findings parked for it."""
    ent = await enterprises.apply_registered(uow=uow, data=data, at=event.time)
    await findings.release_parked(uow=uow, uscc=ent.uscc)


@handlers.on(EnterpriseUpdatedV1)
async def on_enterprise_updated(uow: UnitOfWork, event: CloudEvent, data: EnterpriseUpdatedV1) -> None:
    """Apply changed location or category; release findings parked for it."""
    ent = await enterprises.apply_updated(uow=uow, data=data, at=event.time)
    await findings.release_parked(uow=uow, uscc=ent.uscc)


@handlers.on(FindingRecordedV1)
async def on_finding_recorded(uow: UnitOfWork, event: CloudEvent, data: FindingRecordedV1) -> None:
    """Turn a grid finding into a hazard (or park it until its enterprise is known)."""
    await findings.record_finding(uow=uow, data=data, event_id=event.id)


@handlers.on(EnterprisePlacedV1)
async def on_enterprise_placed(uow: UnitOfWork, event: CloudEvent, data: EnterprisePlacedV1) -> None:
    """Keep which grid cells the enterprise sits in, for grid workers' scope."""
    await enterprises.apply_placed(uow=uow, data=data, event_id=event.id)
