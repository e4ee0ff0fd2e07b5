from datetime import UTC, date, datetime, timedelta

import pytest

from services.hazard.domain.deadlines import acceptance_due_by, validate_notice_deadline
from services.hazard.domain.periods import local_today, period_bounds, year_bounds
from shared.errors import Invalid


def test_a_period_runs_from_local_midnight_to_local_midnight_after_its_last_day():
    assert period_bounds(date(2015, 1, 1), date(2015, 12, 31), 8) == (
        datetime(2014, 12, 31, 16, tzinfo=UTC),
        datetime(2015, 12, 31, 16, tzinfo=UTC),
    )
    assert year_bounds(2015, 8) == period_bounds(date(2015, 1, 1), date(2015, 12, 31), 8)
    start, end = period_bounds(date(2026, 3, 1), date(2026, 3, 1), 8)
    assert end - start == timedelta(days=1)


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(Invalid) as caught:
        period_bounds(date(2026, 2, 1), date(2026, 1, 31), 8)
    assert caught.value.code == "invalid_period"


def test_today_is_the_local_date():
    assert local_today(datetime(2026, 12, 31, 16, tzinfo=UTC), 8) == date(2027, 1, 1)


def test_a_notice_deadline_may_be_today_but_not_yesterday_in_local_time():
    now = datetime(2026, 1, 4, 17, tzinfo=UTC)  # 01:00 on 5 January in Huzhou
    assert validate_notice_deadline(date(2026, 1, 5), now) == date(2026, 1, 5)
    with pytest.raises(Invalid) as caught:
        validate_notice_deadline(date(2026, 1, 4), now)
    assert caught.value.code == "deadline_in_past"


def test_acceptance_is_due_by_the_tenth_local_day_after_completion():
    assert acceptance_due_by(datetime(2026, 1, 4, 17, tzinfo=UTC)) == date(2026, 1, 15)


def test_a_period_ending_on_the_last_day_of_the_calendar_is_refused_not_a_crash():
    from datetime import date

    import pytest

    from services.hazard.domain.periods import period_bounds
    from shared.errors import Invalid

    with pytest.raises(Invalid) as e:
        period_bounds(date(2015, 1, 1), date.max, 8)
    assert e.value.code == "invalid_period"
    assert period_bounds(date(2015, 1, 1), date(9999, 12, 30), 8)[1].year == 9999
