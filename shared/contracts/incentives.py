"""Events of the incentives service (topic ``safety.incentives.v1``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from shared.contracts import TOPIC_INCENTIVES, EventData, event


@event
class MeasureFeedbackReceivedV1(EventData):
    event_type = "incentives.measure.feedback_received.v1"
    topic = TOPIC_INCENTIVES
    agency_id: str
    uscc: str
    measure_code: str
    action: Literal["acknowledged", "applied", "lifted", "not_applicable"]
    acted_at: datetime | None = None
    reference: str | None = None


@event
class MeasurePushedV1(EventData):
    """A measure now applies (or stops applying) to an enterprise, for the agencies of its domain."""

    event_type = "incentives.measure.changed.v1"
    topic = TOPIC_INCENTIVES
    uscc: str
    measure_code: str
    domain: str
    kind: Literal["incentive", "restriction"]
    change: Literal["pushed", "lifted"]
    cause: str
    changed_at: datetime
