"""Statistics models."""

from __future__ import annotations

from pydantic import BaseModel, Field


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
