"""Production-safety accidents (生产安全事故) with their computed grade."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Text
from sqlmodel import Field

from services.hazard.models.base import DIVISION_CODE, HazardModel
from shared.db.base import UTCDateTime


class Accident(HazardModel, table=True):
    """One accident; the loss is kept in fen (cents) so that sums are exact on every database."""

    __tablename__ = "accidents"
    __table_args__ = (
        # The three indicators of a year: an index-only range scan over the year's accidents.
        Index(
            "ix_accidents_occurred_at_division_code",
            "occurred_at",
            "division_code",
            postgresql_include=["is_fire", "deaths", "direct_loss_fen"],
        ),
        Index("ix_accidents_uscc_occurred_at", "uscc", "occurred_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    uscc: str = Field(max_length=18)
    division_code: str = Field(sa_type=DIVISION_CODE)
    occurred_at: datetime = Field(sa_type=UTCDateTime())
    kind: str = Field(max_length=32)
    is_fire: bool = False
    deaths: int = 0
    serious_injuries: int = 0
    direct_loss_fen: int = Field(sa_type=BigInteger)
    grade: str = Field(max_length=24)
    #: The grading rule set the grade was computed under (e.g. state_council_order_493@1).
    grading_rule: str = Field(max_length=60)
    description: str | None = Field(default=None, sa_type=Text)
    recorded_at: datetime = Field(sa_type=UTCDateTime())
    recorded_by: str = Field(max_length=100)
