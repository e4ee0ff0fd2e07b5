"""Every incentives table, on the incentives metadata (import this before autogenerate)."""

from services.incentives.models.base import IncentivesModel, metadata
from services.incentives.models.platform import idempotency, inbox, outbox

__all__ = ["IncentivesModel", "idempotency", "inbox", "metadata", "outbox"]
