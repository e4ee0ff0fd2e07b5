"""Calendar days and assessment periods as the bureau counts them: China Standard Time (UTC+8)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

from shared.errors import Invalid, field_error

#: China has kept one offset without daylight saving since 1991: a fixed zone needs no tz database.
CHINA_TIME = timezone(timedelta(hours=8), "CST")

_PERIOD = re.compile(r"[0-9]{4}")


def local_date(moment: datetime) -> date:
    """The calendar day of ``moment`` in China."""
    return moment.astimezone(CHINA_TIME).date()


def start_of_day(day: date) -> datetime:
    """The first instant of a China calendar day, in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=CHINA_TIME).astimezone(UTC)


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """``[start, end)`` in UTC of an assessment period; periods are calendar years (``"2025"``)."""
    if not isinstance(period, str) or not _PERIOD.fullmatch(period) or int(period) < 1990:
        message = f"period must be a calendar year such as '2025', got {period!r}"
        raise Invalid(message, code="invalid_period", errors=[field_error("period", message)])
    year = int(period)
    return start_of_day(date(year, 1, 1)), start_of_day(date(year + 1, 1, 1))


def day_bounds(first: date | None, last: date | None, today: date) -> tuple[date, date, datetime, datetime]:
    """A statistics period of local days, both ends inclusive: ``(first, last, start, end)``, ``[start, end)`` in UTC.

    A missing end defaults to the current calendar year's (1 January, 31 December); an end before
    the start, or a day outside 1990-9998, is 422 ``invalid_period``.
    """
    first = first or date(today.year, 1, 1)
    last = last or date(today.year, 12, 31)
    errors = [
        field_error(name, "must be a day from 1990 to 9998")
        for name, day in (("from", first), ("to", last))
        if not date(1990, 1, 1) <= day <= date(9998, 12, 31)
    ]
    if not errors and last < first:
        errors = [field_error("to", "must not be before from")]
    if errors:
        message = f"invalid period {first.isoformat()} to {last.isoformat()}"
        raise Invalid(message, code="invalid_period", errors=errors)
    return first, last, start_of_day(first), start_of_day(last + timedelta(days=1))


def check_period_started(period: str, now: datetime) -> None:
    """Refuse an assessment of a period that has not begun: there is nothing to assess yet."""
    start, _ = period_bounds(period)
    if start > now:
        message = f"period {period} has not begun"
        raise Invalid(message, code="invalid_period", errors=[field_error("period", message)])
