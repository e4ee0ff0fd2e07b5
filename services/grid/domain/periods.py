"""Periods of the plan and the statistics: local calendar dates, both ends inclusive."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from services.grid.domain.frequency import quarter_of
from shared.errors import Invalid, field_error
from shared.localtime import local_date as local_today
from shared.localtime import start_of_day

__all__ = ["local_today", "period_bounds", "resolve_period", "start_of_day"]


def resolve_period(
    first_day: date | None, last_day: date | None, tz_offset_hours: int, now: datetime
) -> tuple[date, date]:
    """The period asked for; a missing end defaults to the current quarter's."""
    q_first, q_last = quarter_of(local_today(now, tz_offset_hours))
    first, last = first_day or q_first, last_day or q_last
    if last < first:
        raise Invalid(
            f"the period ends ({last.isoformat()}) before it starts ({first.isoformat()})",
            code="invalid_period",
            errors=[field_error("to", "must not be before from")],
        )
    if last == date.max:  # its end, the next day's start, is past the calendar
        raise Invalid(
            "the period must end by 9999-12-30", code="invalid_period", errors=[field_error("to", "too late a day")]
        )
    return first, last


def period_bounds(
    first_day: date | None, last_day: date | None, tz_offset_hours: int, now: datetime
) -> tuple[datetime, datetime]:
    """``[start, end)`` in UTC of the (defaulted) period."""
    first, last = resolve_period(first_day, last_day, tz_offset_hours, now)
    return start_of_day(first, tz_offset_hours), start_of_day(last + timedelta(days=1), tz_offset_hours)
