"""``/registry/v1/stats/...``: credit classes now; standardization results and base-data changes in a period."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from services.registry.api.responses import problems
from services.registry.domain.enterprise_fields import Category
from services.registry.schemas.stats import ActivityStats, CreditStats, StandardizationStats
from services.registry.service import stats
from shared.api.deps import ReadUowDep, Roles

router = APIRouter(prefix="/registry/v1", tags=["statistics"])
Staff = Roles("admin", "officer")
Division = Annotated[
    str | None,
    Query(pattern=r"^[0-9]{6}$", description="nested: 330500 covers its counties; an officer's own or inside it"),
]
From = Annotated[
    date | None, Query(alias="from", description="first day (local, China Standard Time); default 1 January this year")
]
To = Annotated[date | None, Query(description="last day (local, inclusive); default 31 December this year")]


@router.get("/stats/credit", response_model=CreditStats, summary="Totals by class and blacklisted, in SQL")
async def credit_stats(
    uow: ReadUowDep,
    user: Staff,
    division_code: Annotated[
        str | None, Query(pattern=r"^[0-9]{6}$", description="nested: 330500 covers its counties")
    ] = None,
    category: Category | None = None,
) -> CreditStats:
    return await stats.credit_stats(uow=uow, user=user, division_code=division_code, category=category)


@router.get(
    "/stats/standardization",
    response_model=StandardizationStats,
    summary="Enterprises by the standardization grade of their latest review approved in a period",
    responses=problems(403, 422),
)
async def standardization_stats(
    uow: ReadUowDep,
    user: Staff,
    from_: From = None,
    to: To = None,
    division_code: Division = None,
    category: Category | None = None,
) -> StandardizationStats:
    return await stats.standardization_stats(
        uow=uow, user=user, first_day=from_, last_day=to, division_code=division_code, category=category
    )


@router.get(
    "/stats/activity",
    response_model=ActivityStats,
    summary="Base data added or completed in a period (registrations and updates)",
    responses=problems(403, 422),
)
async def activity_stats(
    uow: ReadUowDep, user: Staff, from_: From = None, to: To = None, division_code: Division = None
) -> ActivityStats:
    return await stats.activity_stats(uow=uow, user=user, first_day=from_, last_day=to, division_code=division_code)
