"""Events of the hazard service (topic ``safety.hazard.v1``).

Fields after the ones contract.md lists are additions with defaults, so consumers written against
the first version keep working.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from shared.contracts import TOPIC_HAZARD, EventData, event


class _HazardEvent(EventData):
    topic = TOPIC_HAZARD
    hazard_id: str
    uscc: str
    level: Literal["general", "major"]
    #: The enterprise's location division when the event was written.
    division_code: str | None = None


@event
class HazardRegisteredV1(_HazardEvent):
    event_type = "hazard.hazard.registered.v1"
    source: str
    description: str
    found_at: datetime
    found_by: str | None = None
    major_basis: dict[str, str] | None = None
    cell_id: str | None = None
    #: The grid finding the hazard came from, when it came from one.
    finding_id: str | None = None


@event
class HazardOverdueV1(_HazardEvent):
    """A hazard passed its deadline unrectified; emitted once per ladder step and deadline.

    ``step`` is ``overdue`` when the deadline passes and ``supervision_letter`` when the letter
    (督办函) goes out days later; ``operating`` is false only when the work was declared suspended.
    """

    event_type = "hazard.hazard.overdue.v1"
    deadline: date
    overdue_since: datetime
    step: str = "overdue"
    operating: bool = True
    listed: bool = False
    #: The escalation ladder the step was taken under (code@version).
    rule: str | None = None


@event
class HazardClosedV1(_HazardEvent):
    event_type = "hazard.hazard.closed.v1"
    closed_at: datetime
    #: Closed by the current deadline; null for a hazard fixed on the spot (it had none).
    on_time: bool | None = None
    deadline: date | None = None


@event
class MajorHazardListedV1(_HazardEvent):
    event_type = "hazard.major.listed.v1"
    listed_at: datetime


@event
class MajorHazardDelistedV1(_HazardEvent):
    event_type = "hazard.major.delisted.v1"
    delisted_at: datetime


@event
class AccidentRecordedV1(EventData):
    event_type = "hazard.accident.recorded.v1"
    topic = TOPIC_HAZARD
    accident_id: str
    uscc: str
    occurred_at: datetime
    kind: str
    is_fire: bool
    deaths: int
    serious_injuries: int
    direct_loss: str
    #: State Council Order 493 grade: general, larger, serious or particularly_serious.
    grade: str
    grading_rule: str | None = None
    division_code: str | None = None
