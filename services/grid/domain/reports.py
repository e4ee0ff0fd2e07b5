"""Grid reports (网格上报): what a grid worker sends up, and how it climbs the tree.

"The grid finds it, the community blows the whistle, the department reports in": a report filed
in a cell goes to the level above it (a village's report to the township's safety station, a
township's to the bureau). Whoever it is routed to acknowledges it, then resolves it; a report
nobody acknowledges within the configured time climbs one more level, until it reaches the bureau.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from shared.errors import Conflict


class ReportKind(StrEnum):
    HAZARD = "hazard"
    ILLEGAL_ACTIVITY = "illegal_activity"
    DATA_CORRECTION = "data_correction"
    OTHER = "other"


class ReportStatus(StrEnum):
    FILED = "filed"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


#: status -> {action: next status}
MOVES: dict[ReportStatus, dict[str, ReportStatus]] = {
    ReportStatus.FILED: {"acknowledge": ReportStatus.ACKNOWLEDGED},
    ReportStatus.ACKNOWLEDGED: {"resolve": ReportStatus.RESOLVED},
    ReportStatus.RESOLVED: {},
}


def allowed_moves(status: ReportStatus) -> list[str]:
    return sorted(MOVES[status])


def move(status: ReportStatus, action: str) -> ReportStatus:
    """The status after ``action``, or 409 ``invalid_transition`` naming the state and the moves it allows."""
    nxt = MOVES[status].get(action)
    if nxt is None:
        allowed = allowed_moves(status)
        raise Conflict(
            f"cannot {action} a report in state '{status.value}'; allowed: {', '.join(allowed) or 'none'}",
            code="invalid_transition",
            state=status.value,
            action=action,
            allowed=allowed,
        )
    return nxt


def route(cell_path_ids: list[str]) -> str | None:
    """Where a report filed in the cell at the end of ``cell_path_ids`` goes: its parent, or the bureau (None)."""
    return cell_path_ids[-2] if len(cell_path_ids) >= 2 else None


def escalation_due(status: ReportStatus, routed_at: datetime, now: datetime, after: timedelta) -> bool:
    """True when an unacknowledged report has waited ``after`` at its current level."""
    return status is ReportStatus.FILED and now - routed_at >= after
