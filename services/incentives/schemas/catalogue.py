"""Request and response models of the measures catalogue."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class MeasureBase(BaseModel):
    applies_to: list[str] = Field(description="credit classes A-D, `blacklist`, `honour_roll`", min_length=1)
    text: str = Field(min_length=1, max_length=2000)
    basis: str = Field(min_length=1, max_length=2000, description="the legal basis")
    valid_from: date
    valid_to: date | None = None


class MeasureCreate(MeasureBase):
    code: str = Field(max_length=80, description="`<domain>.<name>`, lower snake case")
    domain: str
    kind: str = Field(description="incentive or restriction")


class MeasureUpdate(BaseModel):
    """Fields to change; code, domain and kind are fixed (a different measure is a new code)."""

    applies_to: list[str] | None = Field(default=None, min_length=1)
    text: str | None = Field(default=None, min_length=1, max_length=2000)
    basis: str | None = Field(default=None, min_length=1, max_length=2000)
    valid_from: date | None = None
    valid_to: date | None = None


class MeasurePublic(MeasureBase):
    code: str
    domain: str
    kind: str
    version: int
    updated_at: datetime


class MeasureVersionPublic(MeasurePublic):
    change: str = Field(description="seeded, created or updated")
    changed_by: str | None
