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
