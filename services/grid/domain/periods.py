"""Periods of the plan and the statistics: local calendar dates, both ends inclusive."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from services.grid.domain.frequency import quarter_of
from shared.errors import Invalid, field_error


def local_today(now: datetime, tz_offset_hours: int) -> date:
    return now.astimezone(timezone(timedelta(hours=tz_offset_hours))).date()


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
    return first, last


def start_of_day(day: date, tz_offset_hours: int) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone(timedelta(hours=tz_offset_hours))).astimezone(UTC)


def period_bounds(
    first_day: date | None, last_day: date | None, tz_offset_hours: int, now: datetime
) -> tuple[datetime, datetime]:
    """``[start, end)`` in UTC of the (defaulted) period."""
    first, last = resolve_period(first_day, last_day, tz_offset_hours, now)
    return start_of_day(first, tz_offset_hours), start_of_day(last + timedelta(days=1), tz_offset_hours)
