"""Alembic environment of the incentives (own version table, batch mode on SQLite)."""

from services.incentives.models import metadata
from shared.db.migrations import run_env

run_env(metadata, service="incentives")
