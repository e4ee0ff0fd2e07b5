"""Reporting periods: calendar dates read in local time (China Standard Time), both ends inclusive."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from shared.errors import Invalid, field_error

from ._time import local_date, require_aware, start_of_day


def period_bounds(first_day: date, last_day: date, tz_offset_hours: int) -> tuple[datetime, datetime]:
    """``[start, end)`` in UTC: from the start of ``first_day`` to the start of the day after ``last_day``."""
    if last_day < first_day:
        raise Invalid(
            f"the period ends ({last_day.isoformat()}) before it starts ({first_day.isoformat()})",
            code="invalid_period",
            errors=[field_error("to", "must not be before from")],
        )
    if last_day == date.max:  # its end, the next day's start, is past the calendar
        raise Invalid(
            "the period must end by 9999-12-30", code="invalid_period", errors=[field_error("to", "too late a day")]
        )
    return start_of_day(first_day, tz_offset_hours), start_of_day(last_day + timedelta(days=1), tz_offset_hours)


def year_bounds(year: int, tz_offset_hours: int) -> tuple[datetime, datetime]:
    """``[start, end)`` in UTC of a local calendar year."""
    return period_bounds(date(year, 1, 1), date(year, 12, 31), tz_offset_hours)


def local_today(now: datetime, tz_offset_hours: int) -> date:
    """Today's local calendar date."""
    return local_date(require_aware(now, "now"), tz_offset_hours)
