"""``/hazard/v1/accidents``: record and read accidents (the grade is computed)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.hazard.schemas.accidents import AccidentCreate, AccidentPublic
from services.hazard.service import accidents
from shared.api.deps import CurrentUser, ReadUowDep, UowDep
from shared.api.etag import IdempotencyKey
from shared.api.idempotency import run_idempotent
from shared.api.pagination import Page, PageDep

router = APIRouter(prefix="/hazard/v1", tags=["accidents"])


@router.post("/accidents", status_code=201, response_model=AccidentPublic, summary="Record an accident")
async def record(body: AccidentCreate, uow: UowDep, user: CurrentUser, key: IdempotencyKey = None) -> Response:
    return await run_idempotent(
        uow,
        key=key,
        scope=f"hazard.accident:{user.sub}",
        payload=body,
        fn=lambda u: accidents.record_accident(uow=u, user=user, data=body),
    )


@router.get(
    "/accidents", response_model=Page[AccidentPublic], summary="Accidents in your scope, by area, year and enterprise"
)
async def list_accidents(
    uow: ReadUowDep,
    user: CurrentUser,
    page: PageDep,
    division_code: Annotated[
        str | None,
        Query(
            pattern=r"^[0-9]{6}$",
            description="where the enterprise is located: 330500 covers the city; an officer's must lie inside "
            "their own division (403 out_of_scope otherwise)",
        ),
    ] = None,
    year: Annotated[int | None, Query(ge=1900, le=9998, description="the local calendar year it occurred in")] = None,
    uscc: Annotated[str | None, Query(max_length=60, description="one enterprise's code")] = None,
) -> Page[AccidentPublic]:
    return await accidents.list_accidents(
        uow=uow, user=user, division_code=division_code, year=year, uscc=uscc, page=page
    )


@router.get("/accidents/{accident_id}", response_model=AccidentPublic, summary="One accident")
async def get_accident(accident_id: str, uow: ReadUowDep, user: CurrentUser) -> AccidentPublic:
    return await accidents.get_accident(uow=uow, user=user, accident_id=accident_id)
