"""The consumer side: decode, deduplicate through the inbox, handle, commit, then commit the offset.

Delivery is at least once; effects happen exactly once because the inbox row is written in the
handler's transaction. A message whose handler keeps failing goes to ``<topic>.dlq`` with the error
in its headers (never dropped); a database or broker outage is retried for ever instead, because
dead-lettering every message during an outage would only move the problem.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, OperationalError

from shared.contracts import EventData, dlq_topic, model_for
from shared.db.uow import UnitOfWork
from shared.logging import get_logger, request_id_var
from shared.messaging.envelope import CloudEvent, EnvelopeError, from_binary
from shared.messaging.transport.base import Delivery, Message, Subscription, Transport, TransportError
from shared.metrics import CONSUMED

log = get_logger("anjian.consumer")

Handler = Callable[[UnitOfWork, CloudEvent, EventData], Awaitable[None]]


class PermanentError(Exception):
    """A handler error that no retry will fix: the message goes straight to the dead-letter topic."""


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | ConnectionError | TimeoutError | OSError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


@dataclass
class Handlers:
    """Handlers of one consumer by event type: ``@handlers.on(SomeEventV1)``."""

    by_type: dict[str, Handler] = field(default_factory=dict)

    def on(self, model: type[EventData]) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.by_type[model.event_type] = fn
            return fn

        return register

    def topics(self) -> list[str]:
        return sorted({model_for(t).topic for t in self.by_type})


class EventConsumer:
    """One consumer group member: fetches, handles in order, commits offsets after the database."""

    def __init__(
        self,
        *,
        name: str,
        group: str,
        handlers: Handlers,
        transport: Transport,
        uow_factory: Callable[[], UnitOfWork],
        service: str,
        max_attempts: int = 5,
        retry_backoff_s: float = 0.2,
        batch_size: int = 200,
    ) -> None:
        self.name = name
        self.group = group
        self.handlers = handlers
        self.topics = handlers.topics()
        self.transport = transport
        self.uow_factory = uow_factory
        self.service = service
        self.max_attempts = max_attempts
        self.retry_backoff_s = retry_backoff_s
        self.batch_size = batch_size
        self.sub: Subscription | None = None
        self.processed = 0

    async def start(self) -> None:
        if self.sub is None:
            self.sub = await self.transport.subscribe(self.topics, self.group)

    async def stop(self) -> None:
        if self.sub is not None:
            sub, self.sub = self.sub, None
            await sub.close()

    async def run_once(self, timeout: float = 0.0) -> int:
        """Fetch and handle one batch; returns how many messages it took."""
        await self.start()
        deliveries = await self.sub.fetch(self.batch_size, timeout)
        if deliveries:
            await self.handle_batch(deliveries)
            await self.sub.commit(deliveries)
        return len(deliveries)

    async def handle_batch(self, deliveries: Sequence[Delivery]) -> None:
        """Handle a fetched batch in order, in one transaction when every handler succeeds.

        One commit per batch instead of one per message is what lets a consumer keep up with a
        busy topic. If any handler fails, the batch is rolled back and handled message by message,
        with retries and dead-lettering, so one bad message costs its batch only time.
        """
        prepared: list[tuple[Delivery, CloudEvent, EventData, Handler]] = []
        for d in deliveries:
            item = await self._decode(d)
            if item is not None:
                prepared.append(item)
        if not prepared:
            return
        if len(prepared) > 1:
            try:
                async with self.uow_factory() as uow:
                    done = 0
                    for _d, event, data, handler in prepared:
                        token = request_id_var.set(event.extensions.get("requestid", "") or f"event:{event.id}")
                        try:
                            if await uow.claim_inbox(consumer=self.name, event=event):
                                await handler(uow, event, data)
                                done += 1
                        finally:
                            request_id_var.reset(token)
                    await uow.commit()
                self.processed += done
                CONSUMED.labels(self.service, self.name, "ok").inc(done)
                CONSUMED.labels(self.service, self.name, "duplicate").inc(len(prepared) - done)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.info("batch failed; handling its messages one by one", consumer=self.name, error=repr(exc)[:200])
        for d, event, data, handler in prepared:
            token = request_id_var.set(event.extensions.get("requestid", "") or f"event:{event.id}")
            try:
                await self._handle_with_retries(d, event, data, handler)
            finally:
                request_id_var.reset(token)

    async def _decode(self, d: Delivery) -> tuple[Delivery, CloudEvent, EventData, Handler] | None:
        """The event, its validated data and its handler; None when it is dead-lettered or not ours."""
        try:
            event = from_binary(d.message.headers, d.message.value)
        except EnvelopeError as exc:
            await self._dead_letter(d, exc)
            return None
        handler = self.handlers.by_type.get(event.type)
        if handler is None:
            CONSUMED.labels(self.service, self.name, "ignored").inc()
            return None
        try:
            data = model_for(event.type).model_validate(event.data)
        except ValidationError as exc:
            await self._dead_letter(d, exc)
            return None
        return d, event, data, handler

    async def run(self) -> None:
        """Consume for ever; transport errors back off and retry."""
        failures = 0
        while True:
            try:
                await self.run_once(timeout=1.0)
                failures = 0
            except TransportError as exc:
                failures += 1
                delay = min(30.0, 0.2 * 2 ** min(failures, 8))
                log.warning(
                    "consumer fetch failed; retrying", consumer=self.name, error=str(exc)[:300], retry_in_s=delay
                )
                await asyncio.sleep(delay)

    async def handle_delivery(self, d: Delivery) -> str:
        """Handle one message to the end: 'ok', 'duplicate', 'ignored' or 'dead_lettered'."""
        item = await self._decode(d)
        if item is None:
            return "ignored_or_dead_lettered"
        _d, event, data, handler = item
        token = request_id_var.set(event.extensions.get("requestid", "") or f"event:{event.id}")
        try:
            return await self._handle_with_retries(d, event, data, handler)
        finally:
            request_id_var.reset(token)

    async def _handle_with_retries(self, d: Delivery, event: CloudEvent, data: EventData, handler: Handler) -> str:
        attempts = 0
        transient_failures = 0
        while True:
            try:
                async with self.uow_factory() as uow:
                    if not await uow.claim_inbox(consumer=self.name, event=event):
                        CONSUMED.labels(self.service, self.name, "duplicate").inc()
                        return "duplicate"
                    await handler(uow, event, data)
                    await uow.commit()
                self.processed += 1
                CONSUMED.labels(self.service, self.name, "ok").inc()
                return "ok"
            except asyncio.CancelledError:
                raise
            except PermanentError as exc:
                await self._dead_letter(d, exc)
                return "dead_lettered"
            except Exception as exc:
                if _transient(exc):
                    transient_failures += 1
                    delay = min(30.0, self.retry_backoff_s * 2 ** min(transient_failures, 8))
                    log.warning(
                        "transient failure handling event; retrying",
                        consumer=self.name,
                        type=event.type,
                        error=repr(exc)[:300],
                        retry_in_s=delay,
                    )
                    await asyncio.sleep(delay)
                    continue
                attempts += 1
                if attempts >= self.max_attempts:
                    await self._dead_letter(d, exc)
                    return "dead_lettered"
                log.warning(
                    "handler failed; retrying",
                    consumer=self.name,
                    type=event.type,
                    attempt=attempts,
                    error=repr(exc)[:300],
                )
                await asyncio.sleep(self.retry_backoff_s * 2 ** (attempts - 1))

    async def _dead_letter(self, d: Delivery, exc: BaseException) -> None:
        """Publish the message unchanged to ``<topic>.dlq`` with the error; retry until the broker takes it."""
        m = d.message
        headers = tuple(m.headers) + (
            ("dlq_error_type", type(exc).__name__.encode()),
            ("dlq_error", str(exc)[:4000].encode()),
            ("dlq_consumer", self.name.encode()),
            ("dlq_original_topic", m.topic.encode()),
            ("dlq_original_partition", str(d.partition).encode()),
            ("dlq_original_offset", str(d.offset).encode()),
        )
        dead = Message(dlq_topic(m.topic), m.key, m.value, headers)
        failures = 0
        while True:
            try:
                await self.transport.publish([dead])
                break
            except TransportError as err:
                failures += 1
                await asyncio.sleep(min(30.0, 0.2 * 2 ** min(failures, 8)))
                log.warning("dead-letter publish failed; retrying", consumer=self.name, error=str(err)[:200])
        CONSUMED.labels(self.service, self.name, "dead_lettered").inc()
        log.error(
            "event dead-lettered",
            consumer=self.name,
            topic=m.topic,
            partition=d.partition,
            offset=d.offset,
            error=repr(exc)[:500],
        )


async def process(consumer: EventConsumer, deliveries: Sequence[Delivery]) -> list[str]:
    """Handle deliveries without committing offsets (tests simulate a crash before the offset commit)."""
    return [await consumer.handle_delivery(d) for d in deliveries]
