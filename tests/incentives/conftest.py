"""Fixtures of the incentives tests: an app on a fresh database, registry events, a webhook receiver."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

import httpx
import orjson
import pytest
import uvicorn

from services.incentives.main import create_app
from services.incentives.models import metadata
from services.incentives.settings import IncentivesSettings
from shared.clock import ControlledClock
from shared.contracts import TOPIC_REGISTRY, EventData
from shared.contracts.registry import (
    BlacklistEntryAddedV1,
    BlacklistEntryRemovedV1,
    CreditClassChangedV1,
    EnterpriseRegisteredV1,
    EnterpriseUpdatedV1,
)
from shared.ids import new_id
from shared.messaging.envelope import CloudEvent
from shared.messaging.transport import Message
from shared.testing.fixtures import auth, running, settings_for

# Real codes that pass the check (domain.md) and a few more made with the same rule.
USCC_A = "91330100799655058B"
USCC_B = "914403001922038216"
USCC_C = "91330503MA2B3C4D5X"


@dataclass
class Env:
    """One incentives app under test: its client, context, clock and transport."""

    client: httpx.AsyncClient
    ctx: object
    clock: ControlledClock
    transport: object
    settings: IncentivesSettings
    sent: list[Message] = field(default_factory=list)

    @property
    def admin(self) -> dict[str, str]:
        return auth(self.settings, "admin")

    @property
    def partner(self):
        return self.ctx.state["partner"]

    def event(self, data: EventData, *, event_id: str | None = None, time: datetime | None = None) -> Message:
        """A registry event as the registry's relay puts it on the wire (binary CloudEvent, keyed by code)."""
        ev = CloudEvent(
            id=event_id or new_id(),
            source="/services/registry",
            type=data.event_type,
            subject=data.uscc,
            time=time or self.clock.now(),
            data=data.model_dump(mode="json"),
        )
        return Message(TOPIC_REGISTRY, data.uscc.encode(), orjson.dumps(ev.data), tuple(ev.binary_headers()))

    async def publish(self, *messages: Message) -> None:
        await self.transport.publish(list(messages))
        self.sent.extend(messages)

    async def consume(self, expected: int, timeout: float = 30.0) -> None:
        """Let the consumer take ``expected`` messages (a broker's group join takes a moment)."""
        consumer = self.ctx.consumers[0]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        taken = 0
        while taken < expected:
            assert loop.time() < deadline, f"only {taken} of {expected} registry events arrived"
            taken += await consumer.run_once(timeout=0.5)

    async def flush_audit(self) -> None:
        await self.partner.audit.flush()

    async def make_agency(self, kind="bank", domains=("loans",), name=None) -> dict:
        r = await self.client.post(
            "/incentives/v1/agencies",
            headers=self.admin,
            json={"name": name or f"{kind} {new_id()[-6:]}", "kind": kind, "domains": list(domains)},
        )
        assert r.status_code == 201, r.text
        return r.json()

    async def make_key(self, agency_id: str, **body) -> dict:
        r = await self.client.post(
            f"/incentives/v1/agencies/{agency_id}/api-keys", headers=self.admin, json=body, timeout=30
        )
        assert r.status_code == 201, r.text
        return r.json()

    async def make_webhook(self, agency_id: str, url: str) -> dict:
        r = await self.client.post(
            f"/incentives/v1/agencies/{agency_id}/webhooks", headers=self.admin, json={"url": url}
        )
        assert r.status_code == 201, r.text
        return r.json()


@pytest.fixture
def make_env(db_factory, clock):
    """``async with make_env(transport=..., **settings) as env`` - an app on a fresh database."""

    @asynccontextmanager
    async def factory(transport=None, background=False, **overrides) -> AsyncIterator[Env]:
        from shared.messaging.transport.inprocess import InProcessTransport

        transport = transport or InProcessTransport()
        url = await db_factory.create("incentives", metadata)
        overrides.setdefault("webhook_allow_private", True)
        settings = settings_for(IncentivesSettings, url, **overrides)
        app = create_app(settings, transport=transport, clock=clock, background=background)
        async with running(app) as client:
            yield Env(client, app.state.ctx, clock, transport, settings)

    return factory


def registered(uscc: str, name: str = "湖州某矿业有限公司") -> EnterpriseRegisteredV1:
    return EnterpriseRegisteredV1(
        uscc=uscc, name=name, division_code="330503", township="旧馆镇", village="三桥村", category="mining"
    )


def class_changed(uscc: str, new: str | None, at: datetime, old: str | None = None) -> CreditClassChangedV1:
    return CreditClassChangedV1(
        uscc=uscc, old_class=old, new_class=new, score="91.5", reason="assessment approved", effective_at=at
    )


def listed(uscc: str, entry_id: str, decided_at: datetime, expires_at: datetime) -> BlacklistEntryAddedV1:
    return BlacklistEntryAddedV1(
        uscc=uscc,
        entry_id=entry_id,
        situation="concealed_accident",
        rule_set="mem-order-11-2023",
        decided_at=decided_at,
        expires_at=expires_at,
    )


def unlisted(uscc: str, entry_id: str, removed_at: datetime, reason: str = "repaired") -> BlacklistEntryRemovedV1:
    return BlacklistEntryRemovedV1(uscc=uscc, entry_id=entry_id, reason=reason, removed_at=removed_at)


def honour_roll(uscc: str, on: bool) -> EnterpriseUpdatedV1:
    return EnterpriseUpdatedV1(uscc=uscc, changed={"honour_roll": on})


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


class Receiver:
    """A partner's webhook endpoint: records what arrives and answers with the statuses it is told."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.script: list[tuple[int, dict[str, str]]] = []
        self.default = (200, {})
        self.url = ""
        self.arrived = asyncio.Event()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        status, headers = self.script.pop(0) if self.script else self.default
        if 200 <= status < 300:
            self.received.append(Received({k.decode(): v.decode() for k, v in scope["headers"]}, body))
            self.arrived.set()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A real HTTP server on 127.0.0.1 (uvicorn, in this event loop) standing for a partner."""
    rec = Receiver()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)  # connections queue in the kernel from now on: no need to wait for start-up
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(rec, log_level="warning", lifespan="off", access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    rec.url = f"http://127.0.0.1:{port}/hooks/anjian"
    try:
        yield rec
    finally:
        server.should_exit = True
        await task
        sock.close()
