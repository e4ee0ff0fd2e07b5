"""The life of a pushed measure at one agency: pushed -> acknowledged -> applied -> lifted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

from services.incentives.models.base import IncentivesModel
from shared.db.base import UTCDateTime


class MeasureLife(IncentivesModel, table=True):
    """One push of a measure to one agency and what the agency reported; a new push is a new ``cycle``."""

    __tablename__ = "measure_lives"
    __table_args__ = (
        UniqueConstraint("agency_id", "uscc", "measure_code", "cycle"),
        Index("ix_measure_lives_uscc_code", "uscc", "measure_code"),
    )

    id: int | None = Field(default=None, primary_key=True)
    agency_id: str = Field(foreign_key="agencies.id", max_length=36, index=True)
    uscc: str = Field(max_length=18)
    measure_code: str = Field(max_length=80)
    cycle: int = 1
    status: str = Field(max_length=20)
    pushed_at: datetime = Field(sa_type=UTCDateTime())
    push_event_id: str = Field(max_length=64)
    #: The agency's first answer of any kind, and how long after the push it came (overdue statistics).
    acted_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    response_s: float | None = None
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    acknowledged_reference: str | None = Field(default=None, max_length=200)
    applied_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    applied_reference: str | None = Field(default=None, max_length=200)
    not_applicable_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    not_applicable_reference: str | None = Field(default=None, max_length=200)
    lift_pushed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    lift_event_id: str | None = Field(default=None, max_length=64)
    cause_ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    lifted_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    lifted_reference: str | None = Field(default=None, max_length=200)
    version: int = 1
    updated_at: datetime = Field(sa_type=UTCDateTime())
