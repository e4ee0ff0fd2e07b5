"""Partner agencies and their API keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON
from sqlmodel import Field

from services.incentives.models.base import IncentivesModel
from shared.db.base import UTCDateTime


class Agency(IncentivesModel, table=True):
    """A partner agency (bank, power utility, land bureau, tax bureau, award body) and the domains it sees."""

    __tablename__ = "agencies"

    id: str = Field(primary_key=True, max_length=36)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    domains: list[str] = Field(sa_type=JSON)
    version: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime())
    updated_at: datetime = Field(sa_type=UTCDateTime())


class ApiKey(IncentivesModel, table=True):
    """A partner key: only its visible prefix and SHA-256 digest are stored (shown once at creation)."""

    __tablename__ = "api_keys"

    id: str = Field(primary_key=True, max_length=36)
    agency_id: str = Field(foreign_key="agencies.id", max_length=36, index=True)
    name: str | None = Field(default=None, max_length=100)
    prefix: str = Field(max_length=16, unique=True, index=True)
    digest: str = Field(max_length=64)
    rate_limit_per_minute: int
    created_at: datetime = Field(sa_type=UTCDateTime())
    created_by: str | None = Field(default=None, max_length=100)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
