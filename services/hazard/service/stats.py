"""Hazard statistics in SQL, computed the same way at every level of the division tree.

Each figure is a count over one time column of ``hazards`` (found, notice issued, deadline,
listed) in the period, restricted to a division range; each has an index that starts with that
column and carries the division, so every count is one index range scan, and the four counts go
to the database as one statement.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, literal, null, select, true, union_all

from services.hazard.domain.areas import division_range
from services.hazard.domain.hazards import HazardSource
from services.hazard.domain.indicators import due_rectification_rate, rectification_rate
from services.hazard.domain.periods import local_today, period_bounds
from services.hazard.models import Hazard
from services.hazard.schemas.stats import HazardStats, SourceFigures, SourceStats
from services.hazard.service import access
from shared.db.uow import UnitOfWork
from shared.security.principal import Principal

H = Hazard.__table__.c


def _area(division_code: str | None) -> list:
    if division_code is None:
        return []
    low, high = division_range(division_code)
    return [H.division_code >= low, H.division_code < high]


def _count(column, start, end, area, label: str):
    return select(func.count().label(label)).where(column >= start, column < end, *area).subquery()


def hazard_stats_query(*, first_day: date, last_day: date, division_code: str | None, now, tz_offset_hours: int):
    """The one SELECT behind ``/hazard/v1/stats`` (also run by the benchmark)."""
    start, end = period_bounds(first_day, last_day, tz_offset_hours)
    area = _area(division_code)
    found = _count(H.found_at, start, end, area, "hazards")
    notices = _count(H.notice_issued_at, start, end, area, "notices")
    listed = _count(H.listed_at, start, end, area, "major_listed")

    def tally(cond, label: str):
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0).label(label)

    # Due: the current deadline fell in the period and has passed (overdue_at is the start of the
    # day after it). On time: closed before that instant, i.e. on or before the deadline day.
    due = (
        select(
            func.count().label("due"),
            tally(H.closed_at < H.overdue_at, "closed_on_time"),
            tally(H.closed_at >= H.overdue_at, "closed_late"),
            tally(H.closed_at.is_(None), "overdue"),
        )
        .where(H.deadline >= first_day, H.deadline <= last_day, H.overdue_at <= now, *area)
        .subquery()
    )
    return select(
        found.c.hazards,
        notices.c.notices,
        due.c.due,
        due.c.closed_on_time,
        due.c.closed_late,
        due.c.overdue,
        listed.c.major_listed,
    ).select_from(found.join(notices, true()).join(due, true()).join(listed, true()))


async def hazard_stats(
    *, uow: UnitOfWork, user: Principal, first_day: date | None, last_day: date | None, division_code: str | None
) -> HazardStats:
    """The figures of a period (default: this year to date) for the enterprises located in an area."""
    scope = access.area_scope(user, division_code)
    tz = uow.ctx.settings.tz_offset_hours
    today = local_today(uow.now(), tz)
    last_day = last_day or today
    first_day = first_day or date(last_day.year, 1, 1)
    stmt = hazard_stats_query(
        first_day=first_day, last_day=last_day, division_code=scope, now=uow.now(), tz_offset_hours=tz
    )
    row = (await uow.session.execute(stmt)).one()
    rate = due_rectification_rate(int(row.closed_on_time), int(row.due))
    return HazardStats(
        from_=first_day,
        to=last_day,
        division_code=scope,
        hazards=row.hazards,
        notices=row.notices,
        due=row.due,
        closed_on_time=int(row.closed_on_time),
        closed_late=int(row.closed_late),
        overdue=int(row.overdue),
        due_rectification_rate=None if rate is None else str(rate),
        major_listed=row.major_listed,
    )


def source_stats_query(
    *, first_day: date, last_day: date, division_code: str | None, source: str | None, tz_offset_hours: int
):
    """The one SELECT behind ``/hazard/v1/stats/sources``: per source and in total, the hazards found
    in the period, the distinct enterprises, and those closed by the period's end.

    Both parts range-scan ``ix_hazards_found_at_sources`` (found_at, division, then source, uscc,
    closed_at), so the scan never visits the table.
    """
    start, end = period_bounds(first_day, last_day, tz_offset_hours)
    conds = [H.found_at >= start, H.found_at < end, *_area(division_code)]
    if source is not None:
        conds.append(H.source == source)

    def figures(key):
        return select(
            key.label("source"),
            func.count().label("hazards"),
            func.count(func.distinct(H.uscc)).label("enterprises"),
            func.coalesce(func.sum(case((H.closed_at < end, 1), else_=0)), 0).label("rectified"),
            literal(0 if key is not H.source else 1).label("per_source"),
        ).where(*conds)

    return union_all(figures(H.source).group_by(H.source), figures(null()))


async def source_stats(
    *,
    uow: UnitOfWork,
    user: Principal,
    first_day: date | None,
    last_day: date | None,
    division_code: str | None,
    source: str | None,
) -> SourceStats:
    """Hazards by source for a period (default: this year to date) and an area (officers: inside theirs)."""
    scope = access.area_scope(user, division_code)
    tz = uow.ctx.settings.tz_offset_hours
    last_day = last_day or local_today(uow.now(), tz)
    first_day = first_day or date(last_day.year, 1, 1)
    stmt = source_stats_query(
        first_day=first_day, last_day=last_day, division_code=scope, source=source, tz_offset_hours=tz
    )
    rows = (await uow.session.execute(stmt)).all()

    def as_figures(row) -> SourceFigures:
        rate = rectification_rate(int(row.rectified), int(row.hazards))
        return SourceFigures(
            source=row.source if row.per_source else None,
            hazards=row.hazards,
            enterprises=row.enterprises,
            rectified=int(row.rectified),
            rectification_rate=None if rate is None else str(rate),
        )

    order = {s.value: i for i, s in enumerate(HazardSource)}
    per_source = sorted((as_figures(r) for r in rows if r.per_source), key=lambda f: order.get(f.source, len(order)))
    [total] = [as_figures(r) for r in rows if not r.per_source]
    return SourceStats(from_=first_day, to=last_day, division_code=scope, sources=per_source, total=total)
