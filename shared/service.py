"""What one running service owns: settings, database, transport, relay, consumers, jobs, auth.

Each service describes itself with a ``ServiceSpec``; ``ServiceContext`` brings it to life. The same
context runs embedded (shared in-process transport, SQLite) and distributed (Kafka, PostgreSQL).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import MetaData, Table

from shared.clock import Clock, SystemClock
from shared.contracts import dlq_topic
from shared.db.engine import Database
from shared.db.uow import UnitOfWork
from shared.logging import get_logger
from shared.messaging.dispatcher import EventConsumer, Handlers
from shared.messaging.outbox import OutboxRelay
from shared.messaging.runtime import Runtime
from shared.messaging.transport import Transport, make_transport
from shared.metrics import JOB_RUNS
from shared.settings import ServiceSettings
from shared.tuning import tune_process

log = get_logger("anjian.service")


@dataclass(frozen=True)
class Job:
    """A scheduled, idempotent job: ``fn(ctx)`` runs every ``interval_s`` whether or not anyone uses the system."""

    name: str
    interval_s: float
    fn: Callable[[ServiceContext], Awaitable[Any]]


@dataclass(frozen=True)
class ConsumerSpec:
    name: str
    handlers: Handlers


@dataclass
class ServiceSpec:
    name: str
    metadata: MetaData
    outbox: Table
    inbox: Table | None = None
    idempotency: Table | None = None
    produces: tuple[str, ...] = ()
    consumers: tuple[ConsumerSpec, ...] = ()
    jobs: tuple[Job, ...] = ()
    #: Path prefixes this service answers (the suite routes them to it).
    path_prefixes: tuple[str, ...] = ()
    #: Called once after start (e.g. seed reference data); gets the context.
    on_start: tuple[Callable[[ServiceContext], Awaitable[None]], ...] = ()
    extras: dict[str, Any] = field(default_factory=dict)


class ServiceContext:
    """The live service: build once per app; ``start()`` in the lifespan, ``stop()`` at shutdown."""

    def __init__(
        self,
        spec: ServiceSpec,
        settings: ServiceSettings,
        *,
        transport: Transport | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.spec = spec
        self.name = spec.name
        self.settings = settings
        self.clock = clock or SystemClock()
        self.db = Database(
            settings.database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            echo=settings.db_echo,
        )
        self._owns_transport = transport is None
        self.transport: Transport = transport or make_transport(settings)
        self.relay = OutboxRelay(
            db=self.db,
            table=spec.outbox,
            transport=self.transport,
            service=spec.name,
            batch_size=settings.relay_batch_size,
            poll_interval_s=settings.relay_poll_interval_s,
            lease_s=settings.relay_lease_s,
            backoff_max_s=settings.relay_backoff_max_s,
            clock=self.clock,
        )
        self.db.after_commit.append(self.relay.wake)
        self.consumers = [
            EventConsumer(
                name=c.name,
                group=c.name,
                handlers=c.handlers,
                transport=self.transport,
                uow_factory=self.uow,
                service=spec.name,
                max_attempts=settings.consumer_max_attempts,
                retry_backoff_s=settings.consumer_retry_backoff_s,
                batch_size=settings.consumer_batch_size,
            )
            for c in spec.consumers
        ]
        self.runtime = Runtime(spec.name)
        self.state: dict[str, Any] = {}
        self.started = False
        from shared.security.jwt import JWTVerifier

        self.auth = JWTVerifier(settings)

    def uow(self, *, write: bool = True) -> UnitOfWork:
        return UnitOfWork(
            self.db,
            source=f"/services/{self.name}",
            outbox=self.spec.outbox,
            inbox=self.spec.inbox,
            clock=self.clock,
            write=write,
            ctx=self,
        )

    async def start(self, *, background: bool = True) -> None:
        """Open the transport, create topics, subscribe consumers, then start the background tasks."""
        self.settings.check_production()
        tune_process()
        if self._owns_transport:
            await self._retry("transport start", self.transport.start)
        topics = set(self.spec.produces)
        for c in self.consumers:
            topics.update(c.topics)
        topics |= {dlq_topic(t) for t in list(topics)}
        await self._retry("topic creation", lambda: self.transport.create_topics(sorted(topics)))
        for c in self.consumers:
            await self._retry(f"consumer {c.name}", c.start)
        for hook in self.spec.on_start:
            await hook(self)
        if background:
            self.runtime.spawn("relay", self.relay.run)
            for c in self.consumers:
                self.runtime.spawn(f"consumer:{c.name}", c.run)
            if self.settings.jobs_enabled:
                for job in self.spec.jobs:
                    self.runtime.spawn(f"job:{job.name}", lambda job=job: self._run_job(job))
        self.started = True

    async def _retry(self, what: str, fn: Callable[[], Awaitable[Any]], attempts: int = 30) -> None:
        for i in range(attempts):
            try:
                await fn()
                return
            except Exception as exc:
                if i == attempts - 1:
                    raise
                log.warning(f"{what} failed; retrying", service=self.name, error=repr(exc)[:200])
                await asyncio.sleep(min(5.0, 0.2 * 2**i))

    async def run_job(self, name: str) -> Any:
        """Run one scheduled job now (tests, the CLI)."""
        job = next(j for j in self.spec.jobs if j.name == name)
        return await job.fn(self)

    async def _run_job(self, job: Job) -> None:
        while True:
            try:
                await job.fn(self)
                JOB_RUNS.labels(self.name, job.name, "ok").inc()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a failed run is retried at the next tick; the job never dies
                JOB_RUNS.labels(self.name, job.name, "error").inc()
                log.error("scheduled job failed", service=self.name, job=job.name, error=repr(exc)[:500])
            await asyncio.sleep(job.interval_s)

    async def stop(self) -> None:
        await self.runtime.stop()
        for c in self.consumers:
            await c.stop()
        if self._owns_transport:
            await self.transport.stop()
        await self.db.dispose()
        self.started = False

    async def readiness(self) -> tuple[bool, dict[str, Any]]:
        """Database reachable, background tasks alive, and the outbox backlog with its oldest age."""
        details: dict[str, Any] = {"service": self.name}
        ok = True
        try:
            await self.db.ping()
            details["database"] = "ok"
            b = await self.relay.backlog()
            details["outbox"] = {"pending": b.pending, "dead": b.dead, "oldest_age_s": b.oldest_age_s}
        except Exception as exc:
            ok = False
            details["database"] = f"error: {exc!r}"[:300]
        details["tasks"] = self.runtime.status()
        if not self.runtime.healthy:
            ok = False
        if not self.started:
            ok = False
            details["started"] = False
        return ok, details
