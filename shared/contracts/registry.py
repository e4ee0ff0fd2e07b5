"""Events of the registry service (topic ``safety.registry.v1``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from shared.contracts import TOPIC_REGISTRY, EventData, event

CreditClass = Literal["A", "B", "C", "D"]


@event
class EnterpriseRegisteredV1(EventData):
    """A new enterprise; ``division_code``, ``township`` and ``village`` are where it is located."""

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
    """``changed`` holds the fields that changed with their new values (only those that changed).

    Besides the record's own fields (name, location, category, status, principal people, ...) it
    carries ``standardization_grade`` / ``standardization_valid_until`` when a review or an officer
    records a certificate, ``standardization_revoked: true`` when a listing revokes it, and
    ``honour_roll: true|false`` whenever the enterprise's place on the honour roll changes (approval,
    listing, a grade lapsing, a fatal accident, the 3-year look-back running out).
    """

    event_type = "registry.enterprise.updated.v1"
    topic = TOPIC_REGISTRY
    uscc: str
    changed: dict[str, Any]


@event
class CreditClassChangedV1(EventData):
    """The enterprise's class changed, with the credit history's reason.

    An approved assessment sets it (``assessment_id``, ``score``). A listing takes the enterprise
    out of the four classes: ``new_class`` is null (and ``score`` null) while it is listed; when
    its last active listing ends (expired, repaired, revoked) the class of its latest assessment
    returns (``old_class`` null). ``effective_at`` is when the registry recorded the change.
    """

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
    """A listing (严重失信主体名单) took effect.

    A listing restored because its credit repair was revoked (obtained by false statements) comes
    again under the same ``entry_id`` with ``reason: "revoked_repair"``, ``decided_at`` the time of the
    revocation (after the repair's ``entry_removed``) and ``expires_at`` the restored end; otherwise
    ``reason`` is null.
    """

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
    """A listing ended: ``expired`` at the end of its term (``removed_at`` is the end of the term),
    ``repaired`` by an approved credit repair, or ``revoked`` when the listing decision itself was
    withdrawn (e.g. its penalty set aside). A revoked *repair* is not a removal: the listing comes
    back as an ``entry_added`` with ``reason: "revoked_repair"``.
    """

    event_type = "registry.blacklist.entry_removed.v1"
    topic = TOPIC_REGISTRY
    uscc: str
    entry_id: str
    reason: Literal["expired", "repaired", "revoked"]
    removed_at: datetime
