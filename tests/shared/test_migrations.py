"""Every service's migrations upgrade from empty, match the models, and downgrade to base."""

import asyncio
import importlib

import pytest
from sqlalchemy import inspect

from services.suite import SERVICE_NAMES, migrations_dir
from shared.db.engine import create_engine
from shared.db.migrations import downgrade, pending_diff, upgrade, version_table


async def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


@pytest.mark.parametrize("service", SERVICE_NAMES)
async def test_migrations_upgrade_match_the_models_and_downgrade(service, db_factory):
    metadata = importlib.import_module(f"services.{service}.models").metadata
    url = await db_factory.create(f"mig_{service}")
    await asyncio.to_thread(upgrade, migrations_dir(service), url)
    tables = await table_names(url)
    assert set(metadata.tables) <= tables
    assert version_table(service) in tables
    diff = await pending_diff(url, metadata, service)
    assert diff == [], f"models and migrations differ for {service}: {diff}"
    await asyncio.to_thread(downgrade, migrations_dir(service), url, "base")
    assert await table_names(url) <= {version_table(service)}
    await asyncio.to_thread(upgrade, migrations_dir(service), url)  # and up again from base
    assert set(metadata.tables) <= await table_names(url)
