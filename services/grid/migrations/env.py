"""Alembic environment of the grid (own version table, batch mode on SQLite)."""

from services.grid.models import metadata
from shared.db.migrations import run_env

run_env(metadata, service="grid")
