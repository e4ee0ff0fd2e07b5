"""Import jobs of historical hazard ledgers (the shape every service's imports share)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class ImportAccepted(BaseModel):
    id: str
    status: str


class FieldError(BaseModel):
    field: str
    message: str


class RowErrors(BaseModel):
    row: int
    errors: list[FieldError]


class ImportJobPublic(BaseModel):
    id: str
    kind: str
    filename: str
    status: str
    total_rows: int | None
    processed_rows: int
    succeeded_rows: int
    failed_rows: int
    progress: float
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None
    errors: list[RowErrors]
