"""A minimal service for the platform benchmarks: an outbox, an inbox and a counter per key."""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid

import asyncpg
from sqlalchemy import Column, Integer, String, Table
from sqlalchemy.engine import make_url

from shared.contracts import EventData, event
from shared.db.base import service_metadata
from shared.messaging.dispatcher import Handlers
from shared.messaging.inbox import inbox_table
from shared.messaging.outbox import outbox_table
from shared.service import ConsumerSpec, ServiceSpec
from shared.settings import ServiceSettings
from shared.testing.databases import create_schema

TOPIC = "bench.platform.v1"
PG_DEFAULT = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


@event
class BenchEventV1(EventData):
    event_type = "bench.event.v1"
    topic = TOPIC
    uscc: str
    n: int
    payload: str = ""


metadata = service_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
seen = Table("seen", metadata, Column("id", Integer, primary_key=True, autoincrement=True), Column("key", String(40)))


class BenchSettings(ServiceSettings):
    service_name = "benchsvc"


def spec(handlers: Handlers | None = None) -> ServiceSpec:
    consumers = (ConsumerSpec("benchsvc", handlers),) if handlers else ()
    return ServiceSpec(
        name="benchsvc", metadata=metadata, outbox=outbox, inbox=inbox, produces=(TOPIC,), consumers=consumers
    )


async def pg_available() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL") or PG_DEFAULT
    try:
        u = make_url(url).set(drivername="postgresql")
        conn = await asyncio.wait_for(asyncpg.connect(u.render_as_string(hide_password=False)), 3)
        await conn.close()
        return make_url(url).set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    except Exception:
        return None


class Databases:
    """Scratch databases for a benchmark run, removed at the end."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="anjian-bench-")
        self.pg_created: list[tuple[str, str]] = []

    async def sqlite(self, name: str) -> str:
        url = f"sqlite+aiosqlite:///{self.dir}/{name}-{uuid.uuid4().hex[:6]}.db"
        await create_schema(url, metadata)
        return url

    async def postgres(self, server: str, name: str) -> str:
        db = f"bench_{name}_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(make_url(server).set(drivername="postgresql").render_as_string(False))
        await admin.execute(f'CREATE DATABASE "{db}"')
        await admin.close()
        self.pg_created.append((server, db))
        url = make_url(server).set(database=db).render_as_string(hide_password=False)
        await create_schema(url, metadata)
        return url

    async def cleanup(self) -> None:
        for server, db in self.pg_created:
            admin = await asyncpg.connect(make_url(server).set(drivername="postgresql").render_as_string(False))
            await admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            await admin.close()
