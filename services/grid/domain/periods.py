"""Periods of the plan and the statistics: local calendar dates, both ends inclusive."""

from __future__ import annotations

from datetime import date, datetime

from services.grid.domain.frequency import quarter_of
from shared.localtime import check_period, start_of_day
from shared.localtime import local_date as local_today
from shared.localtime import period_bounds as shared_period_bounds

__all__ = ["local_today", "period_bounds", "resolve_period", "start_of_day"]


def resolve_period(
    first_day: date | None, last_day: date | None, tz_offset_hours: int, now: datetime
) -> tuple[date, date]:
    """The period asked for; a missing end defaults to the current quarter's."""
    q_first, q_last = quarter_of(local_today(now, tz_offset_hours))
    first, last = first_day or q_first, last_day or q_last
    check_period(first, last)
    return first, last


def period_bounds(
    first_day: date | None, last_day: date | None, tz_offset_hours: int, now: datetime
) -> tuple[datetime, datetime]:
    """``[start, end)`` in UTC of the (defaulted) period."""
    first, last = resolve_period(first_day, last_day, tz_offset_hours, now)
    return shared_period_bounds(first, last, tz_offset_hours)
