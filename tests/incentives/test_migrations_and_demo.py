"""The incentives migrations (up from empty, down to base, no drift from the models) and the demo data."""

import asyncio

from sqlmodel import select

from services.incentives.demo import DEMO_AGENCIES, seed
from services.incentives.models import Agency, metadata
from services.suite import migrations_dir
from shared.db.migrations import downgrade, pending_diff, upgrade


async def test_migrations_upgrade_from_empty_match_the_models_and_downgrade_to_base(db_factory):
    url = await db_factory.create("incentives_migrations")
    await asyncio.to_thread(upgrade, migrations_dir("incentives"), url)
    assert await pending_diff(url, metadata, "incentives") == []
    await asyncio.to_thread(downgrade, migrations_dir("incentives"), url, "base")
    await asyncio.to_thread(upgrade, migrations_dir("incentives"), url)  # and up again


async def test_demo_agencies_are_created_once_without_keys(make_env):
    async with make_env() as env:
        await seed(env.ctx)
        await seed(env.ctx)
        async with env.ctx.uow(write=False) as uow:
            agencies = sorted((a.kind, tuple(a.domains)) for a in (await uow.session.exec(select(Agency))).all())
        assert agencies == sorted((a.kind, tuple(a.domains)) for a in DEMO_AGENCIES)
        r = await env.client.get("/incentives/v1/agencies", headers=env.admin)
        assert {a["kind"] for a in r.json()["items"]} == {
            "bank",
            "power_utility",
            "land_bureau",
            "tax_bureau",
            "award_body",
        }
