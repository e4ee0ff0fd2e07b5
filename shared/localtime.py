"""Calendar dates in a fixed UTC offset (China Standard Time, UTC+8, by default in every service).

Deadlines, reporting periods and plans are local calendar dates; instants are stored in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone


def local_zone(tz_offset_hours: int) -> timezone:
    """The fixed-offset zone in which calendar dates are read (UTC+8 for China Standard Time)."""
    return timezone(timedelta(hours=tz_offset_hours))


def local_date(moment: datetime, tz_offset_hours: int) -> date:
    """The calendar date of ``moment`` in the fixed-offset zone."""
    return moment.astimezone(local_zone(tz_offset_hours)).date()


def start_of_day(day: date, tz_offset_hours: int) -> datetime:
    """The first instant of ``day`` in the fixed-offset zone, as a UTC datetime."""
    local = datetime(day.year, day.month, day.day, tzinfo=local_zone(tz_offset_hours))
    return local.astimezone(UTC)
