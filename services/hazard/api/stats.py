"""``/hazard/v1/stats`` and ``/hazard/v1/stats/accidents``: the indicators, in SQL."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from services.hazard.domain.hazards import HazardSource
from services.hazard.schemas.accidents import AccidentStats
from services.hazard.schemas.stats import HazardStats, SourceStats
from services.hazard.service import accidents, stats
from shared.api.deps import CurrentUser, ReadUowDep

router = APIRouter(prefix="/hazard/v1/stats", tags=["statistics"])
Division = Annotated[str | None, Query(pattern=r"^\d{6}$", description="an area: 330500 covers the city")]
From = Annotated[date | None, Query(alias="from", description="first day (local), default 1 January")]
To = Annotated[date | None, Query(description="last day (local, inclusive), default today")]


@router.get("", response_model=HazardStats, summary="Hazard figures and the due-rectification rate (到期整改率)")
async def hazard_stats(
    uow: ReadUowDep,
    user: CurrentUser,
    from_: From = None,
    to: To = None,
    division_code: Division = None,
) -> HazardStats:
    return await stats.hazard_stats(uow=uow, user=user, first_day=from_, last_day=to, division_code=division_code)


@router.get("/sources", response_model=SourceStats, summary="Hazards by source: found, enterprises, rectified")
async def source_stats(
    uow: ReadUowDep,
    user: CurrentUser,
    from_: From = None,
    to: To = None,
    division_code: Division = None,
    source: Annotated[HazardSource | None, Query(description="one source only (e.g. advisor)")] = None,
) -> SourceStats:
    return await stats.source_stats(
        uow=uow,
        user=user,
        first_day=from_,
        last_day=to,
        division_code=division_code,
        source=source.value if source else None,
    )


@router.get("/accidents", response_model=AccidentStats, summary="The three indicators (三项指标) year on year")
async def accident_stats(
    uow: ReadUowDep,
    user: CurrentUser,
    year: Annotated[int, Query(ge=1900, le=9998)],
    division_code: Division = None,
    include_fires: bool = False,
) -> AccidentStats:
    return await accidents.accident_stats(
        uow=uow, user=user, year=year, division_code=division_code, include_fires=include_fires
    )
