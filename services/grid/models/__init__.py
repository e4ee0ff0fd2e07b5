"""Every grid table, on the grid metadata (import this before autogenerate)."""

from services.grid.models.base import GridModel, metadata
from services.grid.models.grid import Cell, Enterprise, Finding, Inspection, Member, Report, ReportMove
from services.grid.models.platform import idempotency, inbox, outbox

__all__ = [
    "Cell",
    "Enterprise",
    "Finding",
    "GridModel",
    "Inspection",
    "Member",
    "Report",
    "ReportMove",
    "idempotency",
    "inbox",
    "metadata",
    "outbox",
]
