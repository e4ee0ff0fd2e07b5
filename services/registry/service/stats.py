"""Credit statistics, computed in SQL."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from services.registry.domain.divisions import division_prefix
from services.registry.models import Enterprise
from services.registry.schemas.stats import ByClass, CreditStats
from services.registry.service import access
from shared.db.uow import UnitOfWork
from shared.security.principal import Principal


async def credit_stats(
    *, uow: UnitOfWork, user: Principal, division_code: str | None = None, category: str | None = None
) -> CreditStats:
    """Enterprises by class and on the blacklist, in an area (nested: 330500 covers its counties) and category.

    Closed enterprises are not counted: they are no longer graded or supervised.
    """
    conds = [access.scope_condition(user), Enterprise.status != "closed"]
    if division_code:
        conds.append(Enterprise.division_code.startswith(division_prefix(division_code)))
    if category:
        conds.append(Enterprise.category == category)
    rows = (
        await uow.session.exec(
            select(Enterprise.blacklisted, Enterprise.credit_class, func.count())
            .where(*conds)
            .group_by(Enterprise.blacklisted, Enterprise.credit_class)
        )
    ).all()
    by_class = ByClass()
    blacklisted = 0
    for listed, credit_class, count in rows:
        if listed:
            blacklisted += count
        else:
            key = credit_class or "unrated"
            setattr(by_class, key, getattr(by_class, key) + count)
    total = blacklisted + sum(by_class.model_dump().values())
    return CreditStats(
        total=total, by_class=by_class, blacklisted=blacklisted, division_code=division_code, category=category
    )
