"""Assessment request and response models."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class Scores(BaseModel):
    """The five parts, 0-100 each (the range is the scoring rule's to check)."""

    model_config = ConfigDict(extra="forbid")

    standardization: Decimal
    safety_culture: Decimal
    staff_participation: Decimal
    public_commitment: Decimal
    legal_compliance: Decimal


class Facts(BaseModel):
    """Facts of the period; omitted ones are neutral, except fatal accidents the registry has on record."""

    model_config = ConfigDict(extra="forbid")

    fatal_accidents: Annotated[int, Field(ge=0)] | None = Field(
        default=None, description="omitted: the fatal accidents recorded for the period (0 when none)"
    )
    penalties: Annotated[int, Field(ge=0)] | None = Field(default=None, description="omitted: 0")
    public_commitment_signed: bool | None = Field(default=None, description="omitted: true")


class AssessmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: Annotated[str, StringConstraints(max_length=10)] = Field(description="a calendar year, e.g. '2025'")
    scores: Scores
    facts: Facts = Field(default_factory=Facts)


class Rejection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class AssessmentPublic(BaseModel):
    id: str
    uscc: str
    period: str
    scores: dict[str, str]
    facts: dict[str, Any]
    total_score: Decimal
    credit_class: Literal["A", "B", "C", "D"]
    standardization_result: int | None
    breakdown: dict[str, Any]
    rule_set: str
    rule_set_version: int
    status: Literal["submitted", "effective", "rejected"]
    author: str
    submitted_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    rejection_reason: str | None
    version: int
