"""Alembic environment of the registry (own version table, batch mode on SQLite)."""

from services.registry.models import metadata
from shared.db.migrations import run_env

run_env(metadata, service="registry")
