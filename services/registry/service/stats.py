"""Statistics, computed in SQL: credit classes now; standardization results and base-data changes in a period.

Periods are local calendar days (China Standard Time, ``domain.calendar``), both ends inclusive,
by default the current calendar year. An area is a division, nested (330500 covers its counties);
an officer counts inside their own division, and asking for another is 403 ``outside_division``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, case, distinct, func
from sqlmodel import select

from services.registry.domain.calendar import day_bounds, local_date
from services.registry.domain.divisions import division_prefix
from services.registry.models import Assessment, Enterprise, EnterpriseChange
from services.registry.schemas.stats import ActivityStats, ByClass, CreditStats, StandardizationStats
from services.registry.service import access, changes
from shared.db.uow import UnitOfWork
from shared.security.principal import Principal


def area_conditions(
    user: Principal, division_code: str | None = None, category: str | None = None
) -> list[ColumnElement[bool]]:
    """The enterprises (as WHERE conditions) the caller counts: their scope, in the area and category asked."""
    conds = [access.scope_condition(user)]
    if division_code:
        access.check_may_place(user, division_code)  # an officer asks only inside their division
        conds.append(Enterprise.division_code.startswith(division_prefix(division_code)))
    if category:
        conds.append(Enterprise.category == category)
    return conds


async def credit_stats(
    *, uow: UnitOfWork, user: Principal, division_code: str | None = None, category: str | None = None
) -> CreditStats:
    """Enterprises by class and on the blacklist, in an area (nested: 330500 covers its counties) and category.

    Closed enterprises are not counted: they are no longer graded or supervised. An officer asking
    for an area outside their division gets 403 ``outside_division``, as in the other statistics.
    """
    conds = [*area_conditions(user, division_code, category), Enterprise.status != "closed"]
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


async def standardization_stats(
    *,
    uow: UnitOfWork,
    user: Principal,
    first_day: date | None = None,
    last_day: date | None = None,
    division_code: str | None = None,
    category: str | None = None,
) -> StandardizationStats:
    """Enterprises whose standardization review was approved in the period, by the grade it reached.

    Each enterprise counts once, by its latest assessment approved in the period: of the latest
    assessment period, then the latest approval (as the enterprise's standing follows: an older
    period approved late does not replace a newer one). ``not_passed`` are those whose latest
    result reached no grade. Closed enterprises count: they were reviewed.
    """
    conds = area_conditions(user, division_code, category)
    first, last, start, end = day_bounds(first_day, last_day, local_date(uow.now()))
    a = Assessment
    # Served by ix_assessments_status_decided_at; the enterprise is found by its unique code.
    latest = (
        select(
            a.standardization_result.label("grade"),
            func.row_number()
            .over(partition_by=a.uscc, order_by=(a.period.desc(), a.decided_at.desc(), a.id.desc()))
            .label("n"),
        )
        .join(Enterprise, Enterprise.uscc == a.uscc)
        .where(a.status == "effective", a.decided_at >= start, a.decided_at < end, *conds)
        .subquery()
    )
    rows = (
        await uow.session.exec(select(latest.c.grade, func.count()).where(latest.c.n == 1).group_by(latest.c.grade))
    ).all()
    by_grade = dict.fromkeys(("1", "2", "3"), 0)
    not_passed = 0
    for grade, count in rows:
        if grade is None:
            not_passed += count
        else:
            by_grade[str(grade)] = count
    return StandardizationStats(
        from_=first,
        to=last,
        division_code=division_code,
        category=category,
        assessed=not_passed + sum(by_grade.values()),
        by_grade=by_grade,
        not_passed=not_passed,
    )


async def activity_stats(
    *,
    uow: UnitOfWork,
    user: Principal,
    first_day: date | None = None,
    last_day: date | None = None,
    division_code: str | None = None,
) -> ActivityStats:
    """Base-data changes in the period: registrations, updates, and the enterprises they touched.

    Counted from the change log (``enterprise_changes``) through its (at, kind, uscc) index; the area
    is where each enterprise is now.
    """
    conds = area_conditions(user, division_code)
    first, last, start, end = day_bounds(first_day, last_day, local_date(uow.now()))
    c = EnterpriseChange
    stmt = select(
        func.coalesce(func.sum(case((c.kind == changes.REGISTERED, 1), else_=0)), 0),
        func.coalesce(func.sum(case((c.kind == changes.UPDATED, 1), else_=0)), 0),
        func.count(distinct(c.uscc)),
    ).where(c.at >= start, c.at < end)
    if user.role != "admin" or division_code:
        stmt = stmt.join(Enterprise, Enterprise.uscc == c.uscc).where(*conds)
    registered, updated, enterprises = (await uow.session.exec(stmt)).one()
    return ActivityStats(
        from_=first,
        to=last,
        division_code=division_code,
        registered=registered,
        updated=updated,
        changes=registered + updated,
        enterprises=enterprises,
    )
