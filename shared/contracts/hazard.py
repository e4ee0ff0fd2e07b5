"""Events of the hazard service (topic ``safety.hazard.v1``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from shared.contracts import TOPIC_HAZARD, EventData, event


class _HazardEvent(EventData):
    topic = TOPIC_HAZARD
    hazard_id: str
    uscc: str
    level: Literal["general", "major"]


@event
class HazardRegisteredV1(_HazardEvent):
    event_type = "hazard.hazard.registered.v1"
    source: str
    description: str
    found_at: datetime


@event
class HazardOverdueV1(_HazardEvent):
    event_type = "hazard.hazard.overdue.v1"
    deadline: date
    overdue_since: datetime
    step: str = "overdue"
    operating: bool = True


@event
class HazardClosedV1(_HazardEvent):
    event_type = "hazard.hazard.closed.v1"
    closed_at: datetime
    on_time: bool | None = None


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
    grade: str
