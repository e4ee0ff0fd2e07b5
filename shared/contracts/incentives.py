"""Events of the incentives service (topic ``safety.incentives.v1``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from shared.contracts import TOPIC_INCENTIVES, EventData, event


@event
class MeasureFeedbackReceivedV1(EventData):
    """A partner agency reported what it did about a pushed measure (联合奖惩 反馈)."""

    event_type = "incentives.measure.feedback_received.v1"
    topic = TOPIC_INCENTIVES
    agency_id: str
    uscc: str
    measure_code: str
    action: Literal["acknowledged", "applied", "lifted", "not_applicable"]
    acted_at: datetime | None = None
    reference: str | None = None


@event
class MeasureChangedV1(EventData):
    """A measure now applies to an enterprise (``pushed``) or no longer does (``lifted``).

    One event per measure and enterprise; agencies whose domains include ``domain`` act on it.
    ``cause`` is the registry event type that changed the standing, ``catalogue`` when the
    catalogue changed (or a measure's validity began or ended), ``replay`` after a rebuild, and
    ``agency.sync`` on the webhooks that bring a newly registered agency up to date with measures
    that already applied (those go to that agency's endpoints only, never to the topic).
    """

    event_type = "incentives.measure.changed.v1"
    topic = TOPIC_INCENTIVES
    uscc: str
    name: str | None = None
    measure_code: str
    domain: str
    kind: Literal["incentive", "restriction"]
    text: str
    change: Literal["pushed", "lifted"]
    cause: str
    cause_event_id: str | None = None
    credit_class: Literal["A", "B", "C", "D"] | None = None
    blacklisted: bool
    changed_at: datetime
