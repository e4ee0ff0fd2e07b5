"""Facts the hazard service reports (accidents, overdue hazards), kept for assessments and listing checks."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field

from services.registry.models.base import RegistryModel
from shared.db.base import UTCDateTime


class RecordedAccident(RegistryModel, table=True):
    """An accident as ``hazard.accident.recorded.v1`` told it; keyed by the hazard service's id."""

    __tablename__ = "recorded_accidents"

    accident_id: str = Field(primary_key=True, max_length=64)
    uscc: str = Field(max_length=18, index=True)
    occurred_at: datetime = Field(sa_type=UTCDateTime())
    kind: str = Field(max_length=40)
    is_fire: bool
    deaths: int
    serious_injuries: int
    direct_loss: str = Field(max_length=30)
    grade: str = Field(max_length=30)
    received_at: datetime = Field(sa_type=UTCDateTime())


class OverdueHazard(RegistryModel, table=True):
    """A hazard the hazard service reported overdue; one row per hazard, however many reminders came."""

    __tablename__ = "overdue_hazards"

    hazard_id: str = Field(primary_key=True, max_length=64)
    uscc: str = Field(max_length=18, index=True)
    level: str = Field(max_length=10)
    deadline: date
    overdue_since: datetime = Field(sa_type=UTCDateTime())
    #: True once any report said work went on while the hazard stayed unrectified.
    operating: bool
    received_at: datetime = Field(sa_type=UTCDateTime())
