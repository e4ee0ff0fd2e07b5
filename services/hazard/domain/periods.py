"""Reporting periods: calendar dates read in local time (China Standard Time), both ends inclusive."""

from __future__ import annotations

from datetime import date, datetime

from shared.localtime import period_bounds

from ._time import local_date, require_aware


def year_bounds(year: int, tz_offset_hours: int) -> tuple[datetime, datetime]:
    """``[start, end)`` in UTC of a local calendar year."""
    return period_bounds(date(year, 1, 1), date(year, 12, 31), tz_offset_hours)


def local_today(now: datetime, tz_offset_hours: int) -> date:
    """Today's local calendar date."""
    return local_date(require_aware(now, "now"), tz_offset_hours)
