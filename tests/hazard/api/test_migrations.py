"""The hazard service's Alembic history builds the tables of its models from empty and goes back to base."""

from __future__ import annotations

import asyncio

from sqlalchemy import inspect

from services.hazard.models import metadata
from services.suite import migrations_dir
from shared.db.engine import create_engine
from shared.db.migrations import downgrade, pending_diff, upgrade, version_table


async def inspect_db(url: str):
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda c: (
                    set(inspect(c).get_table_names()),
                    {i["name"] for i in inspect(c).get_indexes("hazards")}
                    if inspect(c).has_table("hazards")
                    else set(),
                )
            )
    finally:
        await engine.dispose()


async def test_upgrade_from_empty_matches_the_models_and_downgrade_reaches_base(db_factory):
    url = await db_factory.create("hazard_migrations")
    await asyncio.to_thread(upgrade, migrations_dir("hazard"), url)
    tables, indexes = await inspect_db(url)
    assert set(metadata.tables) | {version_table("hazard")} == tables
    assert {
        "ix_hazards_found_at_division_code",
        "ix_hazards_notice_issued_at_division_code",
        "ix_hazards_deadline_division_code",
        "ix_hazards_listed_at_division_code",
        "ix_hazards_watch_overdue_at",
    } <= indexes
    assert await pending_diff(url, metadata, "hazard") == []
    await asyncio.to_thread(downgrade, migrations_dir("hazard"), url, "base")
    tables, _ = await inspect_db(url)
    assert tables <= {version_table("hazard")}
    await asyncio.to_thread(upgrade, migrations_dir("hazard"), url)
    assert (await inspect_db(url))[0] == set(metadata.tables) | {version_table("hazard")}
