"""Async engines for SQLite (aiosqlite) and PostgreSQL (asyncpg), and the ``Database`` that owns one."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

#: Execution option that makes a SQLite transaction take the write lock at BEGIN.
SQLITE_IMMEDIATE = "anjian_sqlite_immediate"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sync_url(url: str) -> str:
    """The same database for a synchronous driver (Alembic's offline tools, pg_dump-like helpers)."""
    u = make_url(url)
    driver = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg2"}[u.get_backend_name()]
    return u.set(drivername=driver).render_as_string(hide_password=False)


def create_engine(url: str, *, pool_size: int = 10, max_overflow: int = 10, echo: bool = False) -> AsyncEngine:
    """An async engine with the pragmas SQLite needs to behave under concurrent writers."""
    if is_sqlite(url):
        path = make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
        _install_sqlite_hooks(engine)
        return engine
    return create_async_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        connect_args={"server_settings": {"application_name": "anjian"}},
    )


def _install_sqlite_hooks(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy, not the driver, decide when transactions begin (see the "begin" hook).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn):
        # Writers take the lock at BEGIN: a deferred transaction that later upgrades to a write
        # can fail with SQLITE_BUSY without waiting, which would surface as a 500 under load.
        if conn.get_execution_options().get(SQLITE_IMMEDIATE):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


class Database:
    """One service's database: engine, session factories, and hooks run after each commit."""

    def __init__(self, url: str, *, pool_size: int = 10, max_overflow: int = 10, echo: bool = False) -> None:
        self.url = url
        self.sqlite = is_sqlite(url)
        self.engine = create_engine(url, pool_size=pool_size, max_overflow=max_overflow, echo=echo)
        write_engine = self.engine.execution_options(**{SQLITE_IMMEDIATE: True}) if self.sqlite else self.engine
        self.write_engine = write_engine
        self._read_sessions = async_sessionmaker(self.engine, expire_on_commit=False, class_=AsyncSession)
        self._write_sessions = async_sessionmaker(write_engine, expire_on_commit=False, class_=AsyncSession)
        self.after_commit: list[Callable[[], None]] = []
        self._relay_engine: AsyncEngine | None = None

    @property
    def dialect(self) -> str:
        return "sqlite" if self.sqlite else "postgresql"

    @property
    def relay_engine(self) -> AsyncEngine:
        """The outbox relay's own small pool (PostgreSQL); on SQLite the one engine.

        Its connections only ever run the relay's statements, so they carry the relay's settings:
        no wait for the WAL at commit (a lost relay commit only means publishing a batch again,
        which consumers dedupe), and no bitmap or sequential scans - a queue table's statistics are
        always stale, and the planner would otherwise read and sort every pending row to find the
        oldest thousand. No pre-ping: a failed relay statement is retried by the relay anyway.
        """
        if self.sqlite:
            return self.engine
        if self._relay_engine is None:
            self._relay_engine = create_async_engine(
                self.url,
                pool_size=2,
                max_overflow=2,
                pool_pre_ping=False,
                connect_args={
                    "server_settings": {
                        "application_name": "anjian-relay",
                        "synchronous_commit": "off",
                        "enable_bitmapscan": "off",
                        "enable_seqscan": "off",
                    }
                },
            )
        return self._relay_engine

    def session(self, *, write: bool = True) -> AsyncSession:
        return (self._write_sessions if write else self._read_sessions)()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A read-only session (no write lock on SQLite)."""
        async with self._read_sessions() as session:
            yield session

    def committed(self) -> None:
        """Run the after-commit hooks (e.g. wake the outbox relay)."""
        for hook in self.after_commit:
            hook()

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._relay_engine is not None:
            await self._relay_engine.dispose()
