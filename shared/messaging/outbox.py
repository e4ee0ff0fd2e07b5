"""Transactional outbox: the table factory, the rows a unit of work writes, and the relay.

A state change and its events commit in one transaction; the relay publishes committed rows
afterwards, in order per key, retrying transport errors with backoff for ever. Only a row that
cannot be turned into a message (corrupt, or refused by the broker as too large) is set aside as
``dead``; ``anjian outbox redrive`` puts it back.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson
from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    and_,
    func,
    select,
    text,
    update,
)

from shared.clock import Clock, SystemClock
from shared.db.base import UTCDateTime
from shared.db.engine import Database
from shared.logging import get_logger
from shared.messaging.envelope import CloudEvent, format_time
from shared.messaging.transport.base import Message, PublishRejected, Transport, TransportError
from shared.metrics import OUTBOX_BACKLOG, OUTBOX_DEAD, OUTBOX_PUBLISHED

log = get_logger("anjian.outbox")

PENDING, PUBLISHED, DEAD = "pending", "published", "dead"
MAX_MESSAGE_BYTES = 1_000_000


def outbox_table(metadata: MetaData, name: str = "outbox") -> Table:
    """The outbox table on a service's own metadata."""
    return Table(
        name,
        metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("event_id", String(64), nullable=False, unique=True),
        Column("topic", String(120), nullable=False),
        Column("key", String(120), nullable=True),
        Column("type", String(200), nullable=False),
        Column("source", String(120), nullable=False),
        Column("subject", String(120), nullable=True),
        Column("time", UTCDateTime(), nullable=False),
        Column("payload", LargeBinary(), nullable=False),
        Column("extensions", Text(), nullable=True),
        Column("status", String(16), nullable=False, server_default=PENDING),
        Column("attempts", Integer(), nullable=False, server_default="0"),
        Column("available_at", UTCDateTime(), nullable=True),
        Column("lease_token", String(36), nullable=True),
        Column("lease_until", UTCDateTime(), nullable=True),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("published_at", UTCDateTime(), nullable=True),
        Column("last_error", Text(), nullable=True),
        # Only unpublished rows are scanned; the partial index stays small as history grows.
        Index(
            f"ix_{name}_pending",
            "id",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        Index(f"ix_{name}_key_id", "key", "id"),
    )


def outbox_row(event: CloudEvent, topic: str, key: str | None, now: datetime) -> dict:
    """The row a unit of work inserts for one event."""
    return {
        "event_id": event.id,
        "topic": topic,
        "key": key,
        "type": event.type,
        "source": event.source,
        "subject": event.subject,
        "time": event.time,
        "payload": orjson.dumps(event.data),
        "extensions": orjson.dumps(event.extensions).decode() if event.extensions else None,
        "status": PENDING,
        "attempts": 0,
        "created_at": now,
    }


def row_message(row) -> Message:
    """Turn an outbox row into a binary-mode CloudEvents message; raises ``ValueError`` if it cannot."""
    if not row.type or not row.topic or not row.source:
        raise ValueError("row lacks type, topic or source")
    payload = bytes(row.payload)
    if len(payload) > MAX_MESSAGE_BYTES:
        raise ValueError(f"payload of {len(payload)} bytes exceeds {MAX_MESSAGE_BYTES}")
    orjson.loads(payload)  # a row whose payload is not JSON would poison every consumer
    ext = orjson.loads(row.extensions) if row.extensions else {}
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", row.event_id.encode()),
        ("ce_source", row.source.encode()),
        ("ce_type", row.type.encode()),
        ("ce_time", format_time(row.time).encode()),
        ("content-type", b"application/json"),
    ]
    if row.subject:
        headers.append(("ce_subject", row.subject.encode()))
    headers.extend((f"ce_{k}", str(v).encode()) for k, v in ext.items())
    return Message(row.topic, row.key.encode() if row.key else None, payload, tuple(headers))


@dataclass
class Backlog:
    pending: int
    dead: int
    oldest_age_s: float | None


class OutboxRelay:
    """Publishes committed outbox rows; wakes on commit instead of waiting for the next poll."""

    def __init__(
        self,
        *,
        db: Database,
        table: Table,
        transport: Transport,
        service: str,
        batch_size: int = 500,
        poll_interval_s: float = 1.0,
        lease_s: float = 30.0,
        backoff_max_s: float = 30.0,
        clock: Clock | None = None,
    ) -> None:
        self.db = db
        self.t = table
        self.transport = transport
        self.service = service
        self.batch_size = batch_size
        self.poll_interval_s = poll_interval_s
        self.lease = timedelta(seconds=lease_s)
        self.backoff_max_s = backoff_max_s
        self.clock = clock or SystemClock()
        self._wakeup = asyncio.Event()
        self._failures = 0
        self._lock_key = int.from_bytes(f"outbox:{service}".encode()[:8].ljust(8, b"\0"), "big") & 0x7FFF_FFFF_FFFF_FFFF

    def wake(self) -> None:
        """Called after every commit that wrote outbox rows."""
        self._wakeup.set()

    def _retry_delay(self, attempts: int) -> float:
        return min(self.backoff_max_s, 0.05 * 2 ** min(attempts, 20))

    async def _claim(self, token: str) -> list:
        """Lease the next publishable rows, at most one unbroken run per key, in id order."""
        now = self.clock.now()
        t = self.t
        async with self.db.session(write=True) as s:
            if not self.db.sqlite:
                # Claims are serialized (they are short) so two relays never split one key's run;
                # SKIP LOCKED keeps them off rows another transaction is finishing.
                await s.execute(select(func.pg_advisory_xact_lock(self._lock_key)))
            stmt = (
                select(t.c.id, t.c.key, t.c.lease_token, t.c.lease_until, t.c.available_at)
                .where(t.c.status == PENDING)
                .order_by(t.c.id)
                .limit(self.batch_size * 2)
            )
            if not self.db.sqlite:
                stmt = stmt.with_for_update(skip_locked=True)
            candidates = (await s.execute(stmt)).all()
            chosen: list[int] = []
            blocked: set = set()
            for c in candidates:
                if c.key in blocked:
                    continue
                leased = c.lease_token is not None and c.lease_until is not None and c.lease_until > now
                waiting = c.available_at is not None and c.available_at > now
                if leased or waiting:
                    blocked.add(c.key)  # an earlier row of this key is in flight or backing off
                    continue
                chosen.append(c.id)
                if len(chosen) >= self.batch_size:
                    break
            if not chosen:
                await s.rollback()
                return []
            await s.execute(
                update(t)
                .where(t.c.id.in_(chosen))
                .values(lease_token=token, lease_until=now + self.lease, attempts=t.c.attempts + 1)
            )
            rows = (await s.execute(select(t).where(t.c.id.in_(chosen)).order_by(t.c.id))).all()
            await s.commit()
            return rows

    async def _finish(self, ids: list[int], token: str, **values) -> None:
        if not ids:
            return
        t = self.t
        async with self.db.session(write=True) as s:
            await s.execute(
                update(t)
                .where(and_(t.c.id.in_(ids), t.c.lease_token == token))
                .values(lease_token=None, lease_until=None, **values)
            )
            await s.commit()

    async def run_once(self) -> int:
        """Publish one batch; returns how many rows were published. Transport errors propagate."""
        token = str(uuid.uuid4())
        rows = await self._claim(token)
        if not rows:
            return 0
        messages, ids, dead = [], [], []
        for r in rows:
            try:
                messages.append(row_message(r))
                ids.append(r.id)
            except (ValueError, TypeError, UnicodeError) as exc:
                dead.append((r.id, f"cannot serialize: {exc}"))
        for rid, err in dead:
            log.error("outbox row dead-lettered", service=self.service, row=rid, error=err)
            await self._finish([rid], token, status=DEAD, last_error=err)
            OUTBOX_DEAD.labels(self.service).inc()
        try:
            await self.transport.publish(messages)
        except PublishRejected as exc:
            # Everything before the refused message went out; the refused one is set aside.
            await self._finish(ids[: exc.index], token, status=PUBLISHED, published_at=self.clock.now())
            await self._finish([ids[exc.index]], token, status=DEAD, last_error=f"rejected by broker: {exc.reason}")
            OUTBOX_DEAD.labels(self.service).inc()
            await self._release(ids[exc.index + 1 :], token, str(exc), rows)
            return exc.index
        except TransportError as exc:
            ok = set(getattr(exc, "succeeded", []) or [])
            done = [i for n, i in enumerate(ids) if n in ok]
            await self._finish(done, token, status=PUBLISHED, published_at=self.clock.now())
            await self._release([i for n, i in enumerate(ids) if n not in ok], token, str(exc), rows)
            raise
        await self._finish(ids, token, status=PUBLISHED, published_at=self.clock.now())
        OUTBOX_PUBLISHED.labels(self.service).inc(len(ids))
        return len(ids)

    async def _release(self, ids: list[int], token: str, error: str, rows) -> None:
        """Give rows back after a transport error, each waiting a growing delay."""
        if not ids:
            return
        attempts = max((r.attempts for r in rows), default=1)
        await self._finish(
            ids,
            token,
            last_error=error[:2000],
            available_at=self.clock.now() + timedelta(seconds=self._retry_delay(attempts)),
        )

    async def drain(self) -> int:
        """Publish until nothing is publishable now (tests, shutdown)."""
        total = 0
        while n := await self.run_once():
            total += n
        return total

    async def run(self) -> None:
        """The relay loop: publish, and on transport errors back off and retry for ever."""
        while True:
            self._wakeup.clear()
            try:
                n = await self.run_once()
                self._failures = 0
            except TransportError as exc:
                self._failures += 1
                delay = self._retry_delay(self._failures)
                log.warning(
                    "relay publish failed; retrying",
                    service=self.service,
                    error=str(exc)[:300],
                    retry_in_s=round(delay, 2),
                )
                await asyncio.sleep(delay)
                continue
            except Exception as exc:  # the database is unreachable, or a bug: never let the loop die
                self._failures += 1
                delay = self._retry_delay(self._failures)
                log.error("relay error; retrying", service=self.service, error=repr(exc)[:300])
                await asyncio.sleep(delay)
                continue
            if n >= self.batch_size:
                continue
            try:
                await asyncio.wait_for(self._wakeup.wait(), self.poll_interval_s)
            except TimeoutError:
                pass

    async def backlog(self) -> Backlog:
        t = self.t
        async with self.db.read() as s:
            pending, oldest = (
                await s.execute(select(func.count(), func.min(t.c.created_at)).where(t.c.status == PENDING))
            ).one()
            dead = (await s.execute(select(func.count()).where(t.c.status == DEAD))).scalar_one()
        age = None
        if oldest is not None:
            if oldest.tzinfo is None:
                from datetime import UTC

                oldest = oldest.replace(tzinfo=UTC)
            age = max(0.0, (self.clock.now() - oldest).total_seconds())
        OUTBOX_BACKLOG.labels(self.service).set(pending)
        return Backlog(pending, dead, age)

    async def redrive(self, ids: list[int] | None = None) -> int:
        """Put dead rows back in line (all, or the given ids); returns how many."""
        t = self.t
        cond = t.c.status == DEAD
        if ids:
            cond = and_(cond, t.c.id.in_(ids))
        async with self.db.session(write=True) as s:
            res = await s.execute(
                update(t).where(cond).values(status=PENDING, available_at=None, lease_token=None, lease_until=None)
            )
            await s.commit()
        self.wake()
        return res.rowcount or 0
