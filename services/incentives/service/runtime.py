"""Per-replica machinery of the partner API: key cache, rate limits, the audit writer, the fast reader.

Built once per service context (``on_start``) and kept in ``ctx.state["partner"]``.

- Keys: a verified key is cached for ``api_key_cache_ttl_s`` (5 s by default). A revocation takes
  effect at once on the replica that handled it and within that bound on every other replica;
  expiry is checked against the clock on every request.
- Audit: rows are queued in memory and written in one INSERT (COPY on PostgreSQL) every ``audit_flush_interval_s``
  (100 ms) and at shutdown. A failed write keeps the rows and retries; when the queue passes
  ``audit_queue_max`` partner queries answer 503 instead of answering unaudited.
- Reader: on PostgreSQL the hot lookup runs on an asyncpg pool of its own (prepared statements,
  no pre-ping round trip); on SQLite it is one SQLAlchemy Core statement.
"""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from sqlalchemy import insert, select
from sqlalchemy.engine import make_url

from services.incentives.models import Agency, ApiKey, PartnerQuery, StandingRow
from shared.api.ratelimit import RateLimiter
from shared.errors import DomainError, Unauthorized
from shared.logging import get_logger
from shared.security.apikeys import digest, parse_prefix

log = get_logger("anjian.incentives.partner")

_STANDING_COLUMNS = "uscc, name, credit_class, blacklisted, honour_roll, measures, as_of"


class AuditUnavailable(DomainError):
    """503: the audit cannot keep up, so the query is refused rather than answered unaudited."""

    status = 503
    code = "audit_unavailable"
    title = "Service unavailable"


@dataclass(frozen=True)
class PartnerKey:
    """A verified partner key: which agency, which domains, what limit."""

    key_id: str
    prefix: str
    agency_id: str
    domains: frozenset[str]
    rate_limit_per_minute: int
    digest: str
    expires_at: datetime | None
    revoked_at: datetime | None


class KeyVerifier:
    """Checks ``X-API-Key`` values against stored digests, with a short per-replica cache."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.ttl = timedelta(seconds=ctx.settings.api_key_cache_ttl_s)
        self._cache: dict[str, tuple[datetime, PartnerKey | None]] = {}

    async def verify(self, presented: str | None) -> PartnerKey:
        """The key's agency and limits, or 401 (missing, unknown, revoked, expired)."""
        if not presented:
            raise Unauthorized("send X-API-Key: <key>", code="missing_api_key", headers={"WWW-Authenticate": "ApiKey"})
        prefix = parse_prefix(presented)
        now = self.ctx.clock.now()
        key = await self._load(prefix, now) if prefix else None
        if key is None or not hmac.compare_digest(digest(presented), key.digest):
            raise Unauthorized("unknown API key", code="invalid_api_key", headers={"WWW-Authenticate": "ApiKey"})
        if key.revoked_at is not None:
            raise Unauthorized(
                "this API key was revoked", code="api_key_revoked", headers={"WWW-Authenticate": "ApiKey"}
            )
        if key.expires_at is not None and now >= key.expires_at:
            raise Unauthorized(
                "this API key has expired", code="api_key_expired", headers={"WWW-Authenticate": "ApiKey"}
            )
        return key

    def forget(self, prefix: str) -> None:
        """Drop a cached key (its revocation on this replica takes effect at once)."""
        self._cache.pop(prefix, None)

    async def _load(self, prefix: str, now: datetime) -> PartnerKey | None:
        hit = self._cache.get(prefix)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        k, a = ApiKey.__table__, Agency.__table__
        stmt = (
            select(
                k.c.id,
                k.c.agency_id,
                k.c.rate_limit_per_minute,
                k.c.digest,
                k.c.expires_at,
                k.c.revoked_at,
                a.c.domains,
            )
            .join(a, a.c.id == k.c.agency_id)
            .where(k.c.prefix == prefix)
        )
        async with self.ctx.db.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        key = (
            PartnerKey(
                key_id=row.id,
                prefix=prefix,
                agency_id=row.agency_id,
                domains=frozenset(row.domains or ()),
                rate_limit_per_minute=row.rate_limit_per_minute,
                digest=row.digest,
                expires_at=row.expires_at,
                revoked_at=row.revoked_at,
            )
            if row is not None
            else None
        )
        if len(self._cache) > 10_000:
            self._cache.clear()  # unknown prefixes are cached too; keep the cache bounded
        self._cache[prefix] = (now, key)
        return key


class AuditLog:
    """Partner-query audit rows, queued in memory and written in batches; never dropped."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.interval_s = ctx.settings.audit_flush_interval_s
        self.max_queued = ctx.settings.audit_queue_max
        self._rows: list[dict[str, Any]] = []
        self._lock = asyncio.Lock()
        #: A faster writer (PostgreSQL COPY), set by the partner runtime where there is one.
        self.copy = None

    @property
    def queued(self) -> int:
        return len(self._rows)

    def ensure_capacity(self, n: int = 1) -> None:
        """Refuse (503) a query whose audit rows could not be kept."""
        if len(self._rows) + n > self.max_queued:
            raise AuditUnavailable("the partner-query audit is behind; retry shortly", headers={"Retry-After": "1"})

    def record(self, rows: list[dict[str, Any]]) -> None:
        self._rows.extend(rows)

    async def flush(self) -> int:
        """Write every queued row in one statement; on failure the rows stay queued."""
        async with self._lock:
            if not self._rows:
                return 0
            rows, self._rows = self._rows, []
            try:
                if self.copy is not None:
                    await self.copy(rows)
                else:
                    async with self.ctx.db.session(write=True) as s:
                        await s.execute(insert(PartnerQuery.__table__), rows)
                        await s.commit()
            except BaseException:
                self._rows[:0] = rows
                raise
            return len(rows)

    async def run(self) -> None:
        """Flush at the interval; at cancellation (shutdown) flush what is left."""
        try:
            while True:
                await asyncio.sleep(self.interval_s)
                try:
                    await self.flush()
                except Exception as exc:  # the database is away: keep the rows, try again
                    log.error("audit flush failed; rows kept", queued=len(self._rows), error=repr(exc)[:300])
        finally:
            try:
                await asyncio.shield(self.flush())
            except Exception as exc:
                log.error("audit rows lost at shutdown", queued=len(self._rows), error=repr(exc)[:300])


class StandingReader:
    """The partner API's single-row and batch reads of the denormalized standings."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self._pool: asyncpg.Pool | None = None
        self._pool_lock = asyncio.Lock()
        self.table = StandingRow.__table__

    async def _pg(self) -> asyncpg.Pool:
        if self._pool is None:
            async with self._pool_lock:
                if self._pool is None:
                    u = make_url(self.ctx.settings.database_url).set(drivername="postgresql")
                    self._pool = await asyncpg.create_pool(
                        u.render_as_string(hide_password=False),
                        min_size=1,
                        max_size=self.ctx.settings.db_pool_size,
                        server_settings={"application_name": "anjian-incentives-partner"},
                    )
        return self._pool

    async def one(self, uscc: str) -> Any | None:
        """The standing row of one code (uscc, name, credit_class, blacklisted, honour_roll, measures, as_of)."""
        if self.ctx.db.dialect == "postgresql":
            pool = await self._pg()
            async with pool.acquire() as conn:
                return await conn.fetchrow(f"SELECT {_STANDING_COLUMNS} FROM standings WHERE uscc = $1", uscc)
        t = self.table
        async with self.ctx.db.engine.connect() as conn:
            stmt = select(*(t.c[c] for c in _STANDING_COLUMNS.split(", "))).where(t.c.uscc == uscc)
            return (await conn.execute(stmt)).mappings().first()

    async def many(self, usccs: list[str]) -> dict[str, Any]:
        """The standing rows of several codes, by code, in one query."""
        if not usccs:
            return {}
        if self.ctx.db.dialect == "postgresql":
            pool = await self._pg()
            async with pool.acquire() as conn:
                rows = await conn.fetch(
                    f"SELECT {_STANDING_COLUMNS} FROM standings WHERE uscc = ANY($1::text[])", list(set(usccs))
                )
            return {r["uscc"]: r for r in rows}
        t = self.table
        out: dict[str, Any] = {}
        unique = sorted(set(usccs))
        async with self.ctx.db.engine.connect() as conn:
            for i in range(0, len(unique), 500):  # SQLite's bound-parameter limit
                stmt = select(*(t.c[c] for c in _STANDING_COLUMNS.split(", "))).where(t.c.uscc.in_(unique[i : i + 500]))
                for r in (await conn.execute(stmt)).mappings():
                    out[r["uscc"]] = r
        return out

    async def copy_audit(self, rows: list[dict[str, Any]]) -> None:
        """Write audit rows with COPY (PostgreSQL): a tenth of an INSERT's cost at partner-query rates."""
        pool = await self._pg()
        columns = list(rows[0])
        async with pool.acquire() as conn:
            await conn.copy_records_to_table(
                "partner_queries", records=[tuple(r[c] for c in columns) for r in rows], columns=columns
            )

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()


class PartnerRuntime:
    """Everything the partner API and the webhook worker keep per replica."""

    def __init__(self, ctx) -> None:
        from services.incentives.service.deliveries import WebhookSender

        self.ctx = ctx
        self.keys = KeyVerifier(ctx)
        self.limiter = RateLimiter(
            ctx.settings.partner_rate_limit_per_minute, clock=lambda: ctx.clock.now().timestamp()
        )
        self.audit = AuditLog(ctx)
        self.reader = StandingReader(ctx)
        if ctx.db.dialect == "postgresql":
            self.audit.copy = self.reader.copy_audit
        self.webhooks = WebhookSender(ctx)

    async def run(self) -> None:
        """The always-on task: write the audit; at shutdown flush it and close connections."""
        try:
            await self.audit.run()
        finally:
            await self.reader.close()
            await self.webhooks.close()
