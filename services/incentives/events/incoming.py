"""Handlers of the registry's events: each folds into the standing and pushes or lifts measures."""

from __future__ import annotations

from services.incentives.service.standings import apply_registry_event
from shared.contracts.registry import (
    BlacklistEntryAddedV1,
    BlacklistEntryRemovedV1,
    CreditClassChangedV1,
    EnterpriseRegisteredV1,
    EnterpriseUpdatedV1,
)
from shared.db.uow import UnitOfWork
from shared.errors import Invalid
from shared.messaging.dispatcher import Handlers, PermanentError
from shared.messaging.envelope import CloudEvent

handlers = Handlers()


@handlers.on(EnterpriseRegisteredV1)
@handlers.on(EnterpriseUpdatedV1)
@handlers.on(CreditClassChangedV1)
@handlers.on(BlacklistEntryAddedV1)
@handlers.on(BlacklistEntryRemovedV1)
async def on_registry_event(uow: UnitOfWork, event: CloudEvent, data) -> None:
    # The raw event data is folded (not the validated model): domain.standing reads the same
    # fields and refuses what it cannot order, which no retry would fix.
    try:
        await apply_registry_event(uow=uow, event=event)
    except Invalid as exc:
        raise PermanentError(f"{exc.code}: {exc.detail}") from exc
