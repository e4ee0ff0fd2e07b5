"""Fixtures of the grid service's tests: the app on a fresh database, and a harness to drive it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import orjson
import pytest
from sqlalchemy import select

from services.grid import models
from services.grid.main import create_app
from services.grid.settings import GridSettings
from shared.contracts.registry import EnterpriseRegisteredV1
from shared.testing.fixtures import ServiceHarness, running, settings_for
from tests.hazard.conftest import valid_uscc


class Harness(ServiceHarness):
    """The grid app under test: client, clock, transport, context, and helpers to build a grid."""

    def worker(self, *cell_ids: str, sub: str = "worker") -> dict[str, str]:
        return self.headers("grid_worker", sub, grid_cell_ids=list(cell_ids))

    def officer(self, division: str = "330503", sub: str = "officer") -> dict[str, str]:
        return self.headers("officer", sub, division_code=division)

    async def enterprise(self, division: str = "330503", township="旧馆镇", village="三桥村", **extra) -> str:
        """Announce an enterprise as the registry would, and let the grid take it."""
        uscc = extra.pop("uscc", None) or valid_uscc(self.rng, division)
        data = EnterpriseRegisteredV1(
            uscc=uscc,
            name=extra.pop("name", "网格测试企业有限公司"),
            division_code=division,
            township=township,
            village=village,
            category=extra.pop("category", "industry_trade"),
        )
        await self.publish(data)
        await self.consume()
        return uscc

    async def cell(self, name: str, *, parent: str | None = None, division: str | None = None, headers=None, **extra):
        body = {"code": extra.pop("code", f"G{self.rng.randrange(10**9):09d}"), "name": name, **extra}
        if parent:
            body["parent_id"] = parent
        if division:
            body["division_code"] = division
        r = await self.client.post("/grid/v1/cells", json=body, headers=headers or self.admin)
        assert r.status_code == 201, r.text
        return r.json()

    async def town_and_village(self, town="旧馆镇", village="三桥村", division="330503") -> tuple[dict, dict]:
        t = await self.cell(town, division=division)
        v = await self.cell(village, parent=t["id"])
        return t, v

    async def post(self, path: str, body: dict | None = None, *, headers=None, expect: int | None = 200):
        r = await self.client.post(path, json=body if body is not None else {}, headers=headers or self.admin)
        if expect is not None:
            assert r.status_code == expect, f"{path} -> {r.status_code} {r.text}"
        return r.json()

    async def get(self, path: str, *, headers=None, expect: int = 200, **params):
        r = await self.client.get(path, headers=headers or self.admin, params=params)
        assert r.status_code == expect, f"{path} -> {r.status_code} {r.text}"
        return r.json()

    async def outbox(self, event_type: str | None = None) -> list[dict]:
        t = models.outbox
        stmt = select(t.c.type, t.c.payload, t.c.key).order_by(t.c.id)
        if event_type:
            stmt = stmt.where(t.c.type == event_type)
        async with self.ctx.db.read() as s:
            rows = (await s.execute(stmt)).all()
        return [{"type": r.type, "data": orjson.loads(r.payload), "key": r.key} for r in rows]


@pytest.fixture
async def grid(db_factory, clock, inprocess) -> AsyncIterator[Harness]:
    url = await db_factory.create("grid", models.metadata)
    settings = settings_for(GridSettings, url, log_level="WARNING")
    app = create_app(settings, transport=inprocess, clock=clock, background=False)
    async with running(app) as client:
        yield Harness(app, client, clock, inprocess, settings, seed=11)
