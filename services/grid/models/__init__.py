"""Every grid table, on the grid metadata (import this before autogenerate)."""

from services.grid.models.base import GridModel, metadata
from services.grid.models.platform import idempotency, inbox, outbox

__all__ = ["GridModel", "idempotency", "inbox", "metadata", "outbox"]
