"""``/grid/v1/inspections``: inspection visits; findings become hazards through events."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.grid.schemas.grid import InspectionCreate, InspectionPublic
from services.grid.service import inspections
from shared.api.deps import CurrentUser, ReadUowDep, UowDep
from shared.api.etag import IdempotencyKey
from shared.api.idempotency import run_idempotent
from shared.api.pagination import Page, PageDep

router = APIRouter(prefix="/grid/v1/inspections", tags=["inspections"])


@router.post("", status_code=201, response_model=InspectionPublic, summary="Record an inspection visit")
async def record(body: InspectionCreate, uow: UowDep, user: CurrentUser, key: IdempotencyKey = None) -> Response:
    return await run_idempotent(
        uow,
        key=key,
        scope=f"grid.inspection:{user.sub}",
        payload=body,
        fn=lambda u: inspections.record(uow=u, user=user, data=body),
    )


@router.get("", response_model=Page[InspectionPublic], summary="Inspections in your scope, newest first")
async def list_inspections(
    uow: ReadUowDep,
    user: CurrentUser,
    page: PageDep,
    cell_id: str | None = None,
    uscc: str | None = None,
    from_: Annotated[date | None, Query(alias="from", description="first day (local)")] = None,
    to: Annotated[date | None, Query(description="last day (local, inclusive)")] = None,
) -> Page[InspectionPublic]:
    return await inspections.list_inspections(
        uow=uow, user=user, page=page, cell_id=cell_id, uscc=uscc, first_day=from_, last_day=to
    )


@router.get("/{inspection_id}", response_model=InspectionPublic, summary="One inspection with its findings")
async def get_inspection(inspection_id: str, uow: ReadUowDep, user: CurrentUser) -> InspectionPublic:
    return await inspections.get_inspection(uow=uow, user=user, inspection_id=inspection_id)
