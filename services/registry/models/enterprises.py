"""Enterprises and their credit history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Index, Numeric
from sqlmodel import Field

from services.registry.models.base import RegistryModel
from shared.db.base import UTCDateTime

SCORE = Numeric(5, 2)


class Enterprise(RegistryModel, table=True):
    """An enterprise keyed by its unified social credit code, with its standing.

    ``division_code`` is where the enterprise is (officers' scope follows it), not the division inside
    the code, which is where it registered. ``credit_class`` is null while the enterprise is listed
    (it stands outside the four classes); ``last_class`` keeps the class its latest approved
    assessment supports, which returns when the listing ends.
    """

    __tablename__ = "enterprises"
    __table_args__ = (
        # Statistics and officers' lists filter by location, then by class and category.
        Index("ix_enterprises_division_code_credit_class", "division_code", "credit_class"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uscc: str = Field(max_length=18, unique=True)
    name: str = Field(max_length=200)
    legal_representative: str = Field(max_length=100)
    person_in_charge: str | None = Field(default=None, max_length=100)
    person_in_charge_phone: str | None = Field(default=None, max_length=30)
    safety_lead: str | None = Field(default=None, max_length=100)
    safety_lead_phone: str | None = Field(default=None, max_length=30)
    division_code: str = Field(max_length=6)
    township: str | None = Field(default=None, max_length=100, index=True)
    village: str | None = Field(default=None, max_length=100)
    address: str | None = Field(default=None, max_length=300)
    category: str = Field(max_length=30, index=True)
    scale: str | None = Field(default=None, max_length=20)
    employees: int | None = None
    status: str = Field(default="operating", max_length=20)
    credit_class: str | None = Field(default=None, max_length=1)
    credit_score: Decimal | None = Field(default=None, sa_type=SCORE)
    last_class: str | None = Field(default=None, max_length=1)
    last_assessment_id: str | None = Field(default=None, max_length=36)
    blacklisted: bool = Field(default=False, index=True)
    standardization_grade: int | None = None
    standardization_valid_until: date | None = None
    standardization_revoked: bool = False
    honour_roll: bool = Field(default=False, index=True)
    honour_roll_since: date | None = None
    version: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime())
    updated_at: datetime = Field(sa_type=UTCDateTime())


class CreditChange(RegistryModel, table=True):
    """One change of an enterprise's credit class (credit history), with its reason."""

    __tablename__ = "credit_changes"

    id: int | None = Field(default=None, primary_key=True)
    uscc: str = Field(max_length=18, index=True)
    old_class: str | None = Field(default=None, max_length=1)
    new_class: str | None = Field(default=None, max_length=1)
    score: Decimal | None = Field(default=None, sa_type=SCORE)
    reason: str = Field(max_length=500)
    assessment_id: str | None = Field(default=None, max_length=36)
    entry_id: str | None = Field(default=None, max_length=36)
    effective_at: datetime = Field(sa_type=UTCDateTime())
    recorded_by: str = Field(max_length=100)


class EnterpriseChange(RegistryModel, table=True):
    """One change of an enterprise's base data: its registration, or an update that changed something.

    Written in the transaction of the change itself (``by`` is the user's ``sub``, or ``import:<job
    id>`` for a spreadsheet row); ``fields`` names the fields that changed, or for a registration
    every field the new record holds a value for. Standing (class, listing, honour roll) is not base
    data: it has the credit history.
    """

    __tablename__ = "enterprise_changes"
    __table_args__ = (
        # One enterprise's log, newest first.
        Index("ix_enterprise_changes_uscc_at", "uscc", "at"),
        # The activity statistics: a period of ``at``, counted by kind and distinct enterprise.
        Index("ix_enterprise_changes_at_kind_uscc", "at", "kind", "uscc"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uscc: str = Field(max_length=18)
    at: datetime = Field(sa_type=UTCDateTime())
    by: str = Field(max_length=100)
    kind: str = Field(max_length=16)
    fields: list[str] = Field(sa_type=JSON)
