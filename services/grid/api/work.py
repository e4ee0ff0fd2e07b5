"""``/grid/v1/inspection-plan`` and ``/grid/v1/stats``: what is due, and what was done."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from services.grid.schemas.grid import GridStats, InspectionPlan
from services.grid.service import plan, stats
from shared.api.deps import CurrentUser, ReadUowDep
from shared.api.pagination import PageDep

router = APIRouter(prefix="/grid/v1", tags=["plan and statistics"])
From = Annotated[date | None, Query(alias="from", description="first day (local); default: this quarter's")]
To = Annotated[date | None, Query(description="last day (local, inclusive); default: this quarter's")]


@router.get("/inspection-plan", response_model=InspectionPlan, summary="Enterprises due for inspection in a period")
async def inspection_plan(
    uow: ReadUowDep,
    user: CurrentUser,
    page: PageDep,
    cell_id: str | None = None,
    from_: From = None,
    to: To = None,
    due_only: Annotated[bool, Query(description="false lists every enterprise with its next due date")] = True,
) -> InspectionPlan:
    return await plan.inspection_plan(
        uow=uow, user=user, page=page, cell_id=cell_id, first_day=from_, last_day=to, due_only=due_only
    )


@router.get("/stats", response_model=GridStats, summary="Grid work per cell, summed up the tree")
async def grid_stats(
    uow: ReadUowDep,
    user: CurrentUser,
    cell_id: str | None = None,
    from_: From = None,
    to: To = None,
    depth: Annotated[int, Query(ge=1, le=9, description="levels of cells listed below the one asked for")] = 1,
) -> GridStats:
    return await stats.grid_stats(uow=uow, user=user, cell_id=cell_id, first_day=from_, last_day=to, depth=depth)
