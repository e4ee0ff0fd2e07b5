"""The read model built from registry events: each enterprise's standing and its applicable measures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field

from services.incentives.models.base import IncentivesModel
from shared.db.base import UTCDateTime


class StandingRow(IncentivesModel, table=True):
    """One enterprise as the registry's events tell it, with its measures denormalized for partners.

    ``state`` is the whole ``domain.standing.Standing`` (every fact with its stamp and every
    blacklist entry), so that any later event folds in order-insensitively. ``measures`` is the
    JSON list of measures that apply now, the partner lookup's single-row answer.
    """

    __tablename__ = "standings"

    uscc: str = Field(primary_key=True, max_length=18)
    name: str | None = Field(default=None, max_length=200)
    credit_class: str | None = Field(default=None, max_length=1)
    blacklisted: bool = False
    honour_roll: bool = False
    state: str = Field(sa_type=Text)
    measures: str = Field(sa_type=Text, default="[]")
    as_of: datetime = Field(sa_type=UTCDateTime())


class ApplicableMeasure(IncentivesModel, table=True):
    """A measure that applies to an enterprise now, since when and why (the diff base for push/lift)."""

    __tablename__ = "applicable_measures"

    uscc: str = Field(primary_key=True, max_length=18)
    measure_code: str = Field(primary_key=True, max_length=80, index=True)
    domain: str = Field(max_length=20)
    kind: str = Field(max_length=20)
    since: datetime = Field(sa_type=UTCDateTime())
    cause: str = Field(max_length=120)
