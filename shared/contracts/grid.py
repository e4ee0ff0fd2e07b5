"""Events of the grid service (topic ``safety.grid.v1``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from shared.contracts import TOPIC_GRID, EventData, event


@event
class FindingRecordedV1(EventData):
    """A finding of a grid inspection; the hazard service turns it into a hazard."""

    event_type = "grid.finding.recorded.v1"
    topic = TOPIC_GRID
    finding_id: str
    inspection_id: str
    uscc: str
    cell_id: str | None = None
    #: The ids of the cells from the root down to ``cell_id``, so that the people of every cell
    #: above (a township's station for its villages) see the hazard too.
    cell_path: list[str] = []
    description: str
    level: Literal["general", "major"] = "general"
    major_basis: dict[str, str] | None = None
    found_at: datetime
    found_by: str


@event
class ReportFiledV1(EventData):
    """A grid report and the cell it was routed to (``routed_to`` null: the bureau)."""

    event_type = "grid.report.filed.v1"
    topic = TOPIC_GRID
    report_id: str
    cell_id: str
    uscc: str | None = None
    kind: str
    description: str
    routed_to: str | None = None
    filed_at: datetime


@event
class EnterprisePlacedV1(EventData):
    """Where an enterprise sits in the grid now (``cell_id`` null: taken out of the grid).

    Sent whenever the grid places an enterprise - automatically by its township and village, or
    by hand - so that other services can scope by cell: a grid worker sees the hazards of the
    enterprises placed in or under their cells, whoever found them. ``placed_at`` orders the
    placements of one enterprise; a consumer keeps the newest.
    """

    event_type = "grid.enterprise.placed.v1"
    topic = TOPIC_GRID
    uscc: str
    cell_id: str | None = None
    #: The ids of the cells from the root down to ``cell_id`` (empty when not placed).
    cell_path: list[str] = []
    placement: Literal["auto", "manual"] | None = None
    placed_at: datetime
