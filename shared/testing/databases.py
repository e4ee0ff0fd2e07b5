"""Fresh databases per test: a SQLite file, or (with ``TEST_DATABASE_URL``) a PostgreSQL database.

On PostgreSQL each service's schema is built once per session into a template database, and every
test gets ``CREATE DATABASE ... TEMPLATE`` (tens of milliseconds), dropped again at teardown.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import asyncpg
from sqlalchemy import MetaData
from sqlalchemy.engine import make_url

from shared.db.engine import create_engine

_templates: dict[str, str] = {}


def test_database_url() -> str | None:
    """The PostgreSQL server tests should use, as an async SQLAlchemy URL, or None for SQLite."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None
    u = make_url(url)
    if u.get_backend_name() != "postgresql":
        return None
    return u.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def _dsn(url: str, database: str) -> str:
    u = make_url(url).set(drivername="postgresql", database=database)
    return u.render_as_string(hide_password=False)


async def _admin(url: str) -> asyncpg.Connection:
    return await asyncpg.connect(_dsn(url, make_url(url).database or "postgres"))


async def create_schema(url: str, metadata: MetaData) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
    finally:
        await engine.dispose()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _drop_stale_templates(conn: asyncpg.Connection) -> None:
    """Templates left by test processes that no longer run."""
    rows = await conn.fetch("SELECT datname FROM pg_database WHERE datname LIKE 'anjian_tmpl_%'")
    for r in rows:
        pid = r["datname"].rsplit("_", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            await conn.execute(f'DROP DATABASE IF EXISTS "{r["datname"]}" WITH (FORCE)')


async def drop_templates() -> None:
    """Remove this process's template databases (end of the test session)."""
    url = test_database_url()
    if not url or not _templates:
        return
    conn = await _admin(url)
    try:
        for name in _templates.values():
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
    _templates.clear()


class DatabaseFactory:
    """Hands out empty or schema-ready databases and removes them afterwards."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.pg = test_database_url()
        self._created: list[str] = []
        self._n = 0

    @property
    def dialect(self) -> str:
        return "postgresql" if self.pg else "sqlite"

    async def create(self, service: str, metadata: MetaData | None = None) -> str:
        """A new database for ``service``; with ``metadata`` its tables exist, without it it is empty."""
        self._n += 1
        if not self.pg:
            url = f"sqlite+aiosqlite:///{self.tmp_path / f'{service}-{self._n}.db'}"
            if metadata is not None:
                await create_schema(url, metadata)
            return url
        name = f"t_{service}_{uuid.uuid4().hex[:12]}"
        conn = await _admin(self.pg)
        try:
            if metadata is None:
                await conn.execute(f'CREATE DATABASE "{name}"')
            else:
                template = await self._template(conn, service, metadata)
                await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        finally:
            await conn.close()
        self._created.append(name)
        return make_url(self.pg).set(database=name).render_as_string(hide_password=False)

    async def _template(self, conn: asyncpg.Connection, service: str, metadata: MetaData) -> str:
        name = _templates.get(service)
        if name:
            return name
        await _drop_stale_templates(conn)
        # One template per test process, so parallel test sessions never rebuild each other's.
        name = f"anjian_tmpl_{service}_{os.getpid()}"
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
        await create_schema(make_url(self.pg).set(database=name).render_as_string(hide_password=False), metadata)
        _templates[service] = name
        return name

    async def cleanup(self) -> None:
        if not self.pg or not self._created:
            return
        conn = await _admin(self.pg)
        try:
            for name in self._created:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
        self._created.clear()
