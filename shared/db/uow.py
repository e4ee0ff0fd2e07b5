"""Unit of work: one transaction that commits state and its outbox rows together.

Service functions take a unit of work, change state through ``uow.session``, record integration
events with ``uow.publish(...)`` and call ``await uow.commit()``. Nothing is published from inside
the transaction: the outbox rows are written with the state, and the relay is woken after commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Table
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.clock import Clock, SystemClock
from shared.contracts import EventData
from shared.db.engine import Database
from shared.ids import new_id
from shared.logging import request_id_var
from shared.messaging import inbox as inbox_mod
from shared.messaging.envelope import CloudEvent
from shared.messaging.outbox import insert_sql, outbox_row

if TYPE_CHECKING:
    from shared.service import ServiceContext


class UnitOfWork:
    """A session plus the events recorded in it; use as ``async with ctx.uow() as uow``."""

    def __init__(
        self,
        db: Database,
        *,
        source: str,
        outbox: Table | None = None,
        inbox: Table | None = None,
        clock: Clock | None = None,
        write: bool = True,
        ctx: ServiceContext | None = None,
    ) -> None:
        self.db = db
        self.source = source
        self.outbox = outbox
        self.inbox = inbox
        self.clock = clock or SystemClock()
        self.write = write
        self.ctx = ctx
        self.session: AsyncSession = None  # type: ignore[assignment]
        self.events: list[CloudEvent] = []
        self._pending: list[tuple] = []
        self._held = 0
        self._held_commit = False

    async def __aenter__(self) -> UnitOfWork:
        self.session = self.db.session(write=self.write)
        return self

    async def __aexit__(self, exc_type, exc, tb) -> None:
        try:
            await self.session.rollback()  # a no-op after commit; undoes anything uncommitted
        finally:
            await self.session.close()
            self._pending.clear()

    def now(self) -> datetime:
        return self.clock.now()

    def publish(self, data: EventData, *, subject: str | None = None, time: datetime | None = None) -> CloudEvent:
        """Record an integration event; it is written to the outbox with the transaction."""
        if self.outbox is None:
            raise RuntimeError(f"{self.source} has no outbox")
        subject = subject if subject is not None else data.subject()
        ext = {"requestid": rid} if (rid := request_id_var.get()) else {}
        ev = CloudEvent(
            id=new_id(),
            source=self.source,
            type=data.event_type,
            subject=subject,
            time=time or self.now(),
            data=data.model_dump(mode="json"),
            extensions=ext,
        )
        self._pending.append(outbox_row(ev, data.topic, subject, ev.time, sqlite=self.db.sqlite))
        self.events.append(ev)
        return ev

    async def claim_inbox(self, *, consumer: str, event: CloudEvent) -> bool:
        """Record an incoming event as handled in this transaction; False if it was already."""
        if self.inbox is None:
            raise RuntimeError(f"{self.source} has no inbox")
        return await inbox_mod.claim(
            self.session,
            self.inbox,
            dialect=self.db.dialect,
            consumer=consumer,
            source=event.source,
            event_id=event.id,
            type=event.type,
            now=self.now(),
        )

    async def flush(self) -> None:
        await self.session.flush()

    async def commit(self) -> None:
        """Write pending outbox rows and commit; then wake the relay."""
        if self._held:
            await self.session.flush()
            self._held_commit = True
            return
        wrote = bool(self._pending)
        if self._pending:
            # The driver's bulk insert: events are the hot write path of every use case and import.
            conn = await self.session.connection()
            await conn.exec_driver_sql(insert_sql(self.outbox.name, self.db.dialect), self._pending)
            self._pending.clear()
        await self.session.commit()
        if wrote:
            self.db.committed()

    async def rollback(self) -> None:
        self._pending.clear()
        await self.session.rollback()

    @asynccontextmanager
    async def hold_commit(self) -> AsyncIterator[None]:
        """Turn inner ``commit()`` calls into flushes, so the caller can add to the same transaction.

        Used by idempotency keys: the stored answer commits atomically with the effect it answers.
        """
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1

    @property
    def commit_requested(self) -> bool:
        return self._held_commit
