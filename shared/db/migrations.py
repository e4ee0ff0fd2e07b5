"""Alembic, per service: its own script folder, its own version table, batch mode on SQLite.

Each service's ``migrations/env.py`` is two lines::

    from services.registry.models import metadata
    run_env(metadata, service="registry")
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, pool
from sqlalchemy.ext.asyncio import create_async_engine

from shared.db.engine import create_engine, is_sqlite


def version_table(service: str) -> str:
    return f"alembic_version_{service}"


def alembic_config(migrations_dir: Path, url: str) -> Config:
    """A Config for a service's migrations folder and a database URL (async drivers)."""
    cfg = Config(str(migrations_dir / "alembic.ini")) if (migrations_dir / "alembic.ini").exists() else Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["url"] = url
    return cfg


def _configure(connection, metadata: MetaData, service: str) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=version_table(service),
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=False,
    )


def run_env(metadata: MetaData, *, service: str) -> None:
    """The body of a service's env.py: online migrations over an async engine."""
    cfg = context.config
    url = cfg.attributes.get("url") or cfg.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(
            url=url,
            target_metadata=metadata,
            version_table=version_table(service),
            render_as_batch=is_sqlite(url),
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return

    def do(connection):
        _configure(connection, metadata, service)
        with context.begin_transaction():
            context.run_migrations()

    async def main():
        engine = create_engine(url) if is_sqlite(url) else create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as conn:
            await conn.run_sync(do)
            await conn.commit()
        await engine.dispose()

    asyncio.run(main())


def upgrade(migrations_dir: Path, url: str, revision: str = "head") -> None:
    """Upgrade a service's database (synchronous: call it before the event loop, or in a thread)."""
    command.upgrade(alembic_config(migrations_dir, url), revision)


def downgrade(migrations_dir: Path, url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(migrations_dir, url), revision)


async def pending_diff(url: str, metadata: MetaData, service: str) -> list:
    """What autogenerate would still emit: empty when the models match the migrated database."""
    engine = create_engine(url) if is_sqlite(url) else create_async_engine(url, poolclass=pool.NullPool)

    def cmp(conn):
        mc = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True, "version_table": version_table(service)}
        )
        return compare_metadata(mc, metadata)

    try:
        async with engine.connect() as conn:
            return await conn.run_sync(cmp)
    finally:
        await engine.dispose()
