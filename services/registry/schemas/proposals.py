"""Listing proposal models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints


class ProposalPublic(BaseModel):
    id: str
    uscc: str
    rule_set: str
    rule_set_version: int
    situation: str
    reason: str
    evidence_ids: list[str]
    status: Literal["pending", "accepted", "dismissed"]
    created_at: datetime
    updated_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    dismissal_reason: str | None
    entry_id: str | None
    version: int


class ProposalAccept(BaseModel):
    """The officer's listing decision; a listing follows a penalty, so its decision is named."""

    model_config = ConfigDict(extra="forbid")

    penalty_decision_ref: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    decided_at: AwareDatetime
    rule_set: Annotated[str, StringConstraints(max_length=40)] | None = Field(
        default=None, description="omitted: the proposal's"
    )
    situation: Annotated[str, StringConstraints(max_length=80)] | None = Field(
        default=None, description="omitted: the proposal's"
    )


class ProposalDismiss(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
