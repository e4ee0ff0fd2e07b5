"""``/incentives/v1/measures``: the catalogue of joint measures; admins change it, every change versioned."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.incentives.api.deps import Admin
from services.incentives.schemas.catalogue import MeasureCreate, MeasurePublic, MeasureUpdate, MeasureVersionPublic
from services.incentives.service import catalogue, standings
from shared.api.deps import CtxDep, CurrentUser, ReadUowDep, UowDep
from shared.api.etag import IfMatch, required_version, set_etag
from shared.api.pagination import Page, PageDep

router = APIRouter(prefix="/incentives/v1", tags=["measures"])


@router.get("/measures", response_model=Page[MeasurePublic], summary="The measures catalogue")
async def list_measures(
    uow: ReadUowDep,
    page: PageDep,
    _: CurrentUser,
    domain: Annotated[str | None, Query()] = None,
    kind: Annotated[str | None, Query()] = None,
) -> Page[MeasurePublic]:
    items, total = await catalogue.list_measures(uow=uow, page=page, domain=domain, kind=kind)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/measures/{code}", response_model=MeasurePublic, summary="One measure (with ETag)")
async def get_measure(code: str, uow: ReadUowDep, response: Response, _: CurrentUser) -> MeasurePublic:
    m = await catalogue.get_measure(uow=uow, code=code)
    set_etag(response, m.version)
    return m


@router.get("/measures/{code}/versions", response_model=list[MeasureVersionPublic], summary="Every version")
async def list_versions(code: str, uow: ReadUowDep, _: CurrentUser) -> list[MeasureVersionPublic]:
    return await catalogue.list_versions(uow=uow, code=code)


@router.post("/measures", response_model=MeasurePublic, status_code=201, summary="Add a measure")
async def create_measure(
    body: MeasureCreate, uow: UowDep, ctx: CtxDep, user: Admin, response: Response
) -> MeasurePublic:
    m = await catalogue.create_measure(uow=uow, user=user, data=body)
    set_etag(response, m.version)
    standings.schedule_refresh(ctx)
    return m


@router.patch(
    "/measures/{code}",
    response_model=MeasurePublic,
    summary="Change a measure (If-Match)",
    responses={412: {"description": "stale If-Match"}, 428: {"description": "If-Match missing"}},
)
async def update_measure(
    code: str,
    body: MeasureUpdate,
    uow: UowDep,
    ctx: CtxDep,
    user: Admin,
    response: Response,
    if_match: IfMatch = None,
) -> MeasurePublic:
    m = await catalogue.update_measure(uow=uow, user=user, code=code, version=required_version(if_match), data=body)
    set_etag(response, m.version)
    standings.schedule_refresh(ctx)
    return m
