"""Handlers of consumed events: the registry's enterprises, their classes and listings.

Handlers write with ``uow.session``; the dispatcher commits them with the inbox row, so each
event takes effect once even when it is delivered again.
"""

from __future__ import annotations

from services.grid.service import enterprises
from shared.contracts.registry import (
    BlacklistEntryAddedV1,
    BlacklistEntryRemovedV1,
    CreditClassChangedV1,
    EnterpriseRegisteredV1,
    EnterpriseUpdatedV1,
)
from shared.db.uow import UnitOfWork
from shared.messaging.dispatcher import Handlers
from shared.messaging.envelope import CloudEvent

handlers = Handlers()


@handlers.on(EnterpriseRegisteredV1)
async def on_enterprise_registered(uow: UnitOfWork, event: CloudEvent, data: EnterpriseRegisteredV1) -> None:
    """Keep the enterprise and place it in the cell its township and village name."""
    await enterprises.apply_registered(uow=uow, data=data, at=event.time)


@handlers.on(EnterpriseUpdatedV1)
async def on_enterprise_updated(uow: UnitOfWork, event: CloudEvent, data: EnterpriseUpdatedV1) -> None:
    """Apply a changed location (which may move an automatically placed enterprise)."""
    await enterprises.apply_updated(uow=uow, data=data, at=event.time)


@handlers.on(CreditClassChangedV1)
async def on_credit_class_changed(uow: UnitOfWork, event: CloudEvent, data: CreditClassChangedV1) -> None:
    """The class sets how often the enterprise is inspected."""
    await enterprises.apply_class_changed(uow=uow, data=data, at=event.time)


@handlers.on(BlacklistEntryAddedV1)
async def on_blacklist_entry_added(uow: UnitOfWork, event: CloudEvent, data: BlacklistEntryAddedV1) -> None:
    """A listed enterprise is inspected at least monthly."""
    await enterprises.apply_blacklist(uow=uow, data=data, at=event.time, event_id=event.id)


@handlers.on(BlacklistEntryRemovedV1)
async def on_blacklist_entry_removed(uow: UnitOfWork, event: CloudEvent, data: BlacklistEntryRemovedV1) -> None:
    await enterprises.apply_blacklist(uow=uow, data=data, at=event.time, event_id=event.id)
