"""Work-safety standardization (安全生产标准化, GB/T 33000-2016): grades, validity and status."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from shared.errors import Invalid, field_error

from .months import add_months


class IndustryCategory(StrEnum):
    """Industry category of an enterprise; standardization lines are set per category."""

    MINING = "mining"
    HAZARDOUS_CHEMICALS = "hazardous_chemicals"
    FIREWORKS = "fireworks"
    METALLURGY = "metallurgy"
    INDUSTRY_TRADE = "industry_trade"
    GENERAL = "general"


class StandardizationStatus(StrEnum):
    """State of an enterprise's standardization certificate on a given day."""

    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    NONE = "none"
    REVOKED = "revoked"


GRADES = (1, 2, 3)


@dataclass(frozen=True)
class StandardizationRules:
    """Versioned standardization rules: validity, re-review window and per-category grade lines."""

    code: str
    version: int
    effective_from: date
    validity_years: int
    renewal_window_months: int
    grade_lines: Mapping[str, Mapping[int, Decimal]]


_OLD_100_POINT_LINES = MappingProxyType({1: Decimal(90), 2: Decimal(75), 3: Decimal(60)})

DEFAULT_STANDARDIZATION_RULES = StandardizationRules(
    code="standardization-100-point",
    version=1,
    # Assumed: the day GB/T 33000-2016 took effect; the old 100-point lines have no single in-force date.
    effective_from=date(2017, 4, 1),
    # Grades are valid 3 years; re-review is applied for in the 3 months before expiry.
    validity_years=3,
    renewal_window_months=3,
    grade_lines=MappingProxyType({category.value: _OLD_100_POINT_LINES for category in IndustryCategory}),
)


def validate_standardization_rules(rules: StandardizationRules) -> list[dict[str, str]]:
    """Field errors of a standardization rule set (empty when it is sound)."""
    errors = []
    if rules.validity_years < 1:
        errors.append(field_error("standardization.validity_years", "must be at least 1"))
    if not 0 <= rules.renewal_window_months < rules.validity_years * 12:
        errors.append(
            field_error("standardization.renewal_window_months", "must be 0 or more and shorter than validity")
        )
    for category, lines in rules.grade_lines.items():
        field = f"standardization.grade_lines.{category}"
        if sorted(lines) != list(GRADES):
            errors.append(field_error(field, f"must give lines for grades {GRADES}, got {sorted(lines)}"))
        elif not 100 >= lines[1] > lines[2] > lines[3] >= 0:
            errors.append(field_error(field, "lines must be strictly descending from grade 1 to 3, within 0-100"))
    return errors


def is_score(value: object) -> bool:
    """True for an int or finite Decimal between 0 and 100 (bools and floats are not scores)."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return False
    if isinstance(value, Decimal) and not value.is_finite():
        return False
    return 0 <= value <= 100


def standardization_result(score: Decimal | int, category: str, rules: StandardizationRules) -> int | None:
    """The highest grade (1 highest) the score reaches in its industry category, or None."""
    if category not in rules.grade_lines:
        message = f"unknown category {category!r}; expected one of {sorted(rules.grade_lines)}"
        raise Invalid(message, code="unknown_category", errors=[field_error("category", message)])
    if not is_score(score):
        message = f"score must be a number between 0 and 100, got {score!r}"
        raise Invalid(message, code="invalid_score", errors=[field_error("score", message)])
    lines = rules.grade_lines[category]
    return next((grade for grade in GRADES if score >= lines[grade]), None)


def valid_until(awarded_on: date, rules: StandardizationRules) -> date:
    """Last day a grade awarded on ``awarded_on`` is valid.

    Civil Code art. 201-202: the day of award is not counted, so the period ends on the anniversary.
    """
    return add_months(awarded_on, rules.validity_years * 12)


def renewal_opens_on(expires_on: date, rules: StandardizationRules) -> date:
    """First day of the re-review window (复评申请) before expiry."""
    return add_months(expires_on, -rules.renewal_window_months)


def expiring_through(today: date, rules: StandardizationRules) -> date:
    """The latest ``valid_until`` whose certificate is expiring on ``today`` (for filters in SQL).

    A certificate is expiring while ``renewal_opens_on(valid_until) <= today <= valid_until``; the
    opening day never decreases as ``valid_until`` grows, so these are the days from ``today`` up to
    the one returned. Month-end clamping can stretch it past ``today`` + the window by a few days.
    """
    day = add_months(today, rules.renewal_window_months)
    while renewal_opens_on(day + timedelta(days=1), rules) <= today:
        day += timedelta(days=1)
    return day


def standardization_status(
    grade: int | None,
    valid_until: date | None,
    today: date,
    rules: StandardizationRules,
    *,
    blacklisted: bool = False,
) -> StandardizationStatus:
    """Status of a certificate on ``today``; a blacklisted enterprise's certificate is revoked."""
    if grade is None:
        return StandardizationStatus.NONE
    if valid_until is None:
        raise Invalid(
            "a standardization grade needs a valid_until date",
            code="invalid_standardization",
            errors=[field_error("standardization_valid_until", "required when a grade is set")],
        )
    if blacklisted:
        # Any blacklist entry suspends review and revokes the certificate.
        return StandardizationStatus.REVOKED
    if today > valid_until:
        return StandardizationStatus.EXPIRED
    if today >= renewal_opens_on(valid_until, rules):
        return StandardizationStatus.EXPIRING
    return StandardizationStatus.VALID
