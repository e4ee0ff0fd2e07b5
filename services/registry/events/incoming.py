"""Events the registry consumes: the hazard service's accidents and overdue hazards (issue 5)."""

from __future__ import annotations

from services.registry.service import facts
from shared.contracts.hazard import AccidentRecordedV1, HazardOverdueV1
from shared.db.uow import UnitOfWork
from shared.messaging.dispatcher import Handlers
from shared.messaging.envelope import CloudEvent

handlers = Handlers()


@handlers.on(AccidentRecordedV1)
async def on_accident_recorded(uow: UnitOfWork, event: CloudEvent, data: AccidentRecordedV1) -> None:
    await facts.record_accident(uow=uow, data=data)


@handlers.on(HazardOverdueV1)
async def on_hazard_overdue(uow: UnitOfWork, event: CloudEvent, data: HazardOverdueV1) -> None:
    await facts.record_overdue(uow=uow, data=data)
