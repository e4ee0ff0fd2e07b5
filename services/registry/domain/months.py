"""Calendar-month arithmetic shared by the registry's terms and validity periods."""

from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import TypeVar

_Moment = TypeVar("_Moment", date, datetime)


def add_months(moment: _Moment, months: int) -> _Moment:
    """Move ``moment`` by whole calendar months, keeping the time of day and the time zone.

    A day that does not exist in the target month falls on that month's last day (31 Jan + 1 month
    = 28/29 Feb), as Civil Code art. 202 counts a period that has no corresponding day.
    """
    index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
