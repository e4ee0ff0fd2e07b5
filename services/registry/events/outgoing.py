"""Domain changes -> the integration events of contract.md (topic ``safety.registry.v1``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from services.registry.models import BlacklistEntry
from shared.contracts.registry import (
    BlacklistEntryAddedV1,
    BlacklistEntryRemovedV1,
    CreditClassChangedV1,
    EnterpriseRegisteredV1,
    EnterpriseUpdatedV1,
)

_REGISTERED_FIELDS = tuple(EnterpriseRegisteredV1.model_fields)
#: What a reinstated listing's ``entry_added`` says in ``reason``: its repair was revoked as false.
REINSTATED = "revoked_repair"


def registered(ent: Mapping[str, Any]) -> EnterpriseRegisteredV1:
    """A registration, from the new enterprise's fields."""
    return EnterpriseRegisteredV1(**{f: ent[f] for f in _REGISTERED_FIELDS})


def updated(uscc: str, changed: dict[str, Any]) -> EnterpriseUpdatedV1:
    return EnterpriseUpdatedV1(uscc=uscc, changed=changed)


def class_changed(
    uscc: str,
    *,
    old_class: str | None,
    new_class: str | None,
    score: Any,
    reason: str,
    assessment_id: str | None,
    effective_at: datetime,
) -> CreditClassChangedV1:
    return CreditClassChangedV1(
        uscc=uscc,
        old_class=old_class,
        new_class=new_class,
        score=None if score is None else str(score),
        reason=reason,
        assessment_id=assessment_id,
        effective_at=effective_at,
    )


def entry_added(entry: BlacklistEntry, *, reinstated_at: datetime | None = None) -> BlacklistEntryAddedV1:
    """A listing; a reinstated one carries the reinstating decision's time as ``decided_at``.

    Readers keep one register per entry ordered by business time, so the reinstatement must come
    after the repair's removal: its time is the revocation's, and ``reason`` says why it is back.
    """
    return BlacklistEntryAddedV1(
        uscc=entry.uscc,
        entry_id=entry.id,
        situation=entry.situation,
        rule_set=entry.rule_set,
        decided_at=reinstated_at or entry.decided_at,
        expires_at=entry.expires_at,
        reason=REINSTATED if reinstated_at else None,
    )


def entry_removed(entry: BlacklistEntry, *, reason: str, removed_at: datetime) -> BlacklistEntryRemovedV1:
    return BlacklistEntryRemovedV1(uscc=entry.uscc, entry_id=entry.id, reason=reason, removed_at=removed_at)
