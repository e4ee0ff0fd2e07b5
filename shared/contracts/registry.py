"""Events of the registry service (topic ``safety.registry.v1``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from shared.contracts import TOPIC_REGISTRY, EventData, event

CreditClass = Literal["A", "B", "C", "D"]


@event
class EnterpriseRegisteredV1(EventData):
    event_type = "registry.enterprise.registered.v1"
    topic = TOPIC_REGISTRY
    uscc: str
    name: str
    division_code: str
    township: str | None = None
    village: str | None = None
    category: str


@event
class EnterpriseUpdatedV1(EventData):
    """``changed`` holds the fields that changed with their new values."""

    event_type = "registry.enterprise.updated.v1"
    topic = TOPIC_REGISTRY
    uscc: str
    changed: dict[str, Any]


@event
class CreditClassChangedV1(EventData):
    event_type = "registry.credit_class.changed.v1"
    topic = TOPIC_REGISTRY
    uscc: str
    old_class: CreditClass | None
    new_class: CreditClass | None
    score: str | None = None
    reason: str
    assessment_id: str | None = None
    effective_at: datetime


@event
class BlacklistEntryAddedV1(EventData):
    event_type = "registry.blacklist.entry_added.v1"
    topic = TOPIC_REGISTRY
    uscc: str
    entry_id: str
    situation: str
    rule_set: str
    decided_at: datetime
    expires_at: datetime
    reason: str | None = None


@event
class BlacklistEntryRemovedV1(EventData):
    event_type = "registry.blacklist.entry_removed.v1"
    topic = TOPIC_REGISTRY
    uscc: str
    entry_id: str
    reason: Literal["expired", "repaired", "revoked"]
    removed_at: datetime
