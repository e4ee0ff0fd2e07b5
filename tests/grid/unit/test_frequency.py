from dataclasses import FrozenInstanceError
from datetime import date, timedelta

import pytest

from services.grid.domain.frequency import (
    DEFAULT_FREQUENCY,
    InspectionFrequency,
    add_months,
    due_cutoff,
    next_due,
    quarter_of,
)

#: Every interval different, so a class mapped to the wrong field shows.
DISTINCT = InspectionFrequency(code="test", version=9, a=12, b=5, c=4, d=2, listed=1, unrated=7)


@pytest.mark.parametrize(("credit_class", "months"), [("A", 6), ("B", 3), ("C", 3), ("D", 2)])
def test_default_interval_by_credit_class(credit_class, months):
    assert DEFAULT_FREQUENCY.months(credit_class, blacklisted=False) == months


@pytest.mark.parametrize(("credit_class", "months"), [("A", 12), ("B", 5), ("C", 4), ("D", 2)])
def test_each_class_reads_its_own_interval(credit_class, months):
    assert DISTINCT.months(credit_class, blacklisted=False) == months


@pytest.mark.parametrize("credit_class", ["A", "B", "C", "D", None, ""])
def test_blacklisting_overrides_the_class_with_the_monthly_interval(credit_class):
    assert DEFAULT_FREQUENCY.months(credit_class, blacklisted=True) == 1
    assert DISTINCT.months(credit_class, blacklisted=True) == 1


def test_blacklisted_interval_comes_from_the_rule():
    assert InspectionFrequency(listed=2).months("A", blacklisted=True) == 2


@pytest.mark.parametrize("credit_class", [None, "", "E", "AA", "unrated"])
def test_enterprise_without_a_known_class_gets_the_unrated_interval(credit_class):
    assert DEFAULT_FREQUENCY.months(credit_class, blacklisted=False) == 3
    assert DISTINCT.months(credit_class, blacklisted=False) == 7


def test_default_rule_is_huzhou_2026_version_1():
    assert (DEFAULT_FREQUENCY.code, DEFAULT_FREQUENCY.version) == ("huzhou-grid-2026", 1)
    assert DEFAULT_FREQUENCY == InspectionFrequency()


def test_intervals_lists_every_standing():
    assert DEFAULT_FREQUENCY.intervals() == {"A": 6, "B": 3, "C": 3, "D": 2, "listed": 1, "unrated": 3}
    assert DISTINCT.intervals() == {"A": 12, "B": 5, "C": 4, "D": 2, "listed": 1, "unrated": 7}


def test_frequency_rule_is_immutable():
    with pytest.raises(FrozenInstanceError):
        DEFAULT_FREQUENCY.a = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 15), 0, date(2026, 1, 15)),
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 1, 15), 3, date(2026, 4, 15)),
        (date(2026, 1, 15), 6, date(2026, 7, 15)),
        # month-end clamping
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 1, 30), 1, date(2026, 2, 28)),
        (date(2026, 1, 29), 1, date(2026, 2, 28)),
        (date(2026, 1, 28), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 5, 31), 6, date(2026, 11, 30)),
        (date(2026, 3, 31), 2, date(2026, 5, 31)),
        (date(2026, 4, 30), 1, date(2026, 5, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(1900, 1, 31), 1, date(1900, 2, 28)),
        (date(2000, 1, 31), 1, date(2000, 2, 29)),
        # year boundaries
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2026, 10, 31), 6, date(2027, 4, 30)),
        (date(2026, 6, 10), 12, date(2027, 6, 10)),
        (date(2026, 6, 10), 30, date(2028, 12, 10)),
        # going back
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2026, 3, 15), -3, date(2025, 12, 15)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2026, 1, 31), -2, date(2025, 11, 30)),
        (date(2026, 7, 31), -6, date(2026, 1, 31)),
        (date(2026, 5, 31), -3, date(2026, 2, 28)),
        (date(2026, 6, 10), -12, date(2025, 6, 10)),
        (date(2026, 6, 10), -18, date(2024, 12, 10)),
        (date(2026, 2, 28), -25, date(2024, 1, 28)),
    ],
)
def test_add_months_moves_by_calendar_months_clamped_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_adding_then_removing_a_month_loses_the_clamped_days():
    assert add_months(add_months(date(2026, 1, 31), 1), -1) == date(2026, 1, 28)


def test_never_inspected_enterprise_is_due_on_the_first_day_of_the_period():
    assert next_due(None, 3, date(2026, 4, 1)) == date(2026, 4, 1)
    assert next_due(None, 1, date(2026, 1, 1)) == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("last_inspected", "months", "expected"),
    [
        (date(2026, 1, 10), 3, date(2026, 4, 10)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2025, 11, 30), 2, date(2026, 1, 30)),
        (date(2025, 12, 31), 6, date(2026, 6, 30)),
        (date(2026, 3, 31), 3, date(2026, 6, 30)),
    ],
)
def test_next_due_is_the_interval_after_the_last_inspection(last_inspected, months, expected):
    assert next_due(last_inspected, months, date(2099, 1, 1)) == expected


@pytest.mark.parametrize(
    ("last_day", "months", "expected"),
    [
        (date(2026, 3, 31), 3, date(2025, 12, 31)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), 6, date(2025, 9, 30)),
        (date(2026, 12, 31), 3, date(2026, 9, 30)),
        (date(2026, 12, 31), 2, date(2026, 10, 31)),
        (date(2026, 9, 30), 3, date(2026, 6, 30)),
        (date(2026, 6, 30), 2, date(2026, 4, 30)),
        (date(2026, 5, 15), 2, date(2026, 3, 15)),
        (date(2026, 3, 30), 1, date(2026, 2, 28)),
        (date(2026, 1, 10), 1, date(2025, 12, 10)),
    ],
)
def test_due_cutoff_is_the_interval_before_the_last_day(last_day, months, expected):
    assert due_cutoff(last_day, months) == expected


@pytest.mark.parametrize(
    ("last_day", "months", "expected"),
    [
        (date(2026, 6, 30), 3, date(2026, 3, 31)),
        (date(2026, 6, 30), 1, date(2026, 5, 31)),
        (date(2026, 6, 30), 6, date(2025, 12, 31)),
        (date(2026, 9, 30), 2, date(2026, 7, 31)),
        (date(2026, 9, 30), 6, date(2026, 3, 31)),
        (date(2026, 2, 28), 1, date(2026, 1, 31)),
    ],
)
def test_due_cutoff_at_the_end_of_a_short_month_covers_the_whole_longer_month(last_day, months, expected):
    """Inspected on ``expected``, the next visit (``next_due``) falls on ``last_day``: it is due by then."""
    assert next_due(expected, months, last_day) == last_day
    assert due_cutoff(last_day, months) == expected


def test_class_b_enterprise_inspected_on_31_march_is_due_in_the_second_quarter():
    """The plan shows next_due 30 June (inside Q2), so its due-only filter must list the enterprise too."""
    q2_first, q2_last = quarter_of(date(2026, 5, 1))
    months = DEFAULT_FREQUENCY.months("B", blacklisted=False)
    last_inspected = date(2026, 3, 31)
    assert q2_first <= next_due(last_inspected, months, q2_first) <= q2_last
    assert last_inspected <= due_cutoff(q2_last, months)


def _latest_due_by(last_day, months):
    """The latest day whose next inspection falls on or before ``last_day``, found by walking back."""
    day = last_day
    while next_due(day, months, last_day) > last_day:
        day -= timedelta(days=1)
    return day


#: Every month end of 2026 and a leap February, and a few mid-month days.
LAST_DAYS = [date(2026, m, 1) - timedelta(days=1) for m in range(2, 13)] + [
    date(2026, 12, 31),
    date(2024, 2, 29),
    date(2026, 3, 30),
    date(2026, 5, 15),
    date(2026, 8, 29),
]


@pytest.mark.parametrize("months", [1, 2, 3, 6])
@pytest.mark.parametrize("last_day", LAST_DAYS, ids=date.isoformat)
def test_due_cutoff_agrees_with_next_due(last_day, months):
    """The plan filters by ``due_cutoff`` and shows ``next_due``: a listed item must be due, an unlisted not."""
    cutoff = due_cutoff(last_day, months)
    assert cutoff == _latest_due_by(last_day, months)
    assert next_due(cutoff, months, last_day) <= last_day
    assert next_due(cutoff + timedelta(days=1), months, last_day) > last_day


@pytest.mark.parametrize(
    ("day", "first", "last"),
    [
        (date(2026, 1, 1), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 2, 14), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 5, 31), date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 6, 30), date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 8, 31), date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 9, 30), date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2026, 10, 1), date(2026, 12, 31)),
        (date(2026, 11, 30), date(2026, 10, 1), date(2026, 12, 31)),
        (date(2026, 12, 31), date(2026, 10, 1), date(2026, 12, 31)),
        (date(2024, 2, 29), date(2024, 1, 1), date(2024, 3, 31)),
    ],
)
def test_quarter_of_returns_the_first_and_last_day_of_the_calendar_quarter(day, first, last):
    assert quarter_of(day) == (first, last)


def test_quarters_tile_the_year_without_gaps_or_overlaps():
    day, seen = date(2026, 1, 1), []
    while day.year == 2026:
        first, last = quarter_of(day)
        assert first <= day <= last
        if not seen or seen[-1] != (first, last):
            seen.append((first, last))
        day += timedelta(days=1)
    assert len(seen) == 4
    assert [last + timedelta(days=1) for _, last in seen[:-1]] == [first for first, _ in seen[1:]]
    assert sum((last - first).days + 1 for first, last in seen) == 365
