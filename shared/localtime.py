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


def check_period(first_day: date, last_day: date) -> None:
    """422 ``invalid_period`` when a period of local days (both ends inclusive) ends before it
    starts, or on the calendar's last day (the day after it, where the period ends, does not exist)."""
    from shared.errors import Invalid, field_error

    if last_day < first_day:
        raise Invalid(
            f"the period ends ({last_day.isoformat()}) before it starts ({first_day.isoformat()})",
            code="invalid_period",
            errors=[field_error("to", "must not be before from")],
        )
    if last_day == date.max:
        raise Invalid(
            "the period must end by 9999-12-30", code="invalid_period", errors=[field_error("to", "too late a day")]
        )


def period_bounds(first_day: date, last_day: date, tz_offset_hours: int) -> tuple[datetime, datetime]:
    """``[start, end)`` in UTC of a checked period of local days: from the start of ``first_day``
    to the start of the day after ``last_day``."""
    check_period(first_day, last_day)
    return start_of_day(first_day, tz_offset_hours), start_of_day(last_day + timedelta(days=1), tz_offset_hours)
