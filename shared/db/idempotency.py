"""Idempotency keys: a retried POST gets the first answer, recorded in the same transaction as its effect."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Integer, LargeBinary, MetaData, PrimaryKeyConstraint, String, Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.base import UTCDateTime
from shared.errors import Invalid


def idempotency_table(metadata: MetaData, name: str = "idempotency_keys") -> Table:
    return Table(
        name,
        metadata,
        Column("scope", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("request_hash", String(64), nullable=False),
        Column("status_code", Integer(), nullable=False),
        Column("response", LargeBinary(), nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        PrimaryKeyConstraint("scope", "key"),
    )


async def lookup(
    session: AsyncSession, table: Table, *, scope: str, key: str, request_hash: str
) -> tuple[int, bytes] | None:
    """The stored answer for this key, or None; a key reused for another request is 422."""
    row = (
        await session.execute(
            select(table.c.request_hash, table.c.status_code, table.c.response).where(
                table.c.scope == scope, table.c.key == key
            )
        )
    ).first()
    if row is None:
        return None
    if row.request_hash != request_hash:
        raise Invalid(
            "this Idempotency-Key was already used for a different request",
            code="idempotency_key_reused",
            errors=[{"field": "Idempotency-Key", "message": "reused"}],
        )
    return row.status_code, bytes(row.response)


async def remember(
    session: AsyncSession,
    table: Table,
    *,
    scope: str,
    key: str,
    request_hash: str,
    status_code: int,
    response: bytes,
    now: datetime,
) -> None:
    await session.execute(
        table.insert().values(
            scope=scope, key=key, request_hash=request_hash, status_code=status_code, response=response, created_at=now
        )
    )
