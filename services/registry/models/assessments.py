"""Credit assessments (one assessment, two results) and the assessment rule sets they use."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint, text
from sqlmodel import Field

from services.registry.models.base import RegistryModel
from services.registry.models.enterprises import SCORE
from shared.db.base import UTCDateTime


class AssessmentRuleSetRecord(RegistryModel, table=True):
    """A version of the assessment rules (weights, class lines, overrides, standardization lines).

    Versions are never edited: an assessment names the version it was scored with, so a change of
    rules is a new version, and old assessments keep explaining themselves.
    """

    __tablename__ = "assessment_rule_sets"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40)
    version: int
    effective_from: date
    title: str = Field(max_length=200)
    weights: dict[str, Any] = Field(sa_type=JSON)
    class_lines: dict[str, Any] = Field(sa_type=JSON)
    commitment_downgrade: int
    fatal_accident_cap: str = Field(max_length=1)
    penalty_cap: str = Field(max_length=1)
    standardization: dict[str, Any] = Field(sa_type=JSON)
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(sa_type=UTCDateTime())


class Assessment(RegistryModel, table=True):
    """One assessment of an enterprise for a period: the credit class and the standardization result."""

    __tablename__ = "assessments"
    __table_args__ = (
        # One assessment per enterprise and period; a rejected one goes back to its author and
        # may be submitted again, so it does not hold the period.
        Index(
            "uq_assessments_uscc_period_open",
            "uscc",
            "period",
            unique=True,
            sqlite_where=text("status != 'rejected'"),
            postgresql_where=text("status != 'rejected'"),
        ),
        Index("ix_assessments_status_submitted_at", "status", "submitted_at"),
        # The standardization statistics: approved (effective) assessments decided in a period.
        Index("ix_assessments_status_decided_at", "status", "decided_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    uscc: str = Field(max_length=18, foreign_key="enterprises.uscc", index=True)
    period: str = Field(max_length=10)
    scores: dict[str, Any] = Field(sa_type=JSON)
    facts: dict[str, Any] = Field(sa_type=JSON)
    total_score: Decimal = Field(sa_type=SCORE)
    credit_class: str = Field(max_length=1)
    standardization_result: int | None = None
    breakdown: dict[str, Any] = Field(sa_type=JSON)
    rule_set: str = Field(max_length=40)
    rule_set_version: int
    status: str = Field(max_length=16)
    author: str = Field(max_length=100)
    submitted_at: datetime = Field(sa_type=UTCDateTime())
    decided_by: str | None = Field(default=None, max_length=100)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    rejection_reason: str | None = Field(default=None, max_length=2000)
    version: int = 1
