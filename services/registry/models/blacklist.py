"""Blacklist entries (严重失信主体名单), credit repair applications and listing proposals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint, text
from sqlmodel import Field

from services.registry.models.base import RegistryModel
from shared.db.base import UTCDateTime


class BlacklistEntry(RegistryModel, table=True):
    """A listing: its rule set and situation, the penalty decision it follows, and its term.

    ``expires_at`` is the current end: a listing restored after a revoked repair gets a new one.
    """

    __tablename__ = "blacklist_entries"
    __table_args__ = (
        # A penalty decision grounds one listing of one enterprise.
        UniqueConstraint("uscc", "penalty_decision_ref"),
        # The expiry job looks for active entries whose end has come.
        Index("ix_blacklist_entries_status_expires_at", "status", "expires_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    uscc: str = Field(max_length=18, foreign_key="enterprises.uscc", index=True)
    rule_set: str = Field(max_length=40)
    rule_set_version: int
    situation: str = Field(max_length=80)
    penalty_decision_ref: str = Field(max_length=100)
    decided_at: datetime = Field(sa_type=UTCDateTime())
    expires_at: datetime = Field(sa_type=UTCDateTime())
    status: str = Field(max_length=16)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    end_reason: str | None = Field(default=None, max_length=500)
    reinstated_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    #: The principal people at the time of listing (they are subjects of the listing too).
    principal_people: dict[str, Any] = Field(sa_type=JSON)
    proposal_id: str | None = Field(default=None, max_length=36)
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(sa_type=UTCDateTime())
    version: int = 1


class RepairApplication(RegistryModel, table=True):
    """A credit repair (信用修复) application: commitment and evidence, then an officer's decision."""

    __tablename__ = "repair_applications"
    __table_args__ = (
        # One application under review per entry at a time.
        Index(
            "uq_repair_applications_entry_id_submitted",
            "entry_id",
            unique=True,
            sqlite_where=text("status = 'submitted'"),
            postgresql_where=text("status = 'submitted'"),
        ),
    )

    id: str = Field(primary_key=True, max_length=36)
    entry_id: str = Field(max_length=36, foreign_key="blacklist_entries.id", index=True)
    uscc: str = Field(max_length=18, index=True)
    commitment: str = Field(max_length=5000)
    evidence: list[str] = Field(sa_type=JSON)
    status: str = Field(max_length=16)
    applied_by: str = Field(max_length=100)
    applied_at: datetime = Field(sa_type=UTCDateTime())
    decided_by: str | None = Field(default=None, max_length=100)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    decision_reason: str | None = Field(default=None, max_length=2000)
    revoked_by: str | None = Field(default=None, max_length=100)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    revocation_reason: str | None = Field(default=None, max_length=2000)
    version: int = 1


class ListingProposal(RegistryModel, table=True):
    """A listing situation the recorded facts show: a suggestion to an officer, never a listing by itself."""

    __tablename__ = "listing_proposals"
    __table_args__ = (Index("ix_listing_proposals_status_created_at", "status", "created_at"),)

    id: str = Field(primary_key=True, max_length=36)
    uscc: str = Field(max_length=18, foreign_key="enterprises.uscc", index=True)
    rule_set: str = Field(max_length=40)
    rule_set_version: int
    situation: str = Field(max_length=80)
    reason: str = Field(max_length=2000)
    evidence_ids: list[str] = Field(sa_type=JSON)
    status: str = Field(max_length=16)
    created_at: datetime = Field(sa_type=UTCDateTime())
    updated_at: datetime = Field(sa_type=UTCDateTime())
    decided_by: str | None = Field(default=None, max_length=100)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    dismissal_reason: str | None = Field(default=None, max_length=2000)
    entry_id: str | None = Field(default=None, max_length=36)
    version: int = 1
