from datetime import UTC, date, datetime

import pytest

from services.registry.domain.calendar import check_period_started, day_bounds, local_date, period_bounds, start_of_day
from shared.errors import Invalid


def test_a_day_is_the_china_calendar_day():
    assert local_date(datetime(2025, 12, 31, 16, 0, tzinfo=UTC)) == date(2026, 1, 1)
    assert local_date(datetime(2025, 12, 31, 15, 59, tzinfo=UTC)) == date(2025, 12, 31)
    assert start_of_day(date(2026, 1, 1)) == datetime(2025, 12, 31, 16, 0, tzinfo=UTC)


def test_a_period_is_a_calendar_year_in_china():
    assert period_bounds("2025") == (datetime(2024, 12, 31, 16, tzinfo=UTC), datetime(2025, 12, 31, 16, tzinfo=UTC))


@pytest.mark.parametrize("bad", ["25", "2025H1", "１２３４", "1800", ""])
def test_other_periods_are_invalid(bad):
    with pytest.raises(Invalid) as exc:
        period_bounds(bad)
    assert exc.value.code == "invalid_period"


def test_a_period_that_has_not_begun_cannot_be_assessed():
    check_period_started("2026", datetime(2025, 12, 31, 16, tzinfo=UTC))
    with pytest.raises(Invalid):
        check_period_started("2026", datetime(2025, 12, 31, 15, 59, tzinfo=UTC))


def test_a_statistics_period_is_china_days_both_ends_inclusive_by_default_this_year():
    assert day_bounds(date(2015, 1, 1), date(2015, 12, 31), date(2026, 3, 1)) == (
        date(2015, 1, 1),
        date(2015, 12, 31),
        datetime(2014, 12, 31, 16, tzinfo=UTC),
        datetime(2015, 12, 31, 16, tzinfo=UTC),
    )
    assert day_bounds(None, None, date(2026, 3, 1))[:2] == (date(2026, 1, 1), date(2026, 12, 31))
    assert day_bounds(date(2015, 6, 1), date(2015, 6, 1), date(2026, 3, 1))[2:] == (
        datetime(2015, 5, 31, 16, tzinfo=UTC),
        datetime(2015, 6, 1, 16, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [(date(2015, 6, 2), date(2015, 6, 1), "to"), (date(1, 1, 1), date(2015, 1, 1), "from"), (None, date.max, "to")],
)
def test_a_statistics_period_that_ends_before_it_starts_or_leaves_the_calendar_is_invalid(first, last, field):
    with pytest.raises(Invalid) as exc:
        day_bounds(first, last, date(2026, 3, 1))
    assert exc.value.code == "invalid_period" and exc.value.errors[0]["field"] == field
