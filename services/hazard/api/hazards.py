"""``/hazard/v1/hazards``: register, list and read hazards."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.hazard.domain.hazards import HazardLevel, HazardSource, HazardStatus
from services.hazard.schemas.hazards import HazardCreate, HazardDetail, HazardPublic
from services.hazard.service import hazards
from services.hazard.service.hazards import HazardFilter
from shared.api.deps import CurrentUser, ReadUowDep, UowDep
from shared.api.etag import IdempotencyKey, set_etag
from shared.api.idempotency import run_idempotent
from shared.api.pagination import Page, PageDep

router = APIRouter(prefix="/hazard/v1", tags=["hazards"])


@router.post("/hazards", status_code=201, response_model=HazardPublic, summary="Register a hazard")
async def register(body: HazardCreate, uow: UowDep, user: CurrentUser, key: IdempotencyKey = None) -> Response:
    return await run_idempotent(
        uow,
        key=key,
        scope=f"hazard.register:{user.sub}",
        payload=body,
        fn=lambda u: hazards.register(uow=u, user=user, data=body),
    )


@router.get("/hazards", response_model=Page[HazardPublic], summary="Hazards in your scope, newest found first")
async def list_hazards(
    uow: ReadUowDep,
    user: CurrentUser,
    page: PageDep,
    status: HazardStatus | None = None,
    level: HazardLevel | None = None,
    source: HazardSource | None = None,
    division_code: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
    uscc: str | None = None,
    cell_id: str | None = None,
    overdue: bool | None = None,
    listed: bool | None = None,
    imported: bool | None = None,
    import_job_id: Annotated[
        str | None, Query(max_length=36, description="the hazards one ledger import loaded")
    ] = None,
    from_: Annotated[date | None, Query(alias="from", description="found on or after (local date)")] = None,
    to: Annotated[date | None, Query(description="found on or before (local date)")] = None,
) -> Page[HazardPublic]:
    filters = HazardFilter(
        status=status,
        level=level,
        source=source,
        division_code=division_code,
        uscc=uscc,
        cell_id=cell_id,
        overdue=overdue,
        listed=listed,
        imported=imported,
        import_job_id=import_job_id,
        found_from=from_,
        found_to=to,
    )
    return await hazards.list_hazards(uow=uow, user=user, filters=filters, page=page)


@router.get("/hazards/{hazard_id}", response_model=HazardDetail, summary="A hazard with its history and notices")
async def get_hazard(hazard_id: str, uow: ReadUowDep, user: CurrentUser, response: Response) -> HazardDetail:
    detail = await hazards.get_hazard(uow=uow, user=user, hazard_id=hazard_id)
    set_etag(response, detail.version)
    return detail
