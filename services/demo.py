"""Demo data for the embedded suite: the accounts the README documents, then each service's own demo.

Runs once per data folder (skipped when the registry already has users) unless ``--no-demo``.
Each service that has demo data provides ``services.<name>.demo.seed(ctx)``; they run in the order
registry, grid, hazard, incentives so that each sees the events of the ones before it.
"""

from __future__ import annotations

import importlib

from shared.logging import get_logger

log = get_logger("anjian.demo")

#: (username, password, role, scope) - documented in the README; embedded mode only.
DEMO_ACCOUNTS: tuple[tuple[str, str, str, dict], ...] = (
    ("admin", "Anjian-admin-1", "admin", {}),
    ("officer", "Anjian-officer-1", "officer", {"division_code": "330500"}),
    ("officer2", "Anjian-officer-2", "officer", {"division_code": "330500"}),
    ("nanxun", "Anjian-nanxun-1", "officer", {"division_code": "330503"}),
    ("expert", "Anjian-expert-1", "expert", {}),
)


async def seed_accounts(ctx) -> bool:
    """Create the demo accounts unless the registry already has users; True when it created them."""
    from sqlmodel import func, select

    from services.registry.models import User
    from services.registry.schemas.auth import UserCreate
    from services.registry.service.users import create_user

    async with ctx.uow() as uow:
        if (await uow.session.exec(select(func.count()).select_from(User))).one() > 0:
            return False
    for username, password, role, scope in DEMO_ACCOUNTS:
        async with ctx.uow() as uow:
            await create_user(uow=uow, data=UserCreate(username=username, password=password, role=role, **scope))
    return True


async def seed_demo(suite) -> None:
    """Seed once: accounts, then each service's demo data, letting events flow between them."""
    if not await seed_accounts(suite.ctx("registry")):
        return
    log.info("seeding demo data")
    for name in ("registry", "grid", "hazard", "incentives"):
        if name not in suite.apps:
            continue
        try:
            mod = importlib.import_module(f"services.{name}.demo")
        except ModuleNotFoundError:
            continue
        await mod.seed(suite.ctx(name))
        await _settle(suite)
    if "grid" in suite.apps:
        await seed_grid_worker(suite.ctx("registry"), suite.ctx("grid"))


#: The demo grid worker: the village cell of 南浔区旧馆镇三桥村, which the grid demo builds.
GRID_WORKER = ("sanqiao", "Anjian-sanqiao-1", ("旧馆镇", "三桥村"))


async def seed_grid_worker(registry_ctx, grid_ctx) -> None:
    """A grid worker account scoped to the demo's 三桥村 cell (cell ids exist only after the grid demo)."""
    from sqlalchemy import select
    from sqlalchemy.orm import aliased

    from services.grid.models import Cell
    from services.registry.schemas.auth import UserCreate
    from services.registry.service.users import create_user

    username, password, (town, village) = GRID_WORKER
    parent = aliased(Cell)
    async with grid_ctx.uow(write=False) as uow:
        cell_id = await uow.session.scalar(
            select(Cell.id)
            .join(parent, parent.id == Cell.parent_id)
            .where(Cell.name == village, parent.name == town)
            .limit(1)
        )
    if cell_id is None:
        return
    async with registry_ctx.uow() as uow:
        await create_user(
            uow=uow, data=UserCreate(username=username, password=password, role="grid_worker", grid_cell_ids=[cell_id])
        )


async def _settle(suite) -> None:
    """Publish what the last step committed and let every consumer take it."""
    for name in suite.apps:
        await suite.ctx(name).relay.drain()
    transport = suite.ctx("registry").transport
    if hasattr(transport, "drain"):
        await transport.drain(timeout=120)
