"""``/registry/v1/blacklist``: listings, their withdrawal, and credit repair applications for them."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response

from services.registry.api.responses import problems
from services.registry.schemas.blacklist import (
    BlacklistEntryCreate,
    BlacklistEntryPublic,
    RepairApplicationCreate,
    RepairApplicationPublic,
    Revocation,
)
from services.registry.service import blacklist, repairs
from shared.api.deps import ReadUowDep, Roles, UowDep
from shared.api.etag import IdempotencyKey, IfMatch, parse_if_match, set_etag
from shared.api.idempotency import run_idempotent
from shared.api.pagination import Page, PageDep

router = APIRouter(prefix="/registry/v1", tags=["blacklist"])
Staff = Roles("admin", "officer")
Readers = Roles("admin", "officer", "enterprise")


@router.post(
    "/blacklist",
    status_code=201,
    response_model=BlacklistEntryPublic,
    summary="List an enterprise (after a penalty decision)",
    responses=problems(404, 409),
)
async def add_entry(
    body: BlacklistEntryCreate, uow: UowDep, user: Staff, idempotency_key: IdempotencyKey = None
) -> Response:
    response = await run_idempotent(
        uow,
        key=idempotency_key,
        scope=f"registry.blacklist:{user.sub}",
        payload=body,
        fn=lambda u: blacklist.add_entry(uow=u, user=user, data=body),
    )
    set_etag(response, 1)
    return response


@router.get("/blacklist", response_model=Page[BlacklistEntryPublic], summary="Blacklist entries in your scope")
async def list_entries(
    uow: ReadUowDep,
    user: Readers,
    page: PageDep,
    uscc: str | None = None,
    status: Literal["active", "expired", "repaired", "revoked"] | None = None,
) -> Page[BlacklistEntryPublic]:
    return await blacklist.list_entries(uow=uow, user=user, page=page, uscc=uscc, status=status)


@router.get("/blacklist/{entry_id}", response_model=BlacklistEntryPublic, summary="One entry", responses=problems(404))
async def get_entry(entry_id: str, uow: ReadUowDep, user: Readers, response: Response) -> BlacklistEntryPublic:
    entry = await blacklist.get_entry(uow=uow, user=user, entry_id=entry_id)
    set_etag(response, entry.version)
    return entry


@router.post(
    "/blacklist/{entry_id}/revoke",
    response_model=BlacklistEntryPublic,
    summary="Withdraw the listing decision (the entry ends as revoked)",
    responses=problems(404, 409, 412),
)
async def revoke_entry(
    entry_id: str, body: Revocation, uow: UowDep, user: Staff, response: Response, if_match: IfMatch = None
) -> BlacklistEntryPublic:
    entry = await blacklist.revoke_entry(
        uow=uow, user=user, entry_id=entry_id, data=body, expected_version=parse_if_match(if_match)
    )
    set_etag(response, entry.version)
    return entry


@router.post(
    "/blacklist/{entry_id}/repair-applications",
    status_code=201,
    response_model=RepairApplicationPublic,
    summary="Apply for credit repair (409 too_early before the rule set's minimum period)",
    responses=problems(404, 409),
)
async def apply_for_repair(
    entry_id: str,
    body: RepairApplicationCreate,
    uow: UowDep,
    user: Readers,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    return await run_idempotent(
        uow,
        key=idempotency_key,
        scope=f"registry.repair:{user.sub}:{entry_id}",
        payload=body,
        fn=lambda u: repairs.apply(uow=u, user=user, entry_id=entry_id, data=body),
    )
