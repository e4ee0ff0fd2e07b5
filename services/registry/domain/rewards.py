"""Honour roll (守信联合激励) eligibility under SAWS 2017 No. 133, as far as the registry's data go."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from shared.errors import Invalid, field_error

from .months import add_months
from .scoring import CreditClass


@dataclass(frozen=True)
class HonourRollRules:
    """Versioned honour-roll conditions: the class and grade required, look-back and term."""

    code: str
    version: int
    effective_from: date
    required_class: CreditClass
    required_grade: int
    lookback_years: int
    term_years: int


# SAWS General Office 2017 No. 133 (安监总办〔2017〕133号) of 2017-12-07, art. 2: all of public
# commitment, no untrustworthy act, penalty, fatal accident or new occupational-disease case in
# 3 years, standardization grade 1, not listed in any field. Class A is Huzhou's: the roll shows the
# A-class enterprises that meet the national conditions.
SAWS_2017_133 = HonourRollRules(
    code="saws-2017-133",
    version=1,
    effective_from=date(2017, 12, 7),
    required_class=CreditClass.A,
    required_grade=1,
    lookback_years=3,
    term_years=3,
)


@dataclass(frozen=True)
class HonourRollFacts:
    """What the registry knows of an enterprise; counts cover the rules' look-back (3 years).

    The registry holds no occupational-disease cases and no other field's lists: those default to
    none and are checked only when a caller supplies them.
    """

    credit_class: CreditClass | str | None
    standardization_grade: int | None
    blacklisted: bool
    public_commitment_signed: bool
    fatal_accidents: int
    penalties: int
    blacklist_entries: int = 0
    occupational_disease_cases: int = 0
    listed_in_other_field: bool = False


@dataclass(frozen=True)
class HonourRollDecision:
    """Whether the enterprise qualifies, the conditions it misses, and the rule set used.

    Unpacks as ``eligible, reasons_not_met = honour_roll_eligible(facts)``.
    """

    eligible: bool
    reasons_not_met: list[str]
    rule_set: str
    version: int

    def __iter__(self) -> Iterator[bool | list[str]]:
        return iter((self.eligible, self.reasons_not_met))


def honour_roll_eligible(facts: HonourRollFacts, rules: HonourRollRules = SAWS_2017_133) -> HonourRollDecision:
    """Check every honour-roll condition; ``reasons_not_met`` holds a stable code per missed one."""
    _check_counts(facts)
    missed = []
    if facts.credit_class != rules.required_class:
        missed.append(f"credit_class_not_{rules.required_class.lower()}")
    if facts.standardization_grade is None or facts.standardization_grade > rules.required_grade:
        missed.append("standardization_grade_too_low")
    if facts.blacklisted:
        missed.append("blacklisted")
    if facts.blacklist_entries > 0:
        missed.append("untrustworthy_act_within_lookback")
    if facts.listed_in_other_field:
        missed.append("listed_in_other_field")
    if not facts.public_commitment_signed:
        missed.append("no_public_commitment")
    if facts.fatal_accidents > 0:
        missed.append("fatal_accident_within_lookback")
    if facts.penalties > 0:
        missed.append("penalty_within_lookback")
    if facts.occupational_disease_cases > 0:
        missed.append("occupational_disease_within_lookback")
    return HonourRollDecision(not missed, missed, rules.code, rules.version)


def honour_roll_until(listed_on: date, rules: HonourRollRules = SAWS_2017_133) -> date:
    """Last day of an honour-roll listing made on ``listed_on`` (the incentive term)."""
    return add_months(listed_on, rules.term_years * 12)


def _check_counts(facts: HonourRollFacts) -> None:
    counts = ("fatal_accidents", "penalties", "blacklist_entries", "occupational_disease_cases")
    errors = [
        field_error(name, f"must be a count of 0 or more, got {value!r}")
        for name in counts
        if not _is_count(value := getattr(facts, name))
    ]
    if errors:
        detail = "invalid facts: " + "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        raise Invalid(detail, code="invalid_facts", errors=errors)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
