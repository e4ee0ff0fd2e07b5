"""Sign-in and staff account models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class UserCreate(BaseModel):
    username: str = Field(min_length=2, max_length=100, pattern=r"^[A-Za-z0-9_.\-@]+$")
    password: str = Field(min_length=8, max_length=200)
    role: Literal["admin", "officer", "grid_worker", "expert", "advisor", "enterprise"]
    division_code: str | None = Field(default=None, pattern=r"^\d{6}$")
    grid_cell_ids: list[str] = Field(default_factory=list)
    uscc: str | None = None
    agency_id: str | None = None


class UserPublic(BaseModel):
    id: int
    username: str
    role: str
    division_code: str | None
    grid_cell_ids: list[str]
    uscc: str | None
    agency_id: str | None
    active: bool
