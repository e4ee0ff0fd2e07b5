"""Time helpers shared by the hazard rules (private to this package)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from shared.errors import Invalid, field_error


def require_aware(value: datetime, field: str) -> datetime:
    """Return ``value`` if it carries a UTC offset, else raise ``Invalid(code="naive_datetime")``."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise Invalid(
            f"{field} must be a timezone-aware datetime, got naive {value.isoformat()}",
            code="naive_datetime",
            errors=[field_error(field, "must carry a UTC offset")],
        )
    return value


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
