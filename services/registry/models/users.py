"""Staff accounts of the embedded issuer (production uses an OIDC provider instead)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from services.registry.models.base import RegistryModel
from shared.db.base import UTCDateTime


class User(RegistryModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, unique=True, index=True)
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=20)
    division_code: str | None = Field(default=None, max_length=6)
    grid_cell_ids: str | None = Field(default=None, max_length=2000, description="comma-separated cell ids")
    uscc: str | None = Field(default=None, max_length=18)
    agency_id: str | None = Field(default=None, max_length=64)
    active: bool = True
    created_at: datetime = Field(sa_type=UTCDateTime())
