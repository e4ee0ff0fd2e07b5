"""The registry under test: its app on a fresh database, a controlled clock, and helpers to drive it."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import select

from services.registry import models
from services.registry.domain.uscc import generate_uscc
from services.registry.main import create_app
from services.registry.settings import RegistrySettings
from shared.clock import ControlledClock
from shared.contracts import TOPIC_HAZARD, TOPIC_REGISTRY, EventData
from shared.ids import new_id
from shared.messaging.envelope import CloudEvent, from_binary
from shared.messaging.transport.base import Message
from shared.messaging.transport.inprocess import InProcessTransport
from shared.testing.fixtures import auth, running, settings_for

START = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
SCORES_A = dict.fromkeys(
    ("standardization", "safety_culture", "staff_participation", "public_commitment", "legal_compliance"), 95
)


def scores(total: int = 95, **parts: Any) -> dict[str, Any]:
    return dict.fromkeys(SCORES_A, total) | parts


def problem(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """Assert an application/problem+json answer with this status and code; returns its body."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["code"] == code, body
    return body


@dataclass
class Registry:
    """One registry app with a client, its context, and the people who use it."""

    client: httpx.AsyncClient
    app: Any
    settings: RegistrySettings
    clock: ControlledClock
    transport: Any
    rng: random.Random = field(default_factory=lambda: random.Random(7))

    @property
    def ctx(self):
        return self.app.state.ctx

    def as_(self, role: str = "admin", sub: str | None = None, **scope) -> dict[str, str]:
        return auth(self.settings, role, sub, **scope)

    @property
    def admin(self) -> dict[str, str]:
        return self.as_("admin", "admin-1")

    @property
    def officer_a(self) -> dict[str, str]:
        return self.as_("officer", "officer-a", division_code="330500")

    @property
    def officer_b(self) -> dict[str, str]:
        return self.as_("officer", "officer-b", division_code="330500")

    def code(self, division: str = "330503") -> str:
        return generate_uscc(self.rng, division)

    async def register(self, headers: dict | None = None, expect: int = 201, **fields: Any) -> dict[str, Any]:
        body = {
            "uscc": fields.pop("uscc", None) or self.code(),
            "name": "湖州测试制造有限公司",
            "legal_representative": "张三",
            "person_in_charge": "李四",
            "safety_lead": "王五",
            "division_code": "330503",
            "township": "旧馆镇",
            "village": "三桥村",
            "address": "湖州市南浔区旧馆镇三桥村1号",
            "category": "industry_trade",
            "scale": "small",
            "employees": 40,
        } | fields
        r = await self.client.post("/registry/v1/enterprises", json=body, headers=headers or self.admin)
        assert r.status_code == expect, r.text
        return r.json()

    async def get(self, uscc: str, headers: dict | None = None) -> dict[str, Any]:
        r = await self.client.get(f"/registry/v1/enterprises/{uscc}", headers=headers or self.admin)
        assert r.status_code == 200, r.text
        return r.json()

    async def assess(
        self, uscc: str, period: str = "2025", total: int = 95, facts: dict | None = None, approve: bool = True, **parts
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"period": period, "scores": scores(total, **parts)}
        if facts is not None:
            body["facts"] = facts
        r = await self.client.post(f"/registry/v1/enterprises/{uscc}/assessments", json=body, headers=self.officer_a)
        assert r.status_code == 201, r.text
        if not approve:
            return r.json()
        r = await self.client.post(f"/registry/v1/assessments/{r.json()['id']}/approve", headers=self.officer_b)
        assert r.status_code == 200, r.text
        return r.json()

    async def list_(self, uscc: str, situation: str = "concealed_or_false_accident_report", **fields) -> dict[str, Any]:
        body = {
            "uscc": uscc,
            "situation": situation,
            "penalty_decision_ref": fields.pop("penalty_decision_ref", None)
            or f"湖应急罚〔2026〕{self.rng.randint(1, 999)}号",
            "decided_at": fields.pop("decided_at", None) or self.clock.now().isoformat(),
        } | fields
        r = await self.client.post("/registry/v1/blacklist", json=body, headers=self.officer_a)
        assert r.status_code == 201, r.text
        return r.json()

    async def outbox(self, type_: str | None = None) -> list[dict[str, Any]]:
        """Committed outbox rows (type, key, data), oldest first."""
        t = models.outbox
        async with self.ctx.db.read() as s:
            rows = (await s.execute(select(t.c.type, t.c.key, t.c.payload).order_by(t.c.id))).all()
        out = [{"type": r.type, "key": r.key, "data": orjson.loads(r.payload)} for r in rows]
        return [o for o in out if type_ is None or o["type"] == type_]

    async def delivered(self, type_: str | None = None) -> list[CloudEvent]:
        """Publish the outbox and decode what the registry topic carries (in-process transport)."""
        await self.ctx.relay.drain()
        events = [from_binary(m.headers, m.value) for m in self.transport.messages(TOPIC_REGISTRY)]
        return [e for e in events if type_ is None or e.type == type_]

    async def deliver_hazard_event(self, data: EventData, *, event_id: str | None = None) -> CloudEvent:
        """Put one hazard-service event on the transport, as the hazard service's relay would."""
        ev = CloudEvent(
            id=event_id or new_id(),
            source="/services/hazard",
            type=data.event_type,
            data=data.model_dump(mode="json"),
            time=self.clock.now(),
            subject=data.subject(),
        )
        await self.transport.publish(
            [Message(TOPIC_HAZARD, ev.subject.encode(), orjson.dumps(ev.data), tuple(ev.binary_headers()))]
        )
        return ev

    async def consume(self) -> int:
        """Let the registry's consumer take everything waiting for it."""
        total = 0
        while n := await self.ctx.consumers[0].run_once():
            total += n
        return total


def make_app(url: str, clock: ControlledClock, transport, **overrides):
    settings = settings_for(RegistrySettings, url, public_rate_limit_per_minute=6000, **overrides)
    return create_app(settings, transport=transport, clock=clock, background=False), settings


@pytest.fixture
async def registry(db_factory) -> AsyncIterator[Registry]:
    url = await db_factory.create("registry", models.metadata)
    clock = ControlledClock(START)
    transport = InProcessTransport()
    app, settings = make_app(url, clock, transport)
    async with running(app) as client:
        yield Registry(client, app, settings, clock, transport)
