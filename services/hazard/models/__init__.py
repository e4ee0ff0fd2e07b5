"""Every hazard table, on the hazard metadata (import this before autogenerate)."""

from services.hazard.models.base import HazardModel, metadata
from services.hazard.models.platform import idempotency, inbox, outbox

__all__ = ["HazardModel", "idempotency", "inbox", "metadata", "outbox"]
