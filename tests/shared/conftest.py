"""A tiny service used to test the platform itself: its events increment a counter per key.

The counter is deliberately not idempotent on its own, so an event applied twice shows up.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from shared.contracts import EventData, event
from shared.db.base import service_metadata
from shared.db.idempotency import idempotency_table
from shared.messaging.dispatcher import Handlers, PermanentError
from shared.messaging.inbox import inbox_table
from shared.messaging.outbox import outbox_table
from shared.service import ConsumerSpec, ServiceContext, ServiceSpec
from shared.settings import ServiceSettings
from shared.testing.fixtures import settings_for

TOPIC = "test.platform.v1"


@event
class PingV1(EventData):
    event_type = "test.ping.v1"
    topic = TOPIC
    uscc: str
    n: int
    poison: bool = False


metadata = service_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
idempotency = idempotency_table(metadata)
totals = Table(
    "totals", metadata, Column("key", String(40), primary_key=True), Column("count", Integer, nullable=False)
)
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(40)),
    Column("n", Integer),
)

handlers = Handlers()


@handlers.on(PingV1)
async def count_ping(uow, event, data: PingV1) -> None:
    if data.poison:
        raise RuntimeError(f"cannot handle ping {data.n}")
    dialect = uow.db.dialect
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(totals).values(key=data.uscc, count=1)
    await uow.session.execute(ins.on_conflict_do_update(index_elements=["key"], set_={"count": totals.c.count + 1}))
    await uow.session.execute(notes.insert().values(key=data.uscc, n=data.n))


class PlatformSettings(ServiceSettings):
    service_name = "platformtest"


def make_spec(consume: bool = True) -> ServiceSpec:
    return ServiceSpec(
        name="platformtest",
        metadata=metadata,
        outbox=outbox,
        inbox=inbox,
        idempotency=idempotency,
        produces=(TOPIC,),
        consumers=(ConsumerSpec("platformtest", handlers),) if consume else (),
    )


async def total(ctx: ServiceContext, key: str | None = None) -> int:
    async with ctx.db.read() as s:
        if key is None:
            rows = (await s.execute(select(totals.c.count))).scalars().all()
            return sum(rows)
        return (await s.execute(select(totals.c.count).where(totals.c.key == key))).scalar() or 0


@pytest.fixture
async def platform_db(db_factory) -> str:
    return await db_factory.create("platformtest", metadata)


@pytest.fixture
def make_ctx(platform_db):
    made: list[ServiceContext] = []

    def factory(transport, *, consume: bool = True, **overrides) -> ServiceContext:
        settings = settings_for(PlatformSettings, platform_db, **overrides)
        ctx = ServiceContext(make_spec(consume), settings, transport=transport)
        made.append(ctx)
        return ctx

    yield factory


__all__ = ["PermanentError", "PingV1", "make_spec", "notes", "outbox", "total", "totals"]
