"""Webhook endpoints (staff side): register with a signing secret shown once, list, enable, redeliver."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select

from services.incentives.domain.webhooks import check_webhook_url, generate_secret
from services.incentives.models import WebhookDelivery, WebhookEndpoint
from services.incentives.schemas.webhooks import (
    DeliveryPublic,
    Redelivered,
    RedeliverEnterprise,
    WebhookCreate,
    WebhookCreated,
    WebhookPublic,
)
from services.incentives.service.agencies import get_agency_row
from services.incentives.service.deliveries import ACTIVE, DELIVERED, DISABLED, FAILED, PENDING
from services.incentives.service.partner import normalize_uscc
from shared.api.pagination import PageParams, paginate
from shared.db.uow import UnitOfWork
from shared.errors import NotFound
from shared.ids import new_id
from shared.security.principal import Principal


def _public(row: WebhookEndpoint) -> WebhookPublic:
    return WebhookPublic(
        id=row.id,
        agency_id=row.agency_id,
        url=row.url,
        status=row.status,
        disabled_reason=row.disabled_reason,
        disabled_at=row.disabled_at,
        version=row.version,
        created_at=row.created_at,
    )


def _delivery(row: WebhookDelivery) -> DeliveryPublic:
    return DeliveryPublic(
        id=row.id,
        endpoint_id=row.endpoint_id,
        event_id=row.event_id,
        event_type=row.event_type,
        uscc=row.uscc,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at if row.status == PENDING else None,
        last_attempt_at=row.last_attempt_at,
        last_status=row.last_status,
        last_error=row.last_error,
        delivered_at=row.delivered_at,
        created_at=row.created_at,
    )


def _wake(uow: UnitOfWork) -> None:
    partner = uow.ctx.state.get("partner") if uow.ctx else None
    if partner is not None:
        partner.webhooks.wake()


async def create_webhook(*, uow: UnitOfWork, agency_id: str, data: WebhookCreate) -> WebhookCreated:
    """Register an endpoint; its signing secret is in this answer only."""
    await get_agency_row(uow, agency_id)
    check_webhook_url(data.url, allow_private=uow.ctx.settings.webhook_allow_private)
    now = uow.now()
    row = WebhookEndpoint(
        id=new_id(), agency_id=agency_id, url=data.url, secret=generate_secret(), created_at=now, updated_at=now
    )
    uow.session.add(row)
    await uow.commit()
    return WebhookCreated(**_public(row).model_dump(), secret=row.secret)


async def _endpoint(uow: UnitOfWork, agency_id: str, webhook_id: str) -> WebhookEndpoint:
    row = await uow.session.get(WebhookEndpoint, webhook_id)
    if row is None or row.agency_id != agency_id:
        raise NotFound(f"no webhook {webhook_id} for agency {agency_id}", code="webhook_not_found")
    return row


async def list_webhooks(*, uow: UnitOfWork, agency_id: str) -> list[WebhookPublic]:
    """An agency's endpoints (without secrets)."""
    await get_agency_row(uow, agency_id)
    rows = (
        await uow.session.exec(
            select(WebhookEndpoint).where(WebhookEndpoint.agency_id == agency_id).order_by(WebhookEndpoint.created_at)
        )
    ).all()
    return [_public(r) for r in rows]


async def set_webhook_status(
    *, uow: UnitOfWork, user: Principal, agency_id: str, webhook_id: str, active: bool
) -> WebhookPublic:
    """Enable (queued deliveries resume, oldest first) or disable an endpoint."""
    row = await _endpoint(uow, agency_id, webhook_id)
    target = ACTIVE if active else DISABLED
    if row.status != target:
        now = uow.now()
        row.status = target
        row.disabled_reason = None if active else f"disabled by {user.sub}"
        row.disabled_at = None if active else now
        row.updated_at = now
        row.version += 1
        uow.session.add(row)
        await uow.commit()
        if active:
            _wake(uow)
    return _public(row)


async def list_deliveries(
    *, uow: UnitOfWork, agency_id: str, webhook_id: str, page: PageParams, status: str | None, uscc: str | None
) -> tuple[list[DeliveryPublic], int]:
    """An endpoint's deliveries, newest first."""
    await _endpoint(uow, agency_id, webhook_id)
    stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == webhook_id)
    if status:
        stmt = stmt.where(WebhookDelivery.status == status)
    if uscc:
        stmt = stmt.where(WebhookDelivery.uscc == normalize_uscc(uscc))
    rows, total = await paginate(uow.session, stmt.order_by(col(WebhookDelivery.id).desc()), page)
    return [_delivery(r[0]) for r in rows], total


_REQUEUE = {
    "status": PENDING,
    "attempts": 0,
    "lease_until": None,
    "delivered_at": None,
}


async def redeliver(*, uow: UnitOfWork, agency_id: str, webhook_id: str, delivery_id: int) -> DeliveryPublic:
    """Send one delivery again with a fresh retry schedule (it keeps its place in the enterprise's order)."""
    await _endpoint(uow, agency_id, webhook_id)
    row = await uow.session.get(WebhookDelivery, delivery_id)
    if row is None or row.endpoint_id != webhook_id:
        raise NotFound(f"no delivery {delivery_id} for webhook {webhook_id}", code="delivery_not_found")
    await uow.session.execute(
        update(WebhookDelivery).where(WebhookDelivery.id == delivery_id).values(next_attempt_at=uow.now(), **_REQUEUE)
    )
    await uow.commit()
    await uow.session.refresh(row)
    _wake(uow)
    return _delivery(row)


async def redeliver_enterprise(
    *, uow: UnitOfWork, agency_id: str, webhook_id: str, data: RedeliverEnterprise
) -> Redelivered:
    """Send an enterprise's given-up deliveries again (and its delivered ones on request), in their order."""
    await _endpoint(uow, agency_id, webhook_id)
    statuses = [FAILED, DELIVERED] if data.include_delivered else [FAILED]
    result = await uow.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.endpoint_id == webhook_id,
            WebhookDelivery.uscc == normalize_uscc(data.uscc),
            col(WebhookDelivery.status).in_(statuses),
        )
        .values(next_attempt_at=uow.now(), **_REQUEUE)
    )
    await uow.commit()
    _wake(uow)
    return Redelivered(requeued=result.rowcount or 0)
