"""Inbox: the record of events a consumer has handled, written in the handler's own transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.base import UTCDateTime


def inbox_table(metadata: MetaData, name: str = "inbox") -> Table:
    """The inbox table on a service's own metadata: one row per (consumer, source, event id)."""
    return Table(
        name,
        metadata,
        Column("consumer", String(100), nullable=False),
        Column("source", String(200), nullable=False),
        Column("event_id", String(64), nullable=False),
        Column("type", String(200), nullable=False),
        Column("received_at", UTCDateTime(), nullable=False),
        PrimaryKeyConstraint("consumer", "source", "event_id"),
    )


async def claim(
    session: AsyncSession,
    table: Table,
    *,
    dialect: str,
    consumer: str,
    source: str,
    event_id: str,
    type: str,
    now: datetime,
) -> bool:
    """Record the event as handled; False when it already was (a redelivery to skip).

    On PostgreSQL a concurrent claim of the same event waits for the first transaction and then
    finds the row, so two consumers can never both apply one event.
    """
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    stmt = ins.values(consumer=consumer, source=source, event_id=event_id, type=type, received_at=now)
    result = await session.execute(stmt.on_conflict_do_nothing())
    return (result.rowcount or 0) == 1
