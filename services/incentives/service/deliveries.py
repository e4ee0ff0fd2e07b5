"""Webhook deliveries: queued with the change that caused them, sent by a worker in order per enterprise.

Per endpoint and enterprise only the oldest pending delivery may be sent: a later event waits
until the earlier one is delivered or given up, so a partner never sees a lift before its push.
Attempts follow ``domain.webhooks.RetryPolicy`` (about 27 hours); a 429/503 Retry-After is a
floor; 410 disables the endpoint (its queue waits until staff enable it again). Every address
the host resolves to is checked at each attempt and the request goes to the checked address, so
DNS rebinding cannot turn a public name into a private target.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import aliased

from services.incentives.domain.webhooks import (
    DeliveryOutcome,
    RetryPolicy,
    check_webhook_url,
    classify_response,
    is_forbidden_address,
    next_attempt_at,
    signed_headers,
)
from services.incentives.models import WebhookDelivery, WebhookEndpoint
from shared.db.uow import UnitOfWork
from shared.errors import Invalid
from shared.logging import get_logger
from shared.messaging.envelope import CloudEvent

log = get_logger("anjian.incentives.webhooks")

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
ACTIVE, DISABLED = "active", "disabled"
CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"

Resolver = Callable[[str, int], Awaitable[list[str]]]


async def enqueue_deliveries(*, uow: UnitOfWork, agency_id: str, event: CloudEvent) -> int:
    """Queue the event for every active endpoint of the agency, in the caller's transaction."""
    endpoints = (
        (
            await uow.session.execute(
                select(WebhookEndpoint.id).where(
                    WebhookEndpoint.agency_id == agency_id, WebhookEndpoint.status == ACTIVE
                )
            )
        )
        .scalars()
        .all()
    )
    now = uow.now()
    body = event.to_structured()
    for endpoint_id in endpoints:
        uow.session.add(
            WebhookDelivery(
                endpoint_id=endpoint_id,
                agency_id=agency_id,
                event_id=event.id,
                event_type=event.type,
                uscc=event.subject or "",
                payload=body,
                status=PENDING,
                next_attempt_at=now,
                created_at=now,
            )
        )
    return len(endpoints)


async def system_resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to now."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})


@dataclass
class Attempt:
    status: int | None
    error: str | None = None
    retry_after: timedelta | None = None


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """A Retry-After header (seconds or an HTTP date) as a delay; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(timedelta(0), when - now)


class WebhookSender:
    """The delivery worker of one replica: ``run()`` in the background, ``run_once()`` in tests."""

    def __init__(
        self,
        ctx,
        *,
        client: httpx.AsyncClient | None = None,
        resolve: Resolver | None = None,
        policy: RetryPolicy | None = None,
    ) -> None:
        s = ctx.settings
        self.ctx = ctx
        self.allow_private = s.webhook_allow_private
        self.client = client or httpx.AsyncClient(
            timeout=s.webhook_timeout_s, follow_redirects=False, headers={"user-agent": "anjian-webhooks/1"}
        )
        self.resolve: Resolver = resolve or system_resolve
        self.policy = policy or RetryPolicy()
        self.batch_size = s.webhook_batch_size
        self.lease = timedelta(seconds=s.webhook_lease_s)
        self.retry_after_max = timedelta(seconds=s.webhook_retry_after_max_s)
        self.poll_interval_s = s.webhook_poll_interval_s
        self._semaphore = asyncio.Semaphore(s.webhook_concurrency)
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        """Called after commits that may have queued deliveries."""
        self._wakeup.set()

    async def close(self) -> None:
        await self.client.aclose()

    async def run(self) -> None:
        """Send due deliveries for ever; woken by new ones, else polling for retries that fall due."""
        while True:
            self._wakeup.clear()
            try:
                n = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database is away, or a bug: the loop must not die
                log.error("webhook worker error; retrying", error=repr(exc)[:300])
                n = 0
            if n >= self.batch_size:
                continue
            try:
                await asyncio.wait_for(self._wakeup.wait(), self.poll_interval_s)
            except TimeoutError:
                pass

    async def drain(self, rounds: int = 100) -> int:
        """Send until nothing is due now (tests); returns how many attempts were made."""
        total = 0
        for _ in range(rounds):
            n = await self.run_once()
            if not n:
                break
            total += n
        return total

    async def run_once(self) -> int:
        """Claim the due head of each (endpoint, enterprise) queue, send them, record the outcomes."""
        claimed = await self._claim()
        if not claimed:
            return 0
        results = await asyncio.gather(*(self._send(d, e) for d, e in claimed))
        await self._record(claimed, results)
        return len(claimed)

    async def _claim(self) -> list[tuple]:
        now = self.ctx.clock.now()
        d = WebhookDelivery.__table__
        e = WebhookEndpoint.__table__
        earlier = aliased(WebhookDelivery.__table__)
        stmt = (
            select(d, e.c.url, e.c.secret)
            .join(e, e.c.id == d.c.endpoint_id)
            .where(
                d.c.status == PENDING,
                e.c.status == ACTIVE,
                d.c.next_attempt_at <= now,
                (d.c.lease_until.is_(None)) | (d.c.lease_until <= now),
                ~exists().where(
                    and_(
                        earlier.c.endpoint_id == d.c.endpoint_id,
                        earlier.c.uscc == d.c.uscc,
                        earlier.c.status == PENDING,
                        earlier.c.id < d.c.id,
                    )
                ),
            )
            .order_by(d.c.id)
            .limit(self.batch_size)
        )
        async with self.ctx.db.session(write=True) as s:
            if self.ctx.db.dialect == "postgresql":
                # Two replicas never send the same delivery: rows one has claimed are skipped by the other.
                stmt = stmt.with_for_update(of=d, skip_locked=True)
            rows = (await s.execute(stmt)).all()
            if not rows:
                await s.rollback()
                return []
            await s.execute(update(d).where(d.c.id.in_([r.id for r in rows])).values(lease_until=now + self.lease))
            await s.commit()
        return [(r, (r.url, r.secret)) for r in rows]

    async def _send(self, d, endpoint: tuple[str, str]) -> Attempt:
        url, secret = endpoint
        async with self._semaphore:
            try:
                return await self._post(d, url, secret)
            except Invalid as exc:
                return Attempt(None, f"refused: {exc.detail}: {'; '.join(e['message'] for e in exc.errors or [])}")
            except (httpx.HTTPError, OSError) as exc:
                return Attempt(None, f"{type(exc).__name__}: {exc}"[:1000])

    async def _post(self, d, url: str, secret: str) -> Attempt:
        scheme, host, port = check_webhook_url(url, allow_private=self.allow_private)
        try:
            addresses = await self.resolve(host, port)
        except OSError as exc:
            return Attempt(None, f"cannot resolve {host}: {exc}")
        if not addresses:
            return Attempt(None, f"{host} resolves to no address")
        if not self.allow_private:
            forbidden = [a for a in addresses if is_forbidden_address(a)]
            if forbidden:
                return Attempt(None, f"refused: {host} resolves to a non-public address ({', '.join(forbidden)})")
        target = httpx.URL(url).copy_with(host=addresses[0])
        now = self.ctx.clock.now()
        headers = signed_headers(secret, d.event_id, int(now.timestamp()), d.payload)
        headers["content-type"] = CONTENT_TYPE
        headers["host"] = httpx.URL(url).netloc.decode("ascii")
        extensions = {"sni_hostname": host} if scheme == "https" else {}
        response = await self.client.post(target, content=d.payload, headers=headers, extensions=extensions)
        retry_after = None
        if response.status_code in (429, 503):
            retry_after = parse_retry_after(response.headers.get("retry-after"), now)
            if retry_after is not None:
                retry_after = min(retry_after, self.retry_after_max)
        error = None if response.is_success else response.text[:500]
        return Attempt(response.status_code, error, retry_after)

    async def _record(self, claimed: list[tuple], results: list[Attempt]) -> None:
        now = self.ctx.clock.now()
        d = WebhookDelivery.__table__
        e = WebhookEndpoint.__table__
        async with self.ctx.db.session(write=True) as s:
            for (row, (url, _)), result in zip(claimed, results, strict=True):
                attempts = row.attempts + 1
                values = {
                    "attempts": attempts,
                    "last_attempt_at": now,
                    "last_status": result.status,
                    "last_error": result.error,
                    "lease_until": None,
                }
                outcome = classify_response(result.status)
                if outcome is DeliveryOutcome.DELIVERED:
                    values |= {"status": DELIVERED, "delivered_at": now, "last_error": None}
                elif outcome is DeliveryOutcome.DISABLE:
                    # The endpoint is retired; this delivery stays first in line for when staff enable it again.
                    await s.execute(
                        update(e)
                        .where(e.c.id == row.endpoint_id, e.c.status == ACTIVE)
                        .values(
                            status=DISABLED,
                            disabled_reason=f"410 Gone from {url}",
                            disabled_at=now,
                            updated_at=now,
                            version=e.c.version + 1,
                        )
                    )
                    log.warning("webhook endpoint disabled by 410", endpoint=row.endpoint_id)
                else:
                    nxt = next_attempt_at(self.policy, attempts, now, result.retry_after)
                    if nxt is None:
                        values["status"] = FAILED
                        log.warning("webhook delivery given up", delivery=row.id, endpoint=row.endpoint_id)
                    else:
                        values["next_attempt_at"] = nxt
                await s.execute(update(d).where(d.c.id == row.id).values(**values))
            await s.commit()
