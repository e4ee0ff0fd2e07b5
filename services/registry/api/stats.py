"""``/registry/v1/stats/credit``: enterprises by class and on the blacklist."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.registry.domain.enterprise_fields import Category
from services.registry.schemas.stats import CreditStats
from services.registry.service import stats
from shared.api.deps import ReadUowDep, Roles

router = APIRouter(prefix="/registry/v1", tags=["statistics"])
Staff = Roles("admin", "officer")


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
