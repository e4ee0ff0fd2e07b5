"""An enterprise's standing (credit class, blacklist, honour roll) as the registry's events tell it.

Every fact is a last-writer-wins register stamped with (business time, event id): applying an
event only replaces a fact whose stamp is older. Stamps are totally ordered, so applying the same
events in any order, or any of them twice, gives the same state; this is what lets the consumer
run without ordering guarantees or an inbox-level de-duplication.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from shared.errors import Invalid, field_error

from .measures import CREDIT_CLASSES

Stamp = tuple[datetime, str]

ENTERPRISE_REGISTERED = "registry.enterprise.registered.v1"
ENTERPRISE_UPDATED = "registry.enterprise.updated.v1"
CREDIT_CLASS_CHANGED = "registry.credit_class.changed.v1"
BLACKLIST_ENTRY_ADDED = "registry.blacklist.entry_added.v1"
BLACKLIST_ENTRY_REMOVED = "registry.blacklist.entry_removed.v1"
KNOWN_EVENT_TYPES = frozenset(
    {
        ENTERPRISE_REGISTERED,
        ENTERPRISE_UPDATED,
        CREDIT_CLASS_CHANGED,
        BLACKLIST_ENTRY_ADDED,
        BLACKLIST_ENTRY_REMOVED,
    }
)
REMOVAL_REASONS = frozenset({"expired", "repaired", "revoked"})


class EntryStatus(StrEnum):
    """Whether a blacklist entry is in force."""

    ACTIVE = "active"
    REMOVED = "removed"


@dataclass(frozen=True)
class EntryState:
    """The latest known state of one blacklist entry; `reason` is the situation or the removal reason."""

    status: EntryStatus
    reason: str
    at: datetime
    event_id: str
    expires_at: datetime | None = None

    @property
    def stamp(self) -> Stamp:
        """The register stamp: business time, then event id."""
        return (self.at, self.event_id)


@dataclass(frozen=True)
class Standing:
    """The read model of one enterprise; its dicts are never mutated, only replaced."""

    uscc: str
    name: str | None = None
    name_at: datetime | None = None
    name_event_id: str | None = None
    credit_class: str | None = None
    class_effective_at: datetime | None = None
    class_event_id: str | None = None
    blacklist_entries: dict[str, EntryState] = field(default_factory=dict)
    honour_roll: bool = False
    honour_roll_at: datetime | None = None
    honour_roll_event_id: str | None = None

    @property
    def blacklisted(self) -> bool:
        """Listed while at least one entry is active."""
        return any(e.status is EntryStatus.ACTIVE for e in self.blacklist_entries.values())


def apply_event(
    standing: Standing | None, event_type: str, data: dict[str, Any], event_id: str, event_time: datetime
) -> Standing | None:
    """Fold one registry event into a standing; unknown types return the standing unchanged (even None)."""
    if event_type not in KNOWN_EVENT_TYPES:
        return standing
    if not event_id:
        raise _invalid("event_id", "is required")
    _require_aware(event_time, "event_time")
    uscc = _required(data, "uscc")
    if standing is None:
        standing = Standing(uscc=uscc)
    elif standing.uscc != uscc:
        raise Invalid(
            f"event {event_id} is for {uscc}, not {standing.uscc}",
            code="uscc_mismatch",
            errors=[field_error("uscc", "does not match the standing")],
        )

    if event_type == ENTERPRISE_REGISTERED:
        return _apply_profile(standing, data, (event_time.astimezone(UTC), event_id))
    if event_type == ENTERPRISE_UPDATED:
        # The registry's contract carries the changed fields in `changed` (contract.md); fields at the
        # top level are read too, for producers that flatten them.
        changed = data.get("changed")
        if changed is not None and not isinstance(changed, dict):
            raise _invalid("changed", "must be an object")
        return _apply_profile(standing, {**data, **(changed or {})}, (event_time.astimezone(UTC), event_id))
    if event_type == CREDIT_CLASS_CHANGED:
        return _apply_class(standing, data, event_id)
    if event_type == BLACKLIST_ENTRY_ADDED:
        return _apply_entry_added(standing, data, event_id)
    return _apply_entry_removed(standing, data, event_id)


def _apply_profile(standing: Standing, data: dict[str, Any], stamp: Stamp) -> Standing:
    # Registration and updates carry no business time of their own: the event time orders them.
    # Each field is its own register, because an update names only the fields it changed.
    if "honour_roll" in data and not isinstance(data["honour_roll"], bool):
        raise _invalid("honour_roll", "must be true or false")
    if "name" in data and _newer(stamp, standing.name_at, standing.name_event_id):
        standing = replace(standing, name=data["name"], name_at=stamp[0], name_event_id=stamp[1])
    if "honour_roll" in data and _newer(stamp, standing.honour_roll_at, standing.honour_roll_event_id):
        standing = replace(
            standing, honour_roll=data["honour_roll"], honour_roll_at=stamp[0], honour_roll_event_id=stamp[1]
        )
    return standing


def _apply_class(standing: Standing, data: dict[str, Any], event_id: str) -> Standing:
    new_class = data.get("new_class")
    if new_class is not None and new_class not in CREDIT_CLASSES:
        raise _invalid("new_class", "must be A, B, C, D or null")
    at = _time(data, "effective_at")
    if not _newer((at, event_id), standing.class_effective_at, standing.class_event_id):
        return standing
    return replace(standing, credit_class=new_class, class_effective_at=at, class_event_id=event_id)


def _apply_entry_added(standing: Standing, data: dict[str, Any], event_id: str) -> Standing:
    expires_at = _time(data, "expires_at") if data.get("expires_at") else None
    state = EntryState(
        EntryStatus.ACTIVE, _required(data, "situation"), _time(data, "decided_at"), event_id, expires_at
    )
    return _put_entry(standing, _required(data, "entry_id"), state)


def _apply_entry_removed(standing: Standing, data: dict[str, Any], event_id: str) -> Standing:
    reason = _required(data, "reason")
    if reason not in REMOVAL_REASONS:
        raise _invalid("reason", f"must be one of {', '.join(sorted(REMOVAL_REASONS))}")
    state = EntryState(EntryStatus.REMOVED, reason, _time(data, "removed_at"), event_id)
    return _put_entry(standing, _required(data, "entry_id"), state)


def _put_entry(standing: Standing, entry_id: str, state: EntryState) -> Standing:
    # A removal that arrives before its addition keeps its later stamp, so the late addition loses;
    # a listing restored after a revoked repair comes with a later decided_at, so it wins.
    current = standing.blacklist_entries.get(entry_id)
    if current is not None and state.stamp <= current.stamp:
        return standing
    return replace(standing, blacklist_entries={**standing.blacklist_entries, entry_id: state})


def _newer(stamp: Stamp, at: datetime | None, event_id: str | None) -> bool:
    return at is None or stamp > (at, event_id or "")


def _required(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise _invalid(name, "is required")
    return value


def _time(data: dict[str, Any], name: str) -> datetime:
    """A business time from event data: an aware datetime or RFC 3339 text; a bare date is midnight UTC."""
    value = data.get(name)
    if isinstance(value, str):
        try:
            if len(value) == len("2024-01-01"):
                value = datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
            else:
                value = datetime.fromisoformat(value)
        except ValueError:
            raise _invalid(name, "must be an RFC 3339 time") from None
    if not isinstance(value, datetime):
        raise _invalid(name, "is required")
    _require_aware(value, name)
    return value.astimezone(UTC)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise _invalid(name, "must carry a time zone")


def _invalid(name: str, message: str) -> Invalid:
    return Invalid(
        f"malformed registry event: {name} {message}",
        code="invalid_event",
        errors=[field_error(name, message)],
    )
