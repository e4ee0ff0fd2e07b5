"""Transactional outbox: the table factory, the rows a unit of work writes, and the relay.

A state change and its events commit in one transaction; the relay publishes committed rows
afterwards, in order per key, retrying transport errors with backoff for ever. Only a row that
cannot be turned into a message (corrupt, or refused by the broker as too large) is set aside as
``dead``; ``anjian outbox redrive`` puts it back.
"""

from __future__ import annotations

import asyncio
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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
    Table(
        name,
        metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("event_id", String(64), nullable=False),
        Column("topic", String(120), nullable=False),
        Column("key", String(120), nullable=True),
        Column("type", String(200), nullable=False),
        Column("source", String(120), nullable=False),
        Column("subject", String(120), nullable=True),
        Column("time", UTCDateTime(), nullable=False),
        Column("payload", LargeBinary(), nullable=False),
        # The binary-mode CloudEvents headers, encoded once at write time (see headers_blob).
        Column("headers", LargeBinary(), nullable=False),
        Column("status", String(16), nullable=False, server_default=PENDING),
        Column("attempts", Integer(), nullable=False, server_default="0"),
        Column("available_at", UTCDateTime(), nullable=True),
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
    )
    Table(
        f"{name}_leases",
        metadata,
        # A relay's claim: the token guards the rows it names until ``lease_until``. One small row
        # per batch instead of a write to every claimed row halves the relay's database work.
        Column("token", String(36), primary_key=True),
        Column("relay", String(120), nullable=False),
        Column("ids", Text(), nullable=False),
        Column("lease_until", UTCDateTime(), nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
    )
    return metadata.tables[name]


#: Columns a unit of work writes, in the order of ``outbox_row``'s tuple.
INSERT_COLUMNS = (
    "event_id",
    "topic",
    "key",
    "type",
    "source",
    "subject",
    "time",
    "payload",
    "headers",
    "status",
    "attempts",
    "created_at",
)


def outbox_row(event: CloudEvent, topic: str, key: str | None, now: datetime, *, sqlite: bool) -> tuple:
    """The row a unit of work inserts for one event, as driver parameters (``INSERT_COLUMNS`` order).

    Rows go to the driver's bulk insert as they are: on SQLite times are the text UTCDateTime stores.
    """
    t, created = event.time, now
    if sqlite:
        t = _sqlite_time(t)
        created = t if now is event.time else _sqlite_time(now)
    return (
        event.id,
        topic,
        key,
        event.type,
        event.source,
        event.subject,
        t,
        orjson.dumps(event.data),
        headers_blob(event),
        PENDING,
        0,
        created,
    )


def insert_sql(table: str, dialect: str) -> str:
    cols = ", ".join(INSERT_COLUMNS)
    if dialect == "sqlite":
        marks = ", ".join("?" for _ in INSERT_COLUMNS)
    else:
        marks = ", ".join(f"${i}" for i in range(1, len(INSERT_COLUMNS) + 1))
    return f"INSERT INTO {table} ({cols}) VALUES ({marks})"


def _sqlite_time(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def headers_blob(event: CloudEvent) -> bytes:
    """The binary-mode CloudEvents headers of ``event`` as one blob: name NUL value NUL ...

    No CloudEvents attribute contains NUL, so the relay splits it back without parsing.
    """
    parts = [
        "ce_specversion",
        event.specversion,
        "ce_id",
        event.id,
        "ce_source",
        event.source,
        "ce_type",
        event.type,
        "ce_time",
        format_time(event.time),
        "content-type",
        event.datacontenttype,
    ]
    if event.subject:
        parts += ("ce_subject", event.subject)
    for k, v in event.extensions.items():
        parts += (f"ce_{k}", v)
    text = "\0".join(parts)
    if text.count("\0") != len(parts) - 1:
        raise ValueError("a CloudEvents attribute contains NUL")
    return text.encode()


#: Header names seen so far (a handful: the CloudEvents attributes and extensions), decoded once.
_NAMES: dict[bytes, str] = {
    n.encode(): n
    for n in (
        "ce_specversion",
        "ce_id",
        "ce_source",
        "ce_type",
        "ce_time",
        "content-type",
        "ce_subject",
        "ce_requestid",
    )
}


def _name(raw: bytes) -> str:
    name = raw.decode()
    if len(_NAMES) < 1000:
        _NAMES[raw] = name
    return name


def decode_headers(blob: bytes) -> list[tuple[str, bytes]]:
    parts = bytes(blob).split(b"\0")
    if len(parts) % 2:
        raise ValueError("odd number of header parts")
    get = _NAMES.get
    return list(zip([get(p) or _name(p) for p in parts[0::2]], parts[1::2], strict=True))


def row_message(row) -> Message:
    """Turn an outbox row into a binary-mode CloudEvents message; raises ``ValueError`` if it cannot."""
    if not row.topic:
        raise ValueError("row lacks a topic")
    payload = bytes(row.payload)
    if len(payload) > MAX_MESSAGE_BYTES:
        raise ValueError(f"payload of {len(payload)} bytes exceeds {MAX_MESSAGE_BYTES}")
    if payload[:1] != b"{" or payload[-1:] != b"}":
        raise ValueError("payload is not a JSON object")
    headers = decode_headers(row.headers)
    if not headers or headers[0][0] != "ce_specversion":
        raise ValueError("headers are not CloudEvents headers")
    key = row.key
    return Message(row.topic, key.encode() if key else None, payload, headers)


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
        batch_size: int = 5000,
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
        self.leases = table.metadata.tables[f"{table.name}_leases"].name
        self._lock_key = int.from_bytes(f"outbox:{service}".encode()[:8].ljust(8, b"\0"), "big") & 0x7FFF_FFFF_FFFF_FFFF

    def wake(self) -> None:
        """Called after every commit that wrote outbox rows."""
        self._wakeup.set()

    def _retry_delay(self, attempts: int) -> float:
        return min(self.backoff_max_s, 0.05 * 2 ** min(attempts, 20))

    @asynccontextmanager
    async def _raw(self, *, transaction: bool = True):
        """A driver connection in a transaction (the relay's hot path skips the ORM layer).

        On SQLite the transaction takes the write lock at once (BEGIN IMMEDIATE); on PostgreSQL
        claims take a transaction-scoped advisory lock, so two relays never split one key's run.
        """
        async with self.db.relay_engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            if self.db.sqlite:
                await raw.execute("BEGIN IMMEDIATE")
                try:
                    yield _SqliteQ(raw)
                except BaseException:
                    await raw.rollback()
                    raise
                await raw.commit()
            elif transaction:
                async with raw.transaction():
                    yield _PgQ(raw)
            else:
                yield _PgQ(raw)  # one statement, atomic by itself

    async def _claim(self, token: str) -> list:
        """Lease the next publishable rows, at most one unbroken run per key, in id order.

        Rows under another relay's live lease, or waiting out a retry delay, block the rest of
        their key until they are published.
        """
        now = self.clock.now()
        async with self._raw() as q:
            held: set[int] = set()
            for lease_token, ids, until in await q.leases(self.leases, self._lock_key):
                if q.time(until) > now:
                    held.update(orjson.loads(ids))
                else:
                    await q.drop_lease(self.leases, lease_token)  # its relay died: the rows are free again
            # Full rows in one read, locked FOR UPDATE SKIP LOCKED on PostgreSQL; a little slack for
            # rows that turn out blocked (a short batch is fine, the next one follows).
            candidates = await q.candidates(self.t.name, self.batch_size + 64)
            # A row another relay is settling is skipped (locked), so it cannot block its key by
            # itself: look up the keys of leased rows the read did not return, and block those.
            seen = {r.id for r in candidates}
            last = candidates[-1].id if candidates else 0
            unseen = sorted(i for i in held if i < last and i not in seen)
            first_held = {}
            for i, key in await q.keys_of(self.t.name, unseen) if unseen else ():
                first_held.setdefault(key, i)
            rows: list[_ClaimedRow] = []
            blocked: set = set()
            for r in candidates:
                if r.key in blocked:
                    continue
                if (
                    r.id in held
                    or (r.available_at is not None and q.time(r.available_at) > now)
                    or first_held.get(r.key, r.id + 1) < r.id
                ):
                    blocked.add(r.key)  # with another relay, or waiting out a retry delay: its key waits
                    continue
                rows.append(r)
                if len(rows) >= self.batch_size:
                    break
            if rows:
                await q.add_lease(self.leases, token, self.service, [r.id for r in rows], now + self.lease, now)
        return rows

    async def _finish(
        self,
        ids: list[int],
        token: str,
        *,
        status: str | None = None,
        error: str | None = None,
        retry_at: datetime | None = None,
        end_lease: bool = True,
    ) -> None:
        """Settle leased rows: published, dead, or handed back (to wait until ``retry_at``).

        Marking what went out as published is true whoever holds the lease now; anything else is
        done only while the lease is still this relay's.
        """
        async with self._raw(transaction=self.db.sqlite) as q:
            await q.finish(
                self.t.name,
                self.leases,
                ids,
                token,
                status=status,
                now=self.clock.now(),
                error=error,
                retry_at=retry_at,
                end_lease=end_lease,
            )

    async def _prepare(self, token: str, rows) -> tuple[list[Message], list[int]]:
        """Messages for the claimed rows; rows that cannot become one are set aside as dead."""
        messages, ids = [], []
        for r in rows:
            try:
                messages.append(row_message(r))
                ids.append(r.id)
            except (ValueError, TypeError, UnicodeError) as exc:
                err = f"cannot serialize: {exc}"
                log.error("outbox row dead-lettered", service=self.service, row=r.id, error=err)
                await self._finish([r.id], token, status=DEAD, error=err, end_lease=False)
                OUTBOX_DEAD.labels(self.service).inc()
        return messages, ids

    async def _settle_failure(self, token: str, ids: list[int], rows, exc: Exception) -> int:
        """After a failed publish: keep what went out, set aside a refused message, retry the rest later."""
        if isinstance(exc, PublishRejected):
            await self._finish(ids[: exc.index], token, status=PUBLISHED, end_lease=False)
            await self._finish(
                [ids[exc.index]], token, status=DEAD, error=f"rejected by broker: {exc.reason}", end_lease=False
            )
            OUTBOX_DEAD.labels(self.service).inc()
            await self._release(ids[exc.index + 1 :], token, str(exc), rows)
            OUTBOX_PUBLISHED.labels(self.service).inc(exc.index)
            return exc.index
        ok = set(getattr(exc, "succeeded", []) or [])
        await self._finish([i for n, i in enumerate(ids) if n in ok], token, status=PUBLISHED, end_lease=False)
        await self._release([i for n, i in enumerate(ids) if n not in ok], token, str(exc), rows)
        return len(ok)

    async def run_once(self) -> int:
        """Publish one batch; returns how many rows were published. Transport errors propagate."""
        return (await self._batch())[0]

    async def _batch(self) -> tuple[int, int]:
        """One batch: (rows published, rows taken off the queue - published or set aside)."""
        token = str(uuid.uuid4())
        rows = await self._claim(token)
        if not rows:
            return 0, 0
        messages, ids = await self._prepare(token, rows)
        try:
            await self.transport.publish(messages)
        except TransportError as exc:
            n = await self._settle_failure(token, ids, rows, exc)
            if isinstance(exc, PublishRejected):
                return n, len(rows) - len(ids) + n + 1
            raise
        await self._finish(ids, token, status=PUBLISHED)
        OUTBOX_PUBLISHED.labels(self.service).inc(len(ids))
        return len(ids), len(rows)

    async def _release(self, ids: list[int], token: str, error: str, rows) -> None:
        """Give rows back after a transport error, each waiting a growing delay; ends the lease."""
        attempts = max((r.attempts for r in rows), default=0) + 1
        await self._finish(
            ids, token, error=error[:2000], retry_at=self.clock.now() + timedelta(seconds=self._retry_delay(attempts))
        )

    async def drain(self) -> int:
        """Publish until nothing is publishable now, batch after batch (per-key order holds)."""
        total = 0
        while True:
            published, taken = await self._batch()
            total += published
            if not taken:
                return total

    async def run(self) -> None:
        """The relay loop: publish, and on transport errors back off and retry for ever."""
        while True:
            self._wakeup.clear()
            try:
                await self.drain()
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
            res = await s.execute(update(t).where(cond).values(status=PENDING, available_at=None))
            await s.commit()
        self.wake()
        return res.rowcount or 0


class _ClaimedRow:
    __slots__ = ("id", "topic", "key", "payload", "headers", "attempts", "available_at")

    def __init__(self, id, topic, key, payload, headers, attempts, available_at) -> None:  # noqa: A002
        self.id, self.topic, self.key, self.payload = id, topic, key, payload
        self.headers, self.attempts, self.available_at = headers, attempts, available_at


_COLUMNS = "id, topic, key, payload, headers, attempts, available_at"


class _PgQ:
    """The relay's statements on PostgreSQL (asyncpg; arrays keep one prepared statement per query)."""

    def __init__(self, conn) -> None:
        self.c = conn

    @staticmethod
    def time(value: datetime) -> datetime:
        return value

    async def execute(self, sql: str, *args) -> None:
        await self.c.execute(sql, *args)

    async def leases(self, table: str, lock_key: int) -> list:
        # The lock first, in a statement of its own: a statement's snapshot is taken when it starts,
        # so reading the leases in the same statement would miss a lease the previous holder of the
        # lock committed while this one waited - and its rows would be claimed twice.
        await self.c.execute("SELECT pg_advisory_xact_lock($1)", lock_key)
        return await self.c.fetch(f"SELECT token, ids, lease_until FROM {table}")

    async def finish(self, table, leases, ids, token, *, status, now, error, retry_at, end_lease) -> None:
        # Ending the lease and settling its rows in one statement (one round trip, atomic).
        await self.c.execute(
            f"WITH dropped AS (DELETE FROM {leases} WHERE $7 AND token = $6 RETURNING 1) "
            f"UPDATE {table} SET status = COALESCE($2, status), attempts = attempts + 1, "
            "published_at = CASE WHEN $2 = 'published' THEN $3 ELSE published_at END, "
            "last_error = COALESCE($4, last_error), available_at = COALESCE($5, available_at) "
            "WHERE id = ANY($1::bigint[]) AND status = 'pending' "
            "AND ($2 = 'published' OR NOT $7 OR EXISTS (SELECT 1 FROM dropped))",
            ids,
            status,
            now,
            error,
            retry_at,
            token,
            end_lease,
        )

    async def add_lease(self, table, token, relay, ids, until, now) -> None:
        await self.c.execute(
            f"INSERT INTO {table} (token, relay, ids, lease_until, created_at) VALUES ($1, $2, $3, $4, $5)",
            token,
            relay,
            orjson.dumps(ids).decode(),
            until,
            now,
        )

    async def drop_lease(self, table: str, token: str) -> bool:
        return await self.c.fetchval(f"DELETE FROM {table} WHERE token = $1 RETURNING 1", token) is not None

    async def candidates(self, table: str, limit: int) -> list[_ClaimedRow]:
        # SKIP LOCKED: a row another transaction is settling right now is left to it.
        rows = await self.c.fetch(
            f"SELECT {_COLUMNS} FROM {table} WHERE status = 'pending' ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
            limit,
        )
        return [_ClaimedRow(*r) for r in rows]

    async def keys_of(self, table: str, ids: list[int]) -> list:
        return await self.c.fetch(f"SELECT id, key FROM {table} WHERE id = ANY($1::bigint[]) ORDER BY id", ids)


class _SqliteQ:
    """The relay's statements on SQLite (aiosqlite; id lists travel as one JSON parameter)."""

    def __init__(self, conn) -> None:
        self.c = conn

    @staticmethod
    def time(value: str | datetime) -> datetime:
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        return datetime.fromisoformat(value).replace(tzinfo=UTC)

    @staticmethod
    def ts(value: datetime | None) -> str | None:
        # The text form SQLAlchemy's SQLite DATETIME (and so UTCDateTime) stores and compares.
        return None if value is None else value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")

    async def leases(self, table: str, lock_key: int) -> list:
        # No advisory lock needed: the transaction holds SQLite's write lock already.
        cur = await self.c.execute(f"SELECT token, ids, lease_until FROM {table}")
        return await cur.fetchall()

    async def finish(self, table, leases, ids, token, *, status, now, error, retry_at, end_lease) -> None:
        owned = await self.drop_lease(leases, token) if end_lease else True
        if ids and (status == PUBLISHED or owned):
            await self.settle(table, ids, status=status, now=now, error=error, retry_at=retry_at)

    async def add_lease(self, table, token, relay, ids, until, now) -> None:
        await self.c.execute(
            f"INSERT INTO {table} (token, relay, ids, lease_until, created_at) VALUES (?, ?, ?, ?, ?)",
            (token, relay, orjson.dumps(ids).decode(), self.ts(until), self.ts(now)),
        )

    async def drop_lease(self, table: str, token: str) -> bool:
        cur = await self.c.execute(f"DELETE FROM {table} WHERE token = ?", (token,))
        return cur.rowcount == 1

    async def candidates(self, table: str, limit: int) -> list[_ClaimedRow]:
        # The transaction already holds SQLite's write lock (BEGIN IMMEDIATE): no row can be taken twice.
        cur = await self.c.execute(
            f"SELECT {_COLUMNS} FROM {table} WHERE status = 'pending' ORDER BY id LIMIT ?", (limit,)
        )
        return [_ClaimedRow(*r) for r in await cur.fetchall()]

    async def keys_of(self, table: str, ids: list[int]) -> list:
        cur = await self.c.execute(
            f"SELECT id, key FROM {table} WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (orjson.dumps(ids).decode(),),
        )
        return await cur.fetchall()

    async def settle(self, table, ids, *, status, now, error, retry_at) -> None:
        await self.c.execute(
            f"UPDATE {table} SET status = COALESCE(?1, status), attempts = attempts + 1, "
            "published_at = CASE WHEN ?1 = 'published' THEN ?2 ELSE published_at END, "
            "last_error = COALESCE(?3, last_error), available_at = COALESCE(?4, available_at) "
            "WHERE id IN (SELECT value FROM json_each(?5)) AND status = 'pending'",
            (status, self.ts(now), error, self.ts(retry_at), orjson.dumps(ids).decode()),
        )
