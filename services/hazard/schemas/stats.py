"""The hazard statistics of a period and an area."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class HazardStats(BaseModel):
    """Figures for the period (local dates, inclusive) and the enterprises located in the area.

    ``due`` counts hazards whose current deadline fell in the period and has passed;
    ``due = closed_on_time + closed_late + overdue``. ``due_rectification_rate`` (到期整改率) is
    ``closed_on_time / due`` in percent with 2 decimals, as a decimal string; null when none was due.
    """

    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    division_code: str | None
    hazards: int
    notices: int
    due: int
    closed_on_time: int
    closed_late: int
    overdue: int
    due_rectification_rate: str | None
    major_listed: int


class SourceFigures(BaseModel):
    """The hazards found in the period by one source (``source`` null: all sources together)."""

    source: str | None
    hazards: int = Field(description="hazards found in the period")
    enterprises: int = Field(description="distinct enterprises they were found at")
    rectified: int = Field(description="of those, closed (written off) by the end of the period")
    rectification_rate: str | None = Field(description="rectified / hazards in percent, 2 decimals; null when none")


class SourceStats(BaseModel):
    """Hazards by where they were found - a programme's figures (e.g. the safety-advisor programme:
    enterprises served, hazards found, hazards rectified) for a period and an area."""

    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    division_code: str | None
    sources: list[SourceFigures] = Field(description="one entry per source with hazards, in the order of the sources")
    total: SourceFigures
