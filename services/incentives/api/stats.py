"""``/incentives/v1/stats/feedback`` and ``/incentives/v1/audit`` (staff)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from services.incentives.api.deps import Admin, Staff
from services.incentives.schemas.feedback import FeedbackStats, MeasureLifePublic
from services.incentives.schemas.partners import AuditPublic
from services.incentives.service import partner, stats
from shared.api.deps import ReadUowDep
from shared.api.pagination import Page, PageDep

_TIME = "RFC 3339 with an offset, e.g. 2026-01-01T00:00:00+08:00"
router = APIRouter(prefix="/incentives/v1", tags=["feedback and audit"])


@router.get("/stats/feedback", response_model=FeedbackStats, summary="Per agency: pushed, answered, applied, overdue")
async def feedback_stats(
    uow: ReadUowDep,
    _: Staff,
    agency_id: Annotated[str | None, Query()] = None,
    pushed_from: Annotated[
        AwareDatetime | None, Query(alias="from", description="RFC 3339 with offset, e.g. 2026-01-01T00:00:00+08:00")
    ] = None,
    pushed_to: Annotated[AwareDatetime | None, Query(alias="to")] = None,
) -> FeedbackStats:
    return await stats.feedback_stats(uow=uow, agency_id=agency_id, pushed_from=pushed_from, pushed_to=pushed_to)


@router.get("/measure-lives", response_model=Page[MeasureLifePublic], summary="One agency's measure lives")
async def measure_lives(
    uow: ReadUowDep,
    page: PageDep,
    _: Staff,
    agency_id: Annotated[str, Query()],
    status: Annotated[str | None, Query()] = None,
    uscc: Annotated[str | None, Query()] = None,
) -> Page[MeasureLifePublic]:
    items, total = await partner.list_lives(
        uow=uow, agency_id=agency_id, status=status, uscc=uscc, limit=page.limit, offset=page.offset
    )
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/audit", response_model=Page[AuditPublic], summary="Partner queries: who asked about whom, and when")
async def audit(
    uow: ReadUowDep,
    page: PageDep,
    _: Admin,
    agency_id: Annotated[str | None, Query()] = None,
    key_id: Annotated[str | None, Query()] = None,
    uscc: Annotated[str | None, Query()] = None,
    at_from: Annotated[
        AwareDatetime | None, Query(alias="from", description="RFC 3339 with offset, e.g. 2026-01-01T00:00:00+08:00")
    ] = None,
    at_to: Annotated[AwareDatetime | None, Query(alias="to")] = None,
) -> Page[AuditPublic]:
    items, total = await stats.list_audit(
        uow=uow, page=page, agency_id=agency_id, key_id=key_id, uscc=uscc, at_from=at_from, at_to=at_to
    )
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)
