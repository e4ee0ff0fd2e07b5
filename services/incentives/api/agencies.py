"""``/incentives/v1/agencies``: partner agencies, their API keys and webhook endpoints (staff)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.incentives.api.deps import Admin, Staff
from services.incentives.schemas.partners import (
    AgencyCreate,
    AgencyPublic,
    AgencySynced,
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPublic,
)
from services.incentives.schemas.webhooks import (
    DeliveryPublic,
    Redelivered,
    RedeliverEnterprise,
    WebhookCreate,
    WebhookCreated,
    WebhookPublic,
)
from services.incentives.service import agencies, standings, webhooks
from shared.api.deps import ReadUowDep, UowDep
from shared.api.pagination import Page, PageDep

router = APIRouter(prefix="/incentives/v1/agencies", tags=["agencies"])


@router.post("", response_model=AgencyPublic, status_code=201, summary="Register a partner agency")
async def create_agency(body: AgencyCreate, uow: UowDep, _: Admin) -> AgencyPublic:
    return await agencies.create_agency(uow=uow, data=body)


@router.get("", response_model=Page[AgencyPublic], summary="Partner agencies")
async def list_agencies(
    uow: ReadUowDep, page: PageDep, _: Staff, kind: Annotated[str | None, Query()] = None
) -> Page[AgencyPublic]:
    items, total = await agencies.list_agencies(uow=uow, page=page, kind=kind)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/{agency_id}", response_model=AgencyPublic, summary="One agency")
async def get_agency(agency_id: str, uow: ReadUowDep, _: Staff) -> AgencyPublic:
    return await agencies.get_agency(uow=uow, agency_id=agency_id)


@router.post(
    "/{agency_id}/api-keys", response_model=ApiKeyCreated, status_code=201, summary="Issue an API key (shown once)"
)
async def create_api_key(agency_id: str, body: ApiKeyCreate, uow: UowDep, user: Admin) -> ApiKeyCreated:
    return await agencies.create_api_key(uow=uow, user=user, agency_id=agency_id, data=body)


@router.get("/{agency_id}/api-keys", response_model=list[ApiKeyPublic], summary="An agency's keys (prefixes only)")
async def list_api_keys(agency_id: str, uow: ReadUowDep, _: Admin) -> list[ApiKeyPublic]:
    return await agencies.list_api_keys(uow=uow, agency_id=agency_id)


@router.delete("/{agency_id}/api-keys/{key_id}", status_code=204, summary="Revoke a key")
async def revoke_api_key(agency_id: str, key_id: str, uow: UowDep, _: Admin) -> Response:
    await agencies.revoke_api_key(uow=uow, agency_id=agency_id, key_id=key_id)
    return Response(status_code=204)


@router.post(
    "/{agency_id}/webhooks", response_model=WebhookCreated, status_code=201, summary="Register a webhook endpoint"
)
async def create_webhook(agency_id: str, body: WebhookCreate, uow: UowDep, _: Admin) -> WebhookCreated:
    return await webhooks.create_webhook(uow=uow, agency_id=agency_id, data=body)


@router.get("/{agency_id}/webhooks", response_model=list[WebhookPublic], summary="An agency's webhook endpoints")
async def list_webhooks(agency_id: str, uow: ReadUowDep, _: Staff) -> list[WebhookPublic]:
    return await webhooks.list_webhooks(uow=uow, agency_id=agency_id)


@router.post("/{agency_id}/webhooks/{webhook_id}/enable", response_model=WebhookPublic, summary="Enable again")
async def enable_webhook(agency_id: str, webhook_id: str, uow: UowDep, user: Admin) -> WebhookPublic:
    return await webhooks.set_webhook_status(
        uow=uow, user=user, agency_id=agency_id, webhook_id=webhook_id, active=True
    )


@router.post("/{agency_id}/webhooks/{webhook_id}/disable", response_model=WebhookPublic, summary="Disable")
async def disable_webhook(agency_id: str, webhook_id: str, uow: UowDep, user: Admin) -> WebhookPublic:
    return await webhooks.set_webhook_status(
        uow=uow, user=user, agency_id=agency_id, webhook_id=webhook_id, active=False
    )


@router.get("/{agency_id}/webhooks/{webhook_id}/deliveries", response_model=Page[DeliveryPublic], summary="Deliveries")
async def list_deliveries(
    agency_id: str,
    webhook_id: str,
    uow: ReadUowDep,
    page: PageDep,
    _: Staff,
    status: Annotated[str | None, Query(description="pending, delivered or failed")] = None,
    uscc: Annotated[str | None, Query()] = None,
) -> Page[DeliveryPublic]:
    items, total = await webhooks.list_deliveries(
        uow=uow, agency_id=agency_id, webhook_id=webhook_id, page=page, status=status, uscc=uscc
    )
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post(
    "/{agency_id}/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
    response_model=DeliveryPublic,
    status_code=202,
    summary="Send one delivery again",
)
async def redeliver(agency_id: str, webhook_id: str, delivery_id: int, uow: UowDep, _: Admin) -> DeliveryPublic:
    return await webhooks.redeliver(uow=uow, agency_id=agency_id, webhook_id=webhook_id, delivery_id=delivery_id)


@router.post(
    "/{agency_id}/webhooks/{webhook_id}/redeliver",
    response_model=Redelivered,
    status_code=202,
    summary="Send an enterprise's failed (or all) deliveries again",
)
async def redeliver_enterprise(
    agency_id: str, webhook_id: str, body: RedeliverEnterprise, uow: UowDep, _: Admin
) -> Redelivered:
    return await webhooks.redeliver_enterprise(uow=uow, agency_id=agency_id, webhook_id=webhook_id, data=body)


@router.post(
    "/{agency_id}/sync",
    response_model=AgencySynced,
    summary="Push the measures that already apply (after registering an agency and its webhook endpoints)",
)
async def sync_agency(agency_id: str, uow: ReadUowDep, _: Admin) -> AgencySynced:
    """An agency registered after measures began holds no push for them; this pushes each one that
    applies in its domains (a measure life plus a webhook delivery with cause ``agency.sync``), once.
    It commits in batches of its own (``uow`` only lends the service context)."""
    pushed = await standings.sync_agency(ctx=uow.ctx, agency_id=agency_id)
    return AgencySynced(agency_id=agency_id, pushed=pushed)
