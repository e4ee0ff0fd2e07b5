"""Hazards (事故隐患) and what happens to them: moves, notices, plans, extensions, escalations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlmodel import Field

from services.hazard.models.base import DIVISION_CODE, HazardModel
from shared.db.base import UTCDateTime

_WATCHED = "status IN ('notice_issued', 'rectifying')"


class Hazard(HazardModel, table=True):
    """One hazard and its current state; its history is in ``hazard_transitions``.

    ``division_code`` is the enterprise's location, kept in step with the registry's events, so
    that statistics and scopes read one table through the indexes below.
    """

    __tablename__ = "hazards"
    __table_args__ = (
        # Statistics: each figure is an index-only range scan over its own time column; the
        # division is the second key column so an area filter is checked inside the index. No
        # index starts with the division: the planner would scan a whole area's history with it.
        Index("ix_hazards_found_at_division_code", "found_at", "division_code"),
        # The statistics by source read these too; a wider index of their own keeps the one above
        # (the count every dashboard runs) lean: carrying them there doubled its scan at 5M rows.
        Index("ix_hazards_found_at_sources", "found_at", "division_code", "source", "uscc", "closed_at"),
        Index(
            "ix_hazards_notice_issued_at_division_code",
            "notice_issued_at",
            "division_code",
            postgresql_where=text("notice_issued_at IS NOT NULL"),
            sqlite_where=text("notice_issued_at IS NOT NULL"),
        ),
        Index(
            "ix_hazards_deadline_division_code",
            "deadline",
            "division_code",
            postgresql_include=["overdue_at", "closed_at"],
            postgresql_where=text("deadline IS NOT NULL"),
            sqlite_where=text("deadline IS NOT NULL"),
        ),
        Index(
            "ix_hazards_listed_at_division_code",
            "listed_at",
            "division_code",
            postgresql_where=text("listed_at IS NOT NULL"),
            sqlite_where=text("listed_at IS NOT NULL"),
        ),
        # The deadline job reads only open hazards under a notice, by when they fall due.
        Index(
            "ix_hazards_watch_overdue_at",
            "overdue_at",
            postgresql_where=text(_WATCHED),
            sqlite_where=text(_WATCHED),
        ),
        Index(
            "ix_hazards_awaiting_completed_at",
            "completed_at",
            postgresql_where=text("status = 'awaiting_acceptance' AND acceptance_overdue_at IS NULL"),
            sqlite_where=text("status = 'awaiting_acceptance' AND acceptance_overdue_at IS NULL"),
        ),
        Index("ix_hazards_uscc_found_at", "uscc", "found_at"),
        Index("ix_hazards_cell_id", "cell_id"),
        # Experts and advisors list what they recorded themselves.
        Index("ix_hazards_created_by_found_at", "created_by", "found_at"),
        # The hazards one ledger import loaded.
        Index(
            "ix_hazards_import_job_id",
            "import_job_id",
            postgresql_where=text("import_job_id IS NOT NULL"),
            sqlite_where=text("import_job_id IS NOT NULL"),
        ),
    )

    id: str = Field(primary_key=True, max_length=36)
    uscc: str = Field(max_length=18)
    division_code: str = Field(sa_type=DIVISION_CODE)
    cell_id: str | None = Field(default=None, max_length=64)
    #: ``/root/.../cell_id/``: the grid cells above the hazard's, as its finding named them.
    cell_path: str | None = Field(default=None, max_length=400)
    source: str = Field(max_length=32)
    description: str = Field(sa_type=Text)
    level: str = Field(max_length=8)
    major_standard: str | None = Field(default=None, max_length=300)
    major_clause: str | None = Field(default=None, max_length=300)
    found_at: datetime = Field(sa_type=UTCDateTime())
    found_by: str | None = Field(default=None, max_length=100)
    created_by: str | None = Field(default=None, max_length=100)

    status: str = Field(max_length=24)
    listed: bool = False
    listed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    delisted_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    plan_submitted: bool = False
    extension_pending: bool = False
    #: Work (or part of it) suspended while a major hazard is fixed; overdue events carry it.
    work_suspended: bool = False

    notice_issued_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    notice_number: str | None = Field(default=None, max_length=100)
    deadline: date | None = None
    #: When the current deadline has passed: the start of the next local day (Civil Code art. 203).
    overdue_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    reminder_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    overdue_since: datetime | None = Field(default=None, sa_type=UTCDateTime())
    supervision_letter_at: datetime | None = Field(default=None, sa_type=UTCDateTime())

    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    evidence: str | None = Field(default=None, sa_type=Text, description="JSON list of the last completion's evidence")
    acceptance_overdue_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    acceptance_late: bool | None = None
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())

    imported: bool = False
    #: The import job that loaded it from a ledger (``GET /hazard/v1/imports/{id}``).
    import_job_id: str | None = Field(default=None, max_length=36)
    ledger_key: str | None = Field(default=None, max_length=64, unique=True)
    finding_id: str | None = Field(default=None, max_length=64, unique=True)
    #: The grid report it was verified from (``POST /hazards`` with ``report_id``): one per report.
    report_id: str | None = Field(default=None, max_length=64, unique=True)

    version: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime())
    updated_at: datetime = Field(sa_type=UTCDateTime())


class HazardCell(HazardModel, table=True):
    """A grid cell a hazard lies in or under: one row per cell on its path, for grid workers' lists."""

    __tablename__ = "hazard_cells"
    __table_args__ = (Index("ix_hazard_cells_cell_id_hazard_id", "cell_id", "hazard_id"),)

    hazard_id: str = Field(sa_column=Column(String(36), ForeignKey("hazards.id"), primary_key=True))
    cell_id: str = Field(sa_column=Column(String(64), primary_key=True))


class HazardTransition(HazardModel, table=True):
    """One move of the closed loop: which, from where to where, when, by whom and why."""

    __tablename__ = "hazard_transitions"
    __table_args__ = (Index("ix_hazard_transitions_hazard_id_id", "hazard_id", "id"),)

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    )
    hazard_id: str = Field(sa_column=Column(String(36), ForeignKey("hazards.id"), nullable=False))
    action: str = Field(max_length=32)
    from_status: str | None = Field(default=None, max_length=24)
    to_status: str = Field(max_length=24)
    at: datetime = Field(sa_type=UTCDateTime())
    by: str = Field(max_length=100)
    by_role: str | None = Field(default=None, max_length=20)
    reason: str | None = Field(default=None, sa_type=Text)
    details: str | None = Field(default=None, sa_type=Text, description="JSON: evidence, deadlines, notice")


class RectificationNotice(HazardModel, table=True):
    """A rectification notice (整改通知书): numbered per issuer and year without gaps."""

    __tablename__ = "rectification_notices"
    __table_args__ = (UniqueConstraint("issuer", "year", "seq", name="uq_rectification_notices_issuer_year_seq"),)

    id: str = Field(primary_key=True, max_length=36)
    hazard_id: str = Field(sa_column=Column(String(36), ForeignKey("hazards.id"), nullable=False, index=True))
    number: str = Field(max_length=100, unique=True)
    #: None only for a number imported from an old ledger that does not follow the standard form.
    issuer: str | None = Field(default=None, max_length=40)
    year: int | None = None
    seq: int | None = None
    issued_at: datetime = Field(sa_type=UTCDateTime())
    issued_by: str | None = Field(default=None, max_length=100)
    deadline: date
    measures: str | None = Field(default=None, sa_type=Text)
    imported: bool = False


class NoticeCounter(HazardModel, table=True):
    """The last notice sequence per issuer and year; raised in the notice's own transaction."""

    __tablename__ = "notice_counters"

    issuer: str = Field(primary_key=True, max_length=40)
    year: int = Field(primary_key=True)
    last_seq: int


class ExtensionRequest(HazardModel, table=True):
    """A request for a later deadline and its answer; a deadline never moves without one."""

    __tablename__ = "hazard_extensions"

    id: str = Field(primary_key=True, max_length=36)
    hazard_id: str = Field(sa_column=Column(String(36), ForeignKey("hazards.id"), nullable=False, index=True))
    requested_deadline: date
    reason: str = Field(sa_type=Text)
    requested_at: datetime = Field(sa_type=UTCDateTime())
    requested_by: str = Field(max_length=100)
    status: str = Field(max_length=16)
    previous_deadline: date
    granted_deadline: date | None = None
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    decided_by: str | None = Field(default=None, max_length=100)
    decision_note: str | None = Field(default=None, sa_type=Text)


class RemediationPlanRecord(HazardModel, table=True):
    """A major hazard's remediation plan (重大事故隐患治理方案); funds in fen (cents) to stay exact."""

    __tablename__ = "remediation_plans"

    id: str = Field(primary_key=True, max_length=36)
    hazard_id: str = Field(sa_column=Column(String(36), ForeignKey("hazards.id"), nullable=False, unique=True))
    measures: str = Field(sa_type=Text)
    funds_fen: int = Field(sa_type=BigInteger)
    deadline: date
    responsible_person: str = Field(max_length=100)
    emergency_plan: str = Field(sa_type=Text)
    submitted_at: datetime = Field(sa_type=UTCDateTime())
    submitted_by: str = Field(max_length=100)


class Escalation(HazardModel, table=True):
    """A step of the escalation ladder taken for a hazard, once per deadline (or per completion)."""

    __tablename__ = "hazard_escalations"
    __table_args__ = (
        UniqueConstraint("hazard_id", "step", "basis", name="uq_hazard_escalations_hazard_id_step_basis"),
    )

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    )
    hazard_id: str = Field(sa_column=Column(String(36), ForeignKey("hazards.id"), nullable=False, index=True))
    step: str = Field(max_length=32)
    #: The deadline (ISO date) a deadline step answers, or the completion time for acceptance.
    basis: str = Field(max_length=40)
    at: datetime = Field(sa_type=UTCDateTime())
    rule: str = Field(max_length=60)


class ParkedFinding(HazardModel, table=True):
    """A grid finding for an enterprise this service has not heard of yet; it becomes a hazard
    when the registry's registration event arrives."""

    __tablename__ = "parked_findings"

    finding_id: str = Field(primary_key=True, max_length=64)
    uscc: str = Field(max_length=18, index=True)
    payload: str = Field(sa_type=Text)
    event_id: str = Field(max_length=64)
    received_at: datetime = Field(sa_type=UTCDateTime())
