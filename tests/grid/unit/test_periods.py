from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from services.grid.domain.periods import local_today, period_bounds, resolve_period, start_of_day
from shared.errors import Invalid

# 00:00 on 1 April in Huzhou (UTC+8) while it is still 31 March in UTC.
APRIL_FIRST_LOCAL = datetime(2026, 3, 31, 16, 0, tzinfo=UTC)
# 23:59:59.999999 on 31 March in Huzhou.
MARCH_LAST_LOCAL = datetime(2026, 3, 31, 15, 59, 59, 999999, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "offset", "today"),
    [
        (APRIL_FIRST_LOCAL, 8, date(2026, 4, 1)),
        (MARCH_LAST_LOCAL, 8, date(2026, 3, 31)),
        (APRIL_FIRST_LOCAL, 0, date(2026, 3, 31)),
        (datetime(2026, 12, 31, 16, tzinfo=UTC), 8, date(2027, 1, 1)),
        (datetime(2026, 1, 1, 3, tzinfo=UTC), -5, date(2025, 12, 31)),
        (datetime(2026, 4, 1, 0, 30, tzinfo=timezone(timedelta(hours=8))), 0, date(2026, 3, 31)),
        (datetime(2026, 4, 1, 0, 30, tzinfo=timezone(timedelta(hours=8))), 8, date(2026, 4, 1)),
    ],
)
def test_today_is_the_date_at_the_local_offset(now, offset, today):
    assert local_today(now, offset) == today


def test_default_period_is_the_local_quarter_not_the_utc_one():
    assert APRIL_FIRST_LOCAL.date() == date(2026, 3, 31)
    assert resolve_period(None, None, 8, APRIL_FIRST_LOCAL) == (date(2026, 4, 1), date(2026, 6, 30))


def test_last_local_instant_of_march_is_still_the_first_quarter():
    assert resolve_period(None, None, 8, MARCH_LAST_LOCAL) == (date(2026, 1, 1), date(2026, 3, 31))


def test_default_period_crosses_into_the_new_year_at_local_midnight():
    now = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    assert resolve_period(None, None, 8, now) == (date(2027, 1, 1), date(2027, 3, 31))
    assert resolve_period(None, None, 8, now - timedelta(microseconds=1)) == (date(2026, 10, 1), date(2026, 12, 31))


def test_default_period_west_of_utc_is_still_the_previous_quarter():
    now = datetime(2026, 7, 1, 3, 0, tzinfo=UTC)  # 22:00 on 30 June at UTC-5
    assert resolve_period(None, None, -5, now) == (date(2026, 4, 1), date(2026, 6, 30))
    assert resolve_period(None, None, 8, now) == (date(2026, 7, 1), date(2026, 9, 30))


def test_explicit_period_ignores_now():
    assert resolve_period(date(2025, 2, 3), date(2025, 11, 4), 8, APRIL_FIRST_LOCAL) == (
        date(2025, 2, 3),
        date(2025, 11, 4),
    )


def test_missing_end_defaults_to_the_current_quarter_end():
    assert resolve_period(date(2026, 1, 15), None, 8, APRIL_FIRST_LOCAL) == (date(2026, 1, 15), date(2026, 6, 30))


def test_missing_start_defaults_to_the_current_quarter_start():
    assert resolve_period(None, date(2026, 5, 15), 8, APRIL_FIRST_LOCAL) == (date(2026, 4, 1), date(2026, 5, 15))


def test_one_day_period_is_allowed():
    assert resolve_period(date(2026, 2, 1), date(2026, 2, 1), 8, APRIL_FIRST_LOCAL) == (
        date(2026, 2, 1),
        date(2026, 2, 1),
    )


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2026, 2, 1), date(2026, 1, 31)),
        (date(2027, 1, 1), date(2026, 12, 31)),
        (date(2026, 7, 1), None),  # after the current quarter's end
        (None, date(2026, 3, 31)),  # before the current (local) quarter's start
    ],
)
def test_period_that_ends_before_it_starts_is_refused(first, last):
    with pytest.raises(Invalid) as caught:
        resolve_period(first, last, 8, APRIL_FIRST_LOCAL)
    error = caught.value
    assert error.status == 422
    assert error.code == "invalid_period"
    assert error.errors == [{"field": "to", "message": "must not be before from"}]


def test_refused_period_names_both_days():
    with pytest.raises(Invalid) as caught:
        resolve_period(date(2026, 2, 1), date(2026, 1, 31), 8, APRIL_FIRST_LOCAL)
    assert caught.value.detail == "the period ends (2026-01-31) before it starts (2026-02-01)"


@pytest.mark.parametrize(
    ("day", "offset", "start"),
    [
        (date(2026, 4, 1), 8, datetime(2026, 3, 31, 16, tzinfo=UTC)),
        (date(2026, 1, 1), 8, datetime(2025, 12, 31, 16, tzinfo=UTC)),
        (date(2026, 4, 1), 0, datetime(2026, 4, 1, tzinfo=UTC)),
        (date(2026, 1, 1), -5, datetime(2026, 1, 1, 5, tzinfo=UTC)),
        (date(2024, 3, 1), 8, datetime(2024, 2, 29, 16, tzinfo=UTC)),
    ],
)
def test_start_of_day_is_local_midnight_in_utc(day, offset, start):
    result = start_of_day(day, offset)
    assert result == start
    assert result.tzinfo is UTC
    assert (result.year, result.month, result.day, result.hour) == (start.year, start.month, start.day, start.hour)


def test_default_bounds_run_from_local_midnight_of_the_quarter_to_local_midnight_after_it():
    assert period_bounds(None, None, 8, APRIL_FIRST_LOCAL) == (
        datetime(2026, 3, 31, 16, tzinfo=UTC),
        datetime(2026, 6, 30, 16, tzinfo=UTC),
    )
    assert period_bounds(None, None, 8, MARCH_LAST_LOCAL) == (
        datetime(2025, 12, 31, 16, tzinfo=UTC),
        datetime(2026, 3, 31, 16, tzinfo=UTC),
    )


def test_bounds_of_an_explicit_period_are_half_open_local_days():
    start, end = period_bounds(date(2026, 2, 28), date(2026, 2, 28), 8, APRIL_FIRST_LOCAL)
    assert (start, end) == (datetime(2026, 2, 27, 16, tzinfo=UTC), datetime(2026, 2, 28, 16, tzinfo=UTC))
    assert end - start == timedelta(days=1)


def test_bounds_of_a_year_west_of_utc():
    assert period_bounds(date(2026, 1, 1), date(2026, 12, 31), -5, APRIL_FIRST_LOCAL) == (
        datetime(2026, 1, 1, 5, tzinfo=UTC),
        datetime(2027, 1, 1, 5, tzinfo=UTC),
    )


def test_the_now_instant_lies_inside_its_default_bounds():
    for now in (APRIL_FIRST_LOCAL, MARCH_LAST_LOCAL, datetime(2026, 12, 31, 16, tzinfo=UTC)):
        start, end = period_bounds(None, None, 8, now)
        assert start <= now < end


def test_invalid_period_is_refused_by_bounds_too():
    with pytest.raises(Invalid) as caught:
        period_bounds(date(2026, 2, 1), date(2026, 1, 31), 8, APRIL_FIRST_LOCAL)
    assert caught.value.code == "invalid_period"


def test_a_period_ending_on_the_last_day_of_the_calendar_is_refused_not_a_crash():
    now = datetime(2026, 5, 1, tzinfo=UTC)
    with pytest.raises(Invalid) as e:
        period_bounds(date(2015, 1, 1), date.max, 8, now)
    assert e.value.code == "invalid_period"
    assert period_bounds(date(2015, 1, 1), date(9999, 12, 30), 8, now)[1].year == 9999
