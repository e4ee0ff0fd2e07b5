"""The measures catalogue (联合奖惩措施) and its version history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Text, UniqueConstraint
from sqlmodel import Field

from services.incentives.models.base import IncentivesModel
from shared.db.base import UTCDateTime


class Measure(IncentivesModel, table=True):
    """The current version of one measure; every change also writes a ``MeasureVersion``."""

    __tablename__ = "measures"

    code: str = Field(primary_key=True, max_length=80)
    domain: str = Field(max_length=20, index=True)
    kind: str = Field(max_length=20)
    applies_to: list[str] = Field(sa_type=JSON)
    text: str = Field(sa_type=Text)
    basis: str = Field(sa_type=Text)
    valid_from: date
    valid_to: date | None = None
    version: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime())
    updated_at: datetime = Field(sa_type=UTCDateTime())
    updated_by: str | None = Field(default=None, max_length=100)


class MeasureVersion(IncentivesModel, table=True):
    """One version of a measure as it was saved (created, or each change), with who and when."""

    __tablename__ = "measure_versions"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=80, index=True)
    version: int
    change: str = Field(max_length=20, description="seeded, created or updated")
    domain: str = Field(max_length=20)
    kind: str = Field(max_length=20)
    applies_to: list[str] = Field(sa_type=JSON)
    text: str = Field(sa_type=Text)
    basis: str = Field(sa_type=Text)
    valid_from: date
    valid_to: date | None = None
    changed_at: datetime = Field(sa_type=UTCDateTime())
    changed_by: str | None = Field(default=None, max_length=100)
