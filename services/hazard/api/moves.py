"""The moves of a hazard's closed loop, one endpoint each (illegal moves answer 409 invalid_transition)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.hazard.schemas.hazards import (
    AcceptanceCreate,
    CompletionCreate,
    ExtensionCreate,
    ExtensionGrant,
    ExtensionPublic,
    ExtensionRefusal,
    FixOnSpot,
    HazardPublic,
    MoveNote,
    NoticeCreate,
    NoticePublic,
    PlanCreate,
)
from services.hazard.service import moves
from shared.api.deps import CurrentUser, ReadUowDep, UowDep
from shared.api.etag import IdempotencyKey, IfMatch
from shared.api.idempotency import run_idempotent

router = APIRouter(prefix="/hazard/v1/hazards/{hazard_id}", tags=["hazard moves"])
_CONFLICT = {409: {"description": "invalid_transition: not allowed in the hazard's state"}}


@router.post("/notices", status_code=201, response_model=NoticePublic, responses=_CONFLICT, summary="Issue a notice")
async def issue_notice(
    hazard_id: str,
    body: NoticeCreate,
    uow: UowDep,
    user: CurrentUser,
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> Response:
    return await run_idempotent(
        uow,
        key=key,
        scope=f"hazard.notice:{hazard_id}",
        payload=body,
        fn=lambda u: moves.issue_notice(uow=u, user=user, hazard_id=hazard_id, data=body, if_match=if_match),
    )


@router.get("/notices", response_model=list[NoticePublic], summary="The hazard's rectification notices")
async def list_notices(hazard_id: str, uow: ReadUowDep, user: CurrentUser) -> list[NoticePublic]:
    return await moves.list_notices(uow=uow, user=user, hazard_id=hazard_id)


@router.post("/fix-on-spot", response_model=HazardPublic, responses=_CONFLICT, summary="Fixed on the spot")
async def fix_on_spot(
    hazard_id: str, body: FixOnSpot, uow: UowDep, user: CurrentUser, if_match: IfMatch = None
) -> HazardPublic:
    return await moves.fix_on_spot(uow=uow, user=user, hazard_id=hazard_id, data=body, if_match=if_match)


@router.post("/plan", response_model=HazardPublic, responses=_CONFLICT, summary="Submit a remediation plan")
async def submit_plan(
    hazard_id: str, body: PlanCreate, uow: UowDep, user: CurrentUser, if_match: IfMatch = None
) -> HazardPublic:
    return await moves.submit_plan(uow=uow, user=user, hazard_id=hazard_id, data=body, if_match=if_match)


@router.post("/rectification", response_model=HazardPublic, responses=_CONFLICT, summary="Start rectification")
async def start_rectification(
    hazard_id: str, uow: UowDep, user: CurrentUser, body: MoveNote | None = None, if_match: IfMatch = None
) -> HazardPublic:
    data = body or MoveNote()
    return await moves.start_rectification(uow=uow, user=user, hazard_id=hazard_id, data=data, if_match=if_match)


@router.post(
    "/extensions", status_code=201, response_model=ExtensionPublic, responses=_CONFLICT, summary="Request an extension"
)
async def request_extension(
    hazard_id: str, body: ExtensionCreate, uow: UowDep, user: CurrentUser, if_match: IfMatch = None
) -> ExtensionPublic:
    return await moves.request_extension(uow=uow, user=user, hazard_id=hazard_id, data=body, if_match=if_match)


@router.post(
    "/extensions/{extension_id}/grant",
    response_model=ExtensionPublic,
    responses=_CONFLICT,
    summary="Grant an extension",
)
async def grant_extension(
    hazard_id: str,
    extension_id: str,
    uow: UowDep,
    user: CurrentUser,
    body: ExtensionGrant | None = None,
    if_match: IfMatch = None,
) -> ExtensionPublic:
    return await moves.grant_extension(
        uow=uow,
        user=user,
        hazard_id=hazard_id,
        extension_id=extension_id,
        data=body or ExtensionGrant(),
        if_match=if_match,
    )


@router.post(
    "/extensions/{extension_id}/refuse",
    response_model=ExtensionPublic,
    responses=_CONFLICT,
    summary="Refuse an extension",
)
async def refuse_extension(
    hazard_id: str, extension_id: str, body: ExtensionRefusal, uow: UowDep, user: CurrentUser, if_match: IfMatch = None
) -> ExtensionPublic:
    return await moves.refuse_extension(
        uow=uow, user=user, hazard_id=hazard_id, extension_id=extension_id, data=body, if_match=if_match
    )


@router.post("/completion", response_model=HazardPublic, responses=_CONFLICT, summary="Report completion")
async def complete(
    hazard_id: str, body: CompletionCreate, uow: UowDep, user: CurrentUser, if_match: IfMatch = None
) -> HazardPublic:
    return await moves.complete(uow=uow, user=user, hazard_id=hazard_id, data=body, if_match=if_match)


@router.post("/acceptance", response_model=HazardPublic, responses=_CONFLICT, summary="Acceptance check")
async def acceptance(
    hazard_id: str, body: AcceptanceCreate, uow: UowDep, user: CurrentUser, if_match: IfMatch = None
) -> HazardPublic:
    return await moves.decide_acceptance(uow=uow, user=user, hazard_id=hazard_id, data=body, if_match=if_match)


@router.post("/listing", response_model=HazardPublic, responses=_CONFLICT, summary="Listed supervision (挂牌督办)")
async def listing(
    hazard_id: str, uow: UowDep, user: CurrentUser, body: MoveNote | None = None, if_match: IfMatch = None
) -> HazardPublic:
    data = body or MoveNote()
    return await moves.list_supervision(uow=uow, user=user, hazard_id=hazard_id, data=data, if_match=if_match)


@router.post("/delisting", response_model=HazardPublic, responses=_CONFLICT, summary="Delisting (摘牌)")
async def delisting(
    hazard_id: str, uow: UowDep, user: CurrentUser, body: MoveNote | None = None, if_match: IfMatch = None
) -> HazardPublic:
    return await moves.delist(uow=uow, user=user, hazard_id=hazard_id, data=body or MoveNote(), if_match=if_match)
