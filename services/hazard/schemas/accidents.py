"""Request and response models of accidents and the three indicators."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import AwareDatetime, BaseModel, Field

from services.hazard.domain.accidents import AccidentKind


class AccidentCreate(BaseModel):
    occurred_at: AwareDatetime
    uscc: str = Field(min_length=1, max_length=40)
    kind: AccidentKind
    is_fire: bool = False
    deaths: int = Field(ge=0, le=100_000)
    serious_injuries: int = Field(ge=0, le=1_000_000)
    #: Direct economic loss in yuan (a decimal string or number, at most 2 decimals).
    direct_loss: Decimal = Field(ge=0, max_digits=16, decimal_places=2)
    description: str | None = Field(default=None, max_length=4000)


class AccidentPublic(BaseModel):
    id: str
    uscc: str
    enterprise_name: str | None
    division_code: str
    occurred_at: datetime
    kind: str
    is_fire: bool
    deaths: int
    serious_injuries: int
    direct_loss: str
    grade: str
    grading_rule: str
    description: str | None
    recorded_at: datetime
    recorded_by: str


class IndicatorFigures(BaseModel):
    """The three indicators (三项指标) of one year; money in yuan as a decimal string."""

    year: int
    accidents: int
    deaths: int
    direct_loss: str


class IndicatorChange(BaseModel):
    """Change on the year before in percent (2 decimals); null when the year before had none."""

    accidents: str | None
    deaths: str | None
    direct_loss: str | None


class AccidentStats(BaseModel):
    year: int
    division_code: str | None
    include_fires: bool
    accidents: int
    deaths: int
    direct_loss: str
    previous: IndicatorFigures
    change_percent: IndicatorChange
