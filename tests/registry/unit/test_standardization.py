from dataclasses import replace
from datetime import date
from decimal import Decimal
from types import MappingProxyType

import pytest

from services.registry.domain.standardization import (
    DEFAULT_STANDARDIZATION_RULES as RULES,
)
from services.registry.domain.standardization import (
    IndustryCategory,
    StandardizationStatus,
    renewal_opens_on,
    standardization_result,
    standardization_status,
    valid_until,
    validate_standardization_rules,
)
from shared.errors import Invalid


def test_default_rules_use_the_old_100_point_lines_for_every_category():
    assert set(RULES.grade_lines) == {c.value for c in IndustryCategory}
    for lines in RULES.grade_lines.values():
        assert lines == {1: 90, 2: 75, 3: 60}
    assert validate_standardization_rules(RULES) == []


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, 1),
        (90, 1),
        (Decimal("89.99"), 2),
        (75, 2),
        (Decimal("74.5"), 3),
        (60, 3),
        (Decimal("59.99"), None),
        (0, None),
    ],
)
def test_score_reaches_the_highest_grade_whose_line_it_meets(score, grade):
    assert standardization_result(score, "general", RULES) == grade


def test_lines_are_per_industry_category():
    mining_lines = MappingProxyType({1: Decimal(95), 2: Decimal(85), 3: Decimal(70)})
    rules = replace(RULES, version=2, grade_lines={**RULES.grade_lines, "mining": mining_lines})
    assert standardization_result(92, "mining", rules) == 2
    assert standardization_result(92, "general", rules) == 1


def test_unknown_category_is_invalid():
    with pytest.raises(Invalid) as caught:
        standardization_result(80, "farming", RULES)
    assert caught.value.code == "unknown_category"


@pytest.mark.parametrize("score", [-1, 101, Decimal("100.01"), Decimal("NaN"), 80.0, True, "80"])
def test_score_outside_0_to_100_or_not_a_number_is_invalid(score):
    with pytest.raises(Invalid) as caught:
        standardization_result(score, "general", RULES)
    assert caught.value.code == "invalid_score"


def test_grade_is_valid_three_years_to_the_anniversary():
    assert valid_until(date(2024, 5, 10), RULES) == date(2027, 5, 10)


def test_grade_awarded_on_29_february_ends_on_28_february():
    assert valid_until(date(2024, 2, 29), RULES) == date(2027, 2, 28)


def test_renewal_window_opens_three_months_before_expiry():
    assert renewal_opens_on(date(2027, 5, 10), RULES) == date(2027, 2, 10)


def status(today, grade=2, until=date(2027, 5, 10), blacklisted=False):
    return standardization_status(grade, until, today, RULES, blacklisted=blacklisted)


def test_status_is_valid_before_the_renewal_window():
    assert status(date(2027, 2, 9)) is StandardizationStatus.VALID


def test_status_is_expiring_inside_the_renewal_window():
    assert status(date(2027, 2, 10)) is StandardizationStatus.EXPIRING
    assert status(date(2027, 5, 10)) is StandardizationStatus.EXPIRING


def test_status_is_expired_the_day_after_valid_until():
    assert status(date(2027, 5, 11)) is StandardizationStatus.EXPIRED


def test_no_grade_means_none():
    assert status(date(2025, 1, 1), grade=None, until=None) is StandardizationStatus.NONE
    assert status(date(2025, 1, 1), grade=None, until=None, blacklisted=True) is StandardizationStatus.NONE


def test_blacklisted_enterprise_has_its_certificate_revoked():
    assert status(date(2025, 1, 1), blacklisted=True) is StandardizationStatus.REVOKED
    assert status(date(2030, 1, 1), blacklisted=True) is StandardizationStatus.REVOKED


def test_grade_without_valid_until_is_invalid():
    with pytest.raises(Invalid) as caught:
        status(date(2025, 1, 1), until=None)
    assert caught.value.code == "invalid_standardization"


def test_rules_with_non_descending_lines_or_missing_grades_are_reported():
    bad = replace(
        RULES,
        grade_lines={"general": {1: Decimal(70), 2: Decimal(75), 3: Decimal(60)}, "mining": {1: Decimal(90)}},
    )
    fields = [e["field"] for e in validate_standardization_rules(bad)]
    assert fields == ["standardization.grade_lines.general", "standardization.grade_lines.mining"]


def test_rules_with_bad_periods_are_reported():
    bad = replace(RULES, validity_years=0, renewal_window_months=-1)
    fields = {e["field"] for e in validate_standardization_rules(bad)}
    assert fields == {"standardization.validity_years", "standardization.renewal_window_months"}


def test_expiring_through_bounds_exactly_the_days_that_are_expiring():
    from datetime import timedelta

    from services.registry.domain.standardization import expiring_through

    for today in (date(2026, 2, 28), date(2025, 11, 30), date(2024, 2, 29), date(2026, 3, 1), date(2026, 5, 31)):
        last = expiring_through(today, RULES)
        for offset in range(-5, 130):
            until = today + timedelta(days=offset)
            status = standardization_status(1, until, today, RULES)
            assert (status is StandardizationStatus.EXPIRING) == (today <= until <= last), (today, until, status)


def test_expiring_through_stretches_over_a_short_month():
    from services.registry.domain.standardization import expiring_through

    # 31 May - 3 months clamps to 28 Feb: a certificate ending on 31 May is already expiring on 28 Feb.
    assert expiring_through(date(2026, 2, 28), RULES) == date(2026, 5, 31)
