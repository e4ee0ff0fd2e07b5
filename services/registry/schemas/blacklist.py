"""Blacklist entry and credit repair models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, field_validator

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class BlacklistEntryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uscc: Annotated[str, StringConstraints(max_length=60)]
    situation: Annotated[str, StringConstraints(max_length=80)] = Field(description="a situation code of the rule set")
    rule_set: Annotated[str, StringConstraints(max_length=40)] | None = Field(
        default=None, description="omitted: the rule set in force on decided_at"
    )
    penalty_decision_ref: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    decided_at: AwareDatetime


class BlacklistEntryPublic(BaseModel):
    id: str
    uscc: str
    rule_set: str
    rule_set_version: int
    situation: str
    situation_text: str
    penalty_decision_ref: str
    decided_at: datetime
    expires_at: datetime
    status: Literal["active", "expired", "repaired", "revoked"]
    ended_at: datetime | None
    end_reason: str | None
    reinstated_at: datetime | None
    repair_earliest: datetime | None = Field(description="when credit repair may be applied for; null: never early")
    principal_people: dict[str, Any]
    proposal_id: str | None
    created_by: str
    created_at: datetime
    version: int


class Revocation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class RepairApplicationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    commitment: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)] = Field(
        description="the signed public credit commitment"
    )
    evidence: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]] = Field(
        min_length=1, max_length=50, description="references to the evidence: penalty discharged, harm removed"
    )

    @field_validator("evidence", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class RepairApplicationPublic(BaseModel):
    id: str
    entry_id: str
    uscc: str
    commitment: str
    evidence: list[str]
    status: Literal["submitted", "approved", "rejected", "revoked"]
    applied_by: str
    applied_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    revoked_by: str | None
    revoked_at: datetime | None
    revocation_reason: str | None
    version: int


class PublicBlacklistItem(BaseModel):
    """A published listing: public fields only."""

    uscc: str
    name: str
    situation: str
    situation_text: str
    decided_at: datetime
    expires_at: datetime


class HonourRollItem(BaseModel):
    """An enterprise on the published honour roll: public fields only."""

    uscc: str
    name: str
    credit_class: Literal["A"]
    standardization_grade: int
    since: date | None = Field(description="on the roll since")
