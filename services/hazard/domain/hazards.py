"""Hazard values (事故隐患): level, source, status, the major-hazard basis and the remediation plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from shared.errors import Invalid, field_error


class HazardLevel(StrEnum):
    """一般隐患 (general: little harm, fixable at once) or 重大隐患 (major)."""

    GENERAL = "general"
    MAJOR = "major"


class HazardSource(StrEnum):
    """Where a hazard was found (contract: POST /hazard/v1/hazards ``source``)."""

    ROUTINE_CHECK = "routine_check"
    SPECIALIST_CHECK = "specialist_check"
    EXPERT_CHECKUP = "expert_checkup"
    ADVISOR = "advisor"
    GRID_INSPECTION = "grid_inspection"
    GRID_REPORT = "grid_report"
    ELECTRICAL_ALARM = "electrical_alarm"
    SELF_CHECK = "self_check"
    OTHER = "other"


class HazardStatus(StrEnum):
    """The stations of the closed loop, from registration to write-off (销号)."""

    REPORTED = "reported"
    NOTICE_ISSUED = "notice_issued"
    RECTIFYING = "rectifying"
    AWAITING_ACCEPTANCE = "awaiting_acceptance"
    CLOSED = "closed"


@dataclass(frozen=True)
class MajorBasis:
    """The judgement standard and clause that make a hazard major, e.g. MEM Order No. 10 (2023), item 3."""

    standard: str
    clause: str


@dataclass(frozen=True)
class RemediationPlan:
    """A major hazard's remediation plan (重大事故隐患治理方案)."""

    measures: str
    funds: Decimal
    deadline: date
    responsible_person: str
    emergency_plan: str


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def validate_new_hazard(level: HazardLevel, major_basis: MajorBasis | None) -> None:
    """Raise ``Invalid(code="major_basis_required")`` for a major hazard without standard and clause."""
    if level != HazardLevel.MAJOR:
        # A general hazard needs no basis; one sent anyway is not a contradiction worth a 422.
        return
    missing = (
        ["standard", "clause"]
        if major_basis is None
        else [name for name in ("standard", "clause") if _blank(getattr(major_basis, name))]
    )
    if missing:
        raise Invalid(
            f"a major hazard needs the judgement standard and clause; missing: {', '.join(missing)}",
            code="major_basis_required",
            errors=[field_error("major_basis", f"missing or blank: {', '.join(missing)}")],
        )


def validate_plan(plan: RemediationPlan | None) -> None:
    """Raise ``Invalid(code="invalid_plan")`` unless every part of the plan is present."""
    # SAWS Order No. 16 (2008) art. 15: the plan states the measures, the funds, the people
    # responsible, the time limit and the safety measures and emergency plan.
    if plan is None:
        raise Invalid(
            "a major hazard needs a remediation plan before rectification starts",
            code="invalid_plan",
            errors=[field_error("plan", "required")],
        )
    errors = [
        field_error(f"plan.{name}", "required")
        for name in ("measures", "responsible_person", "emergency_plan")
        if _blank(getattr(plan, name))
    ]
    if not plan.funds.is_finite() or plan.funds <= 0:
        errors.append(field_error("plan.funds", f"must be a positive amount of yuan, got {plan.funds}"))
    if errors:
        fields = ", ".join(e["field"] for e in errors)
        raise Invalid(f"the remediation plan is incomplete: {fields}", code="invalid_plan", errors=errors)


def validate_evidence(evidence: Sequence[str]) -> None:
    """Raise ``Invalid(code="evidence_required")`` unless at least one non-blank evidence item is given."""
    if not evidence or any(_blank(item) for item in evidence):
        raise Invalid(
            "rectification needs evidence: at least one item, none blank",
            code="evidence_required",
            errors=[field_error("evidence", "at least one non-blank item is required")],
        )
