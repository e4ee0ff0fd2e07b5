"""``/registry/v1/repair-applications``: decisions on credit repair, and revoking a repair found false."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response

from services.registry.api.responses import problems
from services.registry.schemas.blacklist import RepairApplicationPublic, Revocation
from services.registry.service import repairs
from shared.api.deps import ReadUowDep, Roles, UowDep
from shared.api.etag import IfMatch, parse_if_match, set_etag
from shared.api.pagination import Page, PageDep

router = APIRouter(prefix="/registry/v1", tags=["credit repair"])
Staff = Roles("admin", "officer")
Readers = Roles("admin", "officer", "enterprise")


@router.get(
    "/repair-applications", response_model=Page[RepairApplicationPublic], summary="Repair applications in your scope"
)
async def list_applications(
    uow: ReadUowDep,
    user: Readers,
    page: PageDep,
    status: Literal["submitted", "approved", "rejected", "revoked"] | None = None,
    entry_id: str | None = None,
) -> Page[RepairApplicationPublic]:
    return await repairs.list_applications(uow=uow, user=user, page=page, status=status, entry_id=entry_id)


@router.get(
    "/repair-applications/{application_id}",
    response_model=RepairApplicationPublic,
    summary="One repair application",
    responses=problems(404),
)
async def get_application(
    application_id: str, uow: ReadUowDep, user: Readers, response: Response
) -> RepairApplicationPublic:
    a = await repairs.get(uow=uow, user=user, application_id=application_id)
    set_etag(response, a.version)
    return a


@router.post(
    "/repair-applications/{application_id}/approve",
    response_model=RepairApplicationPublic,
    summary="Approve: the entry ends as repaired and the class returns",
    responses=problems(404, 409, 412),
)
async def approve(
    application_id: str, uow: UowDep, user: Staff, response: Response, if_match: IfMatch = None
) -> RepairApplicationPublic:
    a = await repairs.approve(
        uow=uow, user=user, application_id=application_id, expected_version=parse_if_match(if_match)
    )
    set_etag(response, a.version)
    return a


@router.post(
    "/repair-applications/{application_id}/reject",
    response_model=RepairApplicationPublic,
    summary="Refuse with a reason",
    responses=problems(404, 409, 412),
)
async def reject(
    application_id: str, body: Revocation, uow: UowDep, user: Staff, response: Response, if_match: IfMatch = None
) -> RepairApplicationPublic:
    a = await repairs.reject(
        uow=uow, user=user, application_id=application_id, data=body, expected_version=parse_if_match(if_match)
    )
    set_etag(response, a.version)
    return a


@router.post(
    "/repair-applications/{application_id}/revoke",
    response_model=RepairApplicationPublic,
    summary="Revoke a repair obtained by false statements: the listing is restored",
    responses=problems(404, 409, 412),
)
async def revoke(
    application_id: str, body: Revocation, uow: UowDep, user: Staff, response: Response, if_match: IfMatch = None
) -> RepairApplicationPublic:
    a = await repairs.revoke(
        uow=uow, user=user, application_id=application_id, data=body, expected_version=parse_if_match(if_match)
    )
    set_etag(response, a.version)
    return a
