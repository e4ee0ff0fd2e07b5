from datetime import UTC, date, datetime

import pytest

from services.registry.domain.calendar import check_period_started, local_date, period_bounds, start_of_day
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
