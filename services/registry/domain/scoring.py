"""One assessment, two results (一次考评两个结果): the credit class and the standardization grade."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from shared.errors import Invalid, field_error

from .standardization import (
    DEFAULT_STANDARDIZATION_RULES,
    StandardizationRules,
    is_score,
    standardization_result,
    validate_standardization_rules,
)


class CreditClass(StrEnum):
    """Credit class (诚信等级) A (best) to D; a local Huzhou scheme, not a national one."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"

    @property
    def rank(self) -> int:
        """0 for A up to 3 for D: a larger rank is a worse class."""
        return list(CreditClass).index(self)


class AssessmentPart(StrEnum):
    """The five parts of the credit score."""

    STANDARDIZATION = "standardization"
    SAFETY_CULTURE = "safety_culture"
    STAFF_PARTICIPATION = "staff_participation"
    PUBLIC_COMMITMENT = "public_commitment"
    LEGAL_COMPLIANCE = "legal_compliance"


class OverrideRule(StrEnum):
    """Rules that move the class after scoring, applied in this order."""

    NO_PUBLIC_COMMITMENT = "no_public_commitment"
    FATAL_ACCIDENT_CAP = "fatal_accident_cap"
    PENALTY_CAP = "penalty_cap"


# Standardization carries at least half of the credit score (one assessment, two results).
MIN_STANDARDIZATION_WEIGHT = Decimal("0.5")
LINED_CLASSES = (CreditClass.A, CreditClass.B, CreditClass.C)
_CENTS = Decimal("0.01")


@dataclass(frozen=True)
class AssessmentRuleSet:
    """Versioned weights, class lines and override rules of the credit assessment."""

    code: str
    version: int
    effective_from: date
    weights: Mapping[str, Decimal]
    class_lines: Mapping[str, Decimal]
    commitment_downgrade: int = 1
    fatal_accident_cap: CreditClass = CreditClass.C
    penalty_cap: CreditClass = CreditClass.B
    standardization: StandardizationRules = DEFAULT_STANDARDIZATION_RULES


DEFAULT_ASSESSMENT_RULE_SET = AssessmentRuleSet(
    code="huzhou-credit",
    version=1,
    # Assumed start date: the local scheme's own date is not in our sources.
    effective_from=date(2020, 1, 1),
    weights=MappingProxyType(
        {
            AssessmentPart.STANDARDIZATION.value: Decimal("0.5"),
            AssessmentPart.SAFETY_CULTURE.value: Decimal("0.1"),
            AssessmentPart.STAFF_PARTICIPATION.value: Decimal("0.1"),
            AssessmentPart.PUBLIC_COMMITMENT.value: Decimal("0.1"),
            AssessmentPart.LEGAL_COMPLIANCE.value: Decimal("0.2"),
        }
    ),
    class_lines=MappingProxyType({"A": Decimal(90), "B": Decimal(75), "C": Decimal(60)}),
)


@dataclass(frozen=True)
class AssessmentFacts:
    """Facts of the assessed period that override the score; the defaults are neutral."""

    fatal_accidents: int = 0
    penalties: int = 0
    public_commitment_signed: bool = True


@dataclass(frozen=True)
class AssessmentResult:
    """Both results of one assessment, with the breakdown an objecting enterprise is shown."""

    total_score: Decimal
    credit_class: CreditClass
    standardization_result: int | None
    breakdown: dict[str, Any]
    rule_set: str
    version: int


def validate_rule_set(rs: AssessmentRuleSet) -> None:
    """Raise ``Invalid(code="invalid_rule_set")`` listing every unsound weight, line or rule."""
    errors = _weight_errors(rs.weights)
    lines = [rs.class_lines.get(cls.value) for cls in LINED_CLASSES]
    if set(rs.class_lines) != {cls.value for cls in LINED_CLASSES} or not all(
        isinstance(line, Decimal | int) for line in lines
    ):
        errors.append(field_error("class_lines", "must give one number for each of A, B and C"))
    elif not 100 >= lines[0] > lines[1] > lines[2] >= 0:
        errors.append(field_error("class_lines", "lines must be strictly descending A > B > C, within 0-100"))
    if rs.commitment_downgrade < 0:
        errors.append(field_error("commitment_downgrade", "must be 0 or more"))
    errors += validate_standardization_rules(rs.standardization)
    if errors:
        raise Invalid(
            f"rule set {rs.code} v{rs.version} is invalid: " + "; ".join(e["message"] for e in errors),
            code="invalid_rule_set",
            errors=errors,
        )


def _weight_errors(weights: Mapping[str, Decimal]) -> list[dict[str, str]]:
    errors = []
    parts = {part.value for part in AssessmentPart}
    for part in sorted(parts - set(weights)):
        errors.append(field_error(f"weights.{part}", "missing"))
    for part in sorted(set(weights) - parts):
        errors.append(field_error(f"weights.{part}", "unknown part"))
    for part, weight in weights.items():
        if not isinstance(weight, Decimal) or not weight.is_finite() or not 0 <= weight <= 1:
            errors.append(field_error(f"weights.{part}", f"must be a Decimal between 0 and 1, got {weight!r}"))
    if errors:
        return errors
    if weights[AssessmentPart.STANDARDIZATION] < MIN_STANDARDIZATION_WEIGHT:
        errors.append(
            field_error(
                "weights.standardization",
                f"must be at least {MIN_STANDARDIZATION_WEIGHT}, got {weights['standardization']}",
            )
        )
    total = sum(weights.values(), Decimal(0))
    if total != 1:
        errors.append(field_error("weights", f"must sum to 1, got {total}"))
    return errors


def class_for_score(total: Decimal, rs: AssessmentRuleSet) -> CreditClass:
    """The class whose line the total reaches; D below C's line."""
    return next((cls for cls in LINED_CLASSES if total >= rs.class_lines[cls.value]), CreditClass.D)


def assess(
    scores: Mapping[str, Decimal | int],
    facts: AssessmentFacts,
    rule_set: AssessmentRuleSet,
    category: str,
) -> AssessmentResult:
    """Score one assessment: weighted total, base class, overrides, and the standardization grade."""
    validate_rule_set(rule_set)
    checked = _checked_scores(scores)
    _check_facts(facts)
    parts = [
        {
            "part": part.value,
            "score": str(checked[part]),
            "weight": str(rule_set.weights[part]),
            "weighted": str(checked[part] * rule_set.weights[part]),
        }
        for part in AssessmentPart
    ]
    total = sum((checked[part] * rule_set.weights[part] for part in AssessmentPart), Decimal(0))
    # The class follows the published (rounded) total, so the number shown explains the class.
    total = total.quantize(_CENTS, rounding=ROUND_HALF_UP)
    base = class_for_score(total, rule_set)
    final, overrides = apply_overrides(base, facts, rule_set)
    grade = standardization_result(checked[AssessmentPart.STANDARDIZATION], category, rule_set.standardization)
    breakdown = {
        "rule_set": rule_set.code,
        "version": rule_set.version,
        "category": category,
        "parts": parts,
        "total_score": str(total),
        "base_class": base.value,
        "overrides": overrides,
        "credit_class": final.value,
        "standardization": {
            "rule_set": rule_set.standardization.code,
            "version": rule_set.standardization.version,
            "score": str(checked[AssessmentPart.STANDARDIZATION]),
            "grade": grade,
        },
    }
    return AssessmentResult(total, final, grade, breakdown, rule_set.code, rule_set.version)


def apply_overrides(
    base: CreditClass, facts: AssessmentFacts, rs: AssessmentRuleSet
) -> tuple[CreditClass, list[dict[str, str]]]:
    """Apply the override rules in order and record each one that changed the class.

    Order: the commitment downgrade first, then the fatal-accident cap, then the penalty cap. The
    downgrade adjusts the assessed class; the caps are ceilings on the outcome, so they come last (A
    with no commitment and a penalty ends at B, not C). A cap never raises a class; D stays D.
    """
    current, overrides = base, []

    def record(rule: OverrideRule, new: CreditClass, reason: str) -> None:
        nonlocal current
        if new != current:
            overrides.append({"rule": rule.value, "from": current.value, "to": new.value, "reason": reason})
            current = new

    if not facts.public_commitment_signed and rs.commitment_downgrade:
        record(
            OverrideRule.NO_PUBLIC_COMMITMENT,
            _lowered(current, rs.commitment_downgrade),
            f"no signed public commitment: class lowered by {rs.commitment_downgrade}",
        )
    if facts.fatal_accidents > 0:
        record(
            OverrideRule.FATAL_ACCIDENT_CAP,
            _capped(current, rs.fatal_accident_cap),
            f"{facts.fatal_accidents} fatal accident(s) in the period: class capped at {rs.fatal_accident_cap}",
        )
    if facts.penalties > 0:
        record(
            OverrideRule.PENALTY_CAP,
            _capped(current, rs.penalty_cap),
            f"{facts.penalties} administrative penalty(ies) in the period: class capped at {rs.penalty_cap}",
        )
    return current, overrides


def _lowered(cls: CreditClass, steps: int) -> CreditClass:
    return list(CreditClass)[min(cls.rank + steps, CreditClass.D.rank)]


def _capped(cls: CreditClass, cap: CreditClass) -> CreditClass:
    return cls if cls.rank >= cap.rank else cap


def _checked_scores(scores: Mapping[str, Decimal | int]) -> dict[str, Decimal]:
    errors = []
    for part in AssessmentPart:
        if part.value not in scores:
            errors.append(field_error(f"scores.{part.value}", "missing"))
        elif not is_score(scores[part.value]):
            errors.append(
                field_error(f"scores.{part.value}", f"must be a number between 0 and 100, got {scores[part.value]!r}")
            )
    known = {part.value for part in AssessmentPart}
    errors += [field_error(f"scores.{name}", "unknown part") for name in sorted(set(scores) - known)]
    if errors:
        raise Invalid(
            "invalid scores: " + "; ".join(f"{e['field']}: {e['message']}" for e in errors),
            code="invalid_scores",
            errors=errors,
        )
    return {part.value: Decimal(scores[part.value]) for part in AssessmentPart}


def _check_facts(facts: AssessmentFacts) -> None:
    errors = [
        field_error(f"facts.{name}", f"must be a count of 0 or more, got {value!r}")
        for name, value in (("fatal_accidents", facts.fatal_accidents), ("penalties", facts.penalties))
        if isinstance(value, bool) or not isinstance(value, int) or value < 0
    ]
    if errors:
        raise Invalid(
            "invalid facts: " + "; ".join(f"{e['field']}: {e['message']}" for e in errors),
            code="invalid_facts",
            errors=errors,
        )
