"""Fixtures of the hazard service's tests: the app on a fresh database, and a harness to drive it."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator

import orjson
import pytest
from sqlalchemy import select

from services.hazard import models
from services.hazard.main import create_app
from services.hazard.settings import HazardSettings
from services.registry.domain.uscc import generate_uscc
from shared.contracts.registry import EnterpriseRegisteredV1
from shared.messaging.transport import Message
from shared.testing.fixtures import ServiceHarness, running, settings_for


def valid_uscc(rng: random.Random, division: str = "330503") -> str:
    """A unified social credit code with both check characters right (GB 32100, GB 11714)."""
    return generate_uscc(rng, division)


class Harness(ServiceHarness):
    """The hazard app under test with the handles tests need: client, clock, transport, context."""

    def new_uscc(self, division: str = "330503") -> str:
        return valid_uscc(self.rng, division)

    async def consume_until(self, processed: int, limit_s: float = 60.0) -> None:
        """Consume until the consumer has handled ``processed`` messages (a broker needs a moment)."""
        consumer = self.ctx.consumers[0]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit_s
        while consumer.processed < processed:
            assert loop.time() < deadline, f"consumer handled {consumer.processed} of {processed}"
            await consumer.run_once(timeout=1.0)

    async def read_hazard_topic(self, count: int, group: str = "test-reader", limit_s: float = 60.0) -> list[Message]:
        """Read ``count`` messages of safety.hazard.v1 as a consumer of another service would."""
        sub = await self.transport.subscribe(["safety.hazard.v1"], group)
        got = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit_s
        try:
            while len(got) < count:
                assert loop.time() < deadline, f"only {len(got)} of {count} messages arrived"
                got.extend(d.message for d in await sub.fetch(100, 1.0))
        finally:
            await sub.close()
        return got

    async def enterprise(self, division: str = "330503", name: str = "测试企业有限公司", **extra) -> str:
        """Announce an enterprise as the registry would, and let the hazard service take it."""
        uscc = extra.pop("uscc", None) or self.new_uscc(division)
        data = EnterpriseRegisteredV1(
            uscc=uscc,
            name=name,
            division_code=division,
            township=extra.pop("township", "旧馆镇"),
            village=extra.pop("village", "三桥村"),
            category=extra.pop("category", "industry_trade"),
        )
        await self.publish(data, source="/services/registry")
        await self.consume()
        return uscc

    async def hazard(self, uscc: str, *, headers=None, **body) -> dict:
        payload = {
            "uscc": uscc,
            "source": "routine_check",
            "description": "消防通道堵塞",
            "level": "general",
            "found_at": self.clock.now().isoformat(),
            "found_by": "检查员甲",
        }
        if body.get("level") == "major" and "major_basis" not in body:
            payload["major_basis"] = {"standard": "应急管理部令第10号", "clause": "第三条第一项"}
        payload.update(body)
        r = await self.client.post("/hazard/v1/hazards", json=payload, headers=headers or self.admin)
        assert r.status_code == 201, r.text
        return r.json()

    async def post(self, path: str, body: dict | None = None, *, headers=None, expect: int | None = 200) -> dict:
        r = await self.client.post(path, json=body if body is not None else {}, headers=headers or self.admin)
        if expect is not None:
            assert r.status_code == expect, f"{path} -> {r.status_code} {r.text}"
        return r.json()

    async def get(self, path: str, *, headers=None, expect: int = 200, **params) -> dict:
        r = await self.client.get(path, headers=headers or self.admin, params=params)
        assert r.status_code == expect, f"{path} -> {r.status_code} {r.text}"
        return r.json()

    async def outbox(self, event_type: str | None = None) -> list[dict]:
        """The committed outbox rows (type and decoded data), oldest first."""
        t = models.outbox
        stmt = select(t.c.type, t.c.payload, t.c.key).order_by(t.c.id)
        if event_type:
            stmt = stmt.where(t.c.type == event_type)
        async with self.ctx.db.read() as s:
            rows = (await s.execute(stmt)).all()
        return [{"type": r.type, "data": orjson.loads(r.payload), "key": r.key} for r in rows]

    async def delivered(self, event_type: str | None = None) -> list[Message]:
        """Publish the outbox and return what the transport carries on safety.hazard.v1."""
        await self.ctx.relay.drain()
        msgs = self.transport.messages("safety.hazard.v1")
        return [m for m in msgs if event_type is None or m.header("ce_type") == event_type]


@pytest.fixture
async def hz(db_factory, clock, inprocess) -> AsyncIterator[Harness]:
    url = await db_factory.create("hazard", models.metadata)
    settings = settings_for(HazardSettings, url, log_level="WARNING")
    app = create_app(settings, transport=inprocess, clock=clock, background=False)
    async with running(app) as client:
        yield Harness(app, client, clock, inprocess, settings)


@pytest.fixture
async def hz_on(db_factory, clock, transport) -> AsyncIterator[Harness]:
    """The hazard app on each transport in turn: in-process, then Kafka (the Tansu test broker)."""
    url = await db_factory.create("hazard", models.metadata)
    settings = settings_for(HazardSettings, url, log_level="WARNING")
    app = create_app(settings, transport=transport, clock=clock, background=False)
    async with running(app) as client:
        yield Harness(app, client, clock, transport, settings)
