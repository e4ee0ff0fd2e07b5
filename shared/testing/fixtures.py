"""Pytest fixtures every service's tests share (loaded by ``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

import httpx
import orjson
import pytest
from asgi_lifespan import LifespanManager

from shared.clock import ControlledClock
from shared.contracts import EventData
from shared.ids import new_id
from shared.messaging.envelope import CloudEvent
from shared.messaging.transport import Message
from shared.messaging.transport.inprocess import InProcessTransport
from shared.security.jwt import issue_token
from shared.security.principal import Principal
from shared.testing.broker import TansuBroker
from shared.testing.databases import DatabaseFactory

TEST_SIGNING_KEY = "test-signing-key-that-is-long-enough-0123456789"


def event_message(data: EventData, *, time: datetime, source: str, event_id: str | None = None) -> Message:
    """A binary-mode CloudEvents message as another service's relay would publish it."""
    ev = CloudEvent(
        id=event_id or new_id(),
        source=source,
        type=data.event_type,
        subject=data.subject(),
        time=time,
        data=data.model_dump(mode="json"),
    )
    key = data.subject().encode() if data.subject() else None
    return Message(data.topic, key, orjson.dumps(ev.data), tuple(ev.binary_headers()))


def pytest_sessionfinish(session, exitstatus):
    import asyncio

    from shared.testing.databases import drop_templates

    asyncio.run(drop_templates())


def pytest_collection_modifyitems(config, items):
    """With ANJIAN_TEST_DB_ONLY=1 (CI's PostgreSQL pass) run only the tests that use a database."""
    import os

    if os.environ.get("ANJIAN_TEST_DB_ONLY") != "1":
        return
    keep, drop = [], []
    for item in items:
        (keep if "db_factory" in getattr(item, "fixturenames", ()) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture
async def db_factory(tmp_path) -> AsyncIterator[DatabaseFactory]:
    factory = DatabaseFactory(tmp_path)
    yield factory
    await factory.cleanup()


@pytest.fixture
def clock() -> ControlledClock:
    return ControlledClock()


@pytest.fixture
def inprocess() -> InProcessTransport:
    return InProcessTransport()


@pytest.fixture
def tansu() -> TansuBroker:
    """A fresh in-memory Kafka-protocol broker for one test (starts in about 0.1 s)."""
    broker = TansuBroker().start()
    yield broker
    broker.stop()


def kafka_transport_for(bootstrap: str, **kw):
    from shared.messaging.transport.kafka import KafkaTransport

    opts = dict(
        enable_idempotence=False,
        session_timeout_ms=6000,
        heartbeat_interval_ms=500,
        fetch_max_wait_ms=10,
        request_timeout_ms=5000,
        commit_timeout_s=5.0,
    )
    opts.update(kw)
    return KafkaTransport(bootstrap, **opts)


@pytest.fixture(params=["inprocess", "kafka"])
async def transport(request):
    """Each transport in turn: the in-process adapter and Kafka (Tansu)."""
    if request.param == "inprocess":
        t = InProcessTransport()
        yield t
        await t.stop()
        return
    broker = TansuBroker().start()
    t = kafka_transport_for(broker.bootstrap)
    await t.start()
    try:
        yield t
    finally:
        await t.stop()
        broker.stop()


def settings_for(settings_cls, database_url: str, **overrides):
    """Settings for a service under test: its database, the test signing key, quick retries."""
    base = dict(
        database_url=database_url,
        env="test",
        jwt_signing_key=TEST_SIGNING_KEY,
        log_json=False,
        relay_poll_interval_s=0.05,
        consumer_retry_backoff_s=0.01,
        consumer_max_attempts=3,
    )
    base.update(overrides)
    return settings_cls(**base)


def token_for(settings, role: str, sub: str | None = None, *, ttl: timedelta | None = None, now=None, **scope) -> str:
    from shared.clock import utcnow

    principal = Principal(
        sub=sub or f"test-{role}",
        role=role,
        division_code=scope.get("division_code"),
        grid_cell_ids=tuple(scope.get("grid_cell_ids", ())),
        uscc=scope.get("uscc"),
        agency_id=scope.get("agency_id"),
    )
    token, _ = issue_token(settings, principal, now=now or utcnow(), ttl=ttl)
    return token


def auth(settings, role: str, sub: str | None = None, **scope) -> dict[str, str]:
    """An Authorization header for a role (and its scope claim)."""
    return {"Authorization": f"Bearer {token_for(settings, role, sub, **scope)}"}


@asynccontextmanager
async def running(app, *, raise_app_exceptions: bool = True) -> AsyncIterator[httpx.AsyncClient]:
    """Run an app's lifespan and give an HTTP client bound to it (bugs raise in the test by default)."""
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60) as manager:
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=raise_app_exceptions)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=60) as client:
            yield client


class ServiceHarness:
    """One service app under test (inside ``running``): its client, clock, transport, context and
    settings, signed headers, and events delivered to it as another service's relay would."""

    #: The ``ce_source`` of events published without one (the registry, whose events most services consume).
    default_source = "/services/registry"

    def __init__(self, app, client, clock, transport, settings, *, seed: int = 7) -> None:
        import random

        self.app = app
        self.ctx = app.state.ctx
        self.client = client
        self.clock = clock
        self.transport = transport
        self.settings = settings
        self.rng = random.Random(seed)

    def headers(self, role: str = "admin", sub: str | None = None, **scope) -> dict[str, str]:
        return auth(self.settings, role, sub, **scope)

    @property
    def admin(self) -> dict[str, str]:
        return self.headers("admin")

    async def publish(
        self, data: EventData, *, source: str | None = None, time: datetime | None = None, event_id: str | None = None
    ) -> None:
        message = event_message(
            data, time=time or self.clock.now(), source=source or self.default_source, event_id=event_id
        )
        await self.transport.publish([message])

    async def consume(self, timeout: float = 0.0) -> int:
        """Let the service's consumer take every message waiting for it; returns how many."""
        total = 0
        while n := await self.ctx.consumers[0].run_once(timeout=timeout):
            total += n
        return total
