"""Feedback from partners and the life of each pushed measure."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field


class FeedbackCreate(BaseModel):
    uscc: str
    measure_code: str
    action: Literal["acknowledged", "applied", "lifted", "not_applicable"]
    acted_at: AwareDatetime = Field(description="when the agency acted (RFC 3339 with an offset)")
    reference: str | None = Field(default=None, max_length=200, description="the agency's own file or decision number")


class MeasureLifePublic(BaseModel):
    id: int
    agency_id: str
    uscc: str
    measure_code: str
    cycle: int
    status: str
    pushed_at: datetime
    acknowledged_at: datetime | None
    acknowledged_reference: str | None
    applied_at: datetime | None
    applied_reference: str | None
    not_applicable_at: datetime | None
    not_applicable_reference: str | None
    lift_pushed_at: datetime | None
    lifted_at: datetime | None
    lifted_reference: str | None
    overdue: bool


class AgencyFeedbackStats(BaseModel):
    agency_id: str
    agency_name: str
    pushed: int = Field(description="measures pushed to the agency")
    acknowledged: int = Field(description="pushes the agency answered (acknowledged, applied or not applicable)")
    applied: int
    not_applicable: int
    lift_pushed: int = Field(description="pushes whose cause ended and whose lift was pushed")
    lifted: int
    overdue: int = Field(description="pushes not answered within the configured time (answered late included)")


class FeedbackStats(BaseModel):
    overdue_after_days: float
    items: list[AgencyFeedbackStats]
