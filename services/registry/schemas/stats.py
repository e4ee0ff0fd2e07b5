"""Statistics models."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ByClass(BaseModel):
    A: int = 0
    B: int = 0
    C: int = 0
    D: int = 0
    unrated: int = 0


class CreditStats(BaseModel):
    """``by_class`` counts enterprises not on the blacklist; ``blacklisted`` the listed ones; ``total`` both."""

    total: int
    by_class: ByClass
    blacklisted: int
    division_code: str | None = Field(default=None, description="the area counted (null: the caller's whole scope)")
    category: str | None = None


class _Period(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from", description="first day counted (local, China Standard Time)")
    to: date = Field(description="last day counted (local, inclusive)")
    division_code: str | None = Field(default=None, description="the area counted (null: the caller's whole scope)")


class StandardizationStats(_Period):
    """Enterprises whose review was approved in the period, each once, by its latest approved result there."""

    category: str | None = None
    assessed: int = Field(description="enterprises with an assessment approved in the period")
    by_grade: dict[Literal["1", "2", "3"], int] = Field(description="those whose latest result reached each grade")
    not_passed: int = Field(description="those whose latest result reached no grade")


class ActivityStats(_Period):
    """Base data added or completed in the period, from the enterprise change log."""

    registered: int = Field(description="enterprises registered (by hand or by an import row)")
    updated: int = Field(description="updates that changed base data (PATCH or import row)")
    changes: int = Field(description="registered + updated: base data added or completed")
    enterprises: int = Field(description="distinct enterprises registered or updated")
