"""Alembic environment of the hazard (own version table, batch mode on SQLite)."""

from services.hazard.models import metadata
from shared.db.migrations import run_env

run_env(metadata, service="hazard")
