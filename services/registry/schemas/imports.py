"""Import job models."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel


class ImportQueued(BaseModel):
    id: str
    status: Literal["queued"]


class FieldError(BaseModel):
    field: str
    message: str


class RowError(BaseModel):
    row: int
    errors: list[FieldError]


class ImportJobPublic(BaseModel):
    """A job's progress and its row report (row 1 is the header; the first 1,000 row errors)."""

    id: str
    kind: str
    filename: str
    status: Literal["queued", "running", "done", "failed"]
    total_rows: int | None
    processed_rows: int
    succeeded_rows: int
    failed_rows: int
    progress: float
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None
    errors: list[RowError]
