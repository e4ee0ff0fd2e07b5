from datetime import UTC, date, datetime, timedelta, timezone

from services.registry.domain.months import add_months


def test_same_day_in_a_later_month():
    assert add_months(date(2024, 3, 10), 12) == date(2025, 3, 10)


def test_missing_day_falls_on_month_end():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 2, 29), 36) == date(2027, 2, 28)


def test_negative_months_cross_the_year():
    assert add_months(date(2024, 2, 15), -3) == date(2023, 11, 15)
    assert add_months(date(2024, 5, 31), -3) == date(2024, 2, 29)


def test_time_and_zone_are_kept():
    cst = timezone(timedelta(hours=8))
    moment = datetime(2023, 8, 31, 14, 30, tzinfo=cst)
    assert add_months(moment, 6) == datetime(2024, 2, 29, 14, 30, tzinfo=cst)
    assert add_months(datetime(2024, 12, 1, tzinfo=UTC), 1) == datetime(2025, 1, 1, tzinfo=UTC)
