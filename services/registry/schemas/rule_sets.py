"""Rule-set models: assessment rule sets (stored, versioned) and blacklist rule sets (in the domain)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

CreditClassName = Literal["A", "B", "C", "D"]


class StandardizationRulesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9\-]{2,39}$")]
    effective_from: date
    validity_years: int
    renewal_window_months: int
    grade_lines: dict[str, dict[Literal["1", "2", "3"], Decimal]] = Field(
        description="per industry category, the lowest standardization score of grades 1, 2 and 3"
    )


class AssessmentRuleSetCreate(BaseModel):
    """A new version of an assessment rule set; its version number is the next one for its code."""

    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9\-]{2,39}$")] = "huzhou-credit"
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    effective_from: date
    weights: dict[str, Decimal]
    class_lines: dict[str, Decimal]
    commitment_downgrade: int = 1
    fatal_accident_cap: CreditClassName = "C"
    penalty_cap: CreditClassName = "B"
    standardization: StandardizationRulesIn | None = Field(
        default=None, description="omitted: the standardization rules of the code's latest version"
    )


class SituationPublic(BaseModel):
    code: str
    text: str


class RuleSetPublic(BaseModel):
    kind: Literal["assessment", "blacklist"]
    code: str
    version: int
    effective_from: date
    title: str
    basis: str | None = None
    situations: list[SituationPublic] = []
    # assessment rule sets
    weights: dict[str, str] | None = None
    class_lines: dict[str, str] | None = None
    overrides: dict[str, Any] | None = None
    standardization: dict[str, Any] | None = None
    # blacklist rule sets
    term_months: int | None = None
    repeat_term_months: int | None = None
    repeat_window_months: int | None = None
    repair_min_months: int | None = None
    default: bool = False


class RuleSetList(BaseModel):
    items: list[RuleSetPublic]
