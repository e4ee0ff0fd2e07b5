"""How often an enterprise is inspected, by its credit class (domain.md: classes drive supervision).

The grid's own rhythm covers every enterprise quarterly; class A is visited less (twice a year),
a bad record (C) at least four times a year, D every two months, and a listed (blacklisted)
enterprise at least once a month. These are local rules, so they are data with a version.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class InspectionFrequency:
    """Months between inspections per class; ``unrated`` for enterprises not assessed yet."""

    code: str = "huzhou-grid-2026"
    version: int = 1
    a: int = 6
    b: int = 3
    c: int = 3
    d: int = 2
    listed: int = 1
    unrated: int = 3

    def months(self, credit_class: str | None, blacklisted: bool) -> int:
        """The interval in months for an enterprise's standing."""
        if blacklisted:
            return self.listed
        return {"A": self.a, "B": self.b, "C": self.c, "D": self.d}.get(credit_class or "", self.unrated)

    def intervals(self) -> dict[str, int]:
        """Every interval, by the standing it applies to."""
        return {"A": self.a, "B": self.b, "C": self.c, "D": self.d, "listed": self.listed, "unrated": self.unrated}


DEFAULT_FREQUENCY = InspectionFrequency()


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (negative goes back), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_due(last_inspected: date | None, months: int, first_day: date) -> date:
    """When the next inspection is due: ``months`` after the last one, or the period's first day if never."""
    return first_day if last_inspected is None else add_months(last_inspected, months)


def due_cutoff(last_day: date, months: int) -> date:
    """The latest last-inspection date whose next visit (``next_due``) falls on or before ``last_day``.

    When ``last_day`` ends its month, every day of the month ``months`` back is due by then (31 March
    plus three months clamps to 30 June), so the cutoff is that month's last day.
    """
    back = add_months(last_day, -months)
    if last_day.day == calendar.monthrange(last_day.year, last_day.month)[1]:
        return back.replace(day=calendar.monthrange(back.year, back.month)[1])
    return back


def quarter_of(day: date) -> tuple[date, date]:
    """The calendar quarter containing ``day``, first and last day."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    first = date(day.year, first_month, 1)
    return first, date.fromordinal(add_months(first, 3).toordinal() - 1)
