"""Request and response models of hazards and their moves."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from services.hazard.domain.hazards import HazardLevel, HazardSource

Text = Field(min_length=1, max_length=4000)
Note = Field(default=None, max_length=4000)


class MajorBasisIn(BaseModel):
    """The judgement standard and clause of a major hazard (blank parts are refused by the domain)."""

    standard: str = Field(default="", max_length=300)
    clause: str = Field(default="", max_length=300)


class HazardCreate(BaseModel):
    uscc: str = Field(min_length=1, max_length=40)
    source: HazardSource
    description: str = Text
    level: HazardLevel
    major_basis: MajorBasisIn | None = None
    found_at: AwareDatetime
    found_by: str = Field(min_length=1, max_length=100)
    #: The grid cell the hazard was found in (grid workers must name one of theirs).
    cell_id: str | None = Field(default=None, max_length=64)
    #: Work (or part of it) suspended while a major hazard is fixed.
    work_suspended: bool = False
    #: The grid report (网格上报) it was verified from: one hazard per report (409 otherwise).
    report_id: str | None = Field(default=None, min_length=1, max_length=64)


class MajorBasisPublic(BaseModel):
    standard: str
    clause: str


class HazardPublic(BaseModel):
    id: str
    uscc: str
    enterprise_name: str | None
    division_code: str
    cell_id: str | None
    source: str
    description: str
    level: str
    major_basis: MajorBasisPublic | None
    found_at: datetime
    found_by: str | None
    status: str
    allowed_moves: list[str]
    listed: bool
    listed_at: datetime | None
    delisted_at: datetime | None
    plan_submitted: bool
    extension_pending: bool
    work_suspended: bool
    notice_number: str | None
    notice_issued_at: datetime | None
    deadline: date | None
    #: Open and past its current deadline.
    overdue: bool
    overdue_since: datetime | None
    reminder_sent_at: datetime | None
    supervision_letter_at: datetime | None
    completed_at: datetime | None
    evidence: list[str]
    #: The last local day on which acceptance is on time (10 days after completion by default).
    acceptance_due_by: date | None
    acceptance_overdue: bool
    acceptance_late: bool | None
    accepted_at: datetime | None
    closed_at: datetime | None
    imported: bool
    #: The ledger import that loaded it (null for hazards registered here).
    import_job_id: str | None = None
    report_id: str | None = None
    version: int
    created_at: datetime
    updated_at: datetime


class TransitionPublic(BaseModel):
    action: str
    from_status: str | None
    to_status: str
    at: datetime
    by: str
    by_role: str | None
    reason: str | None
    details: dict[str, Any] | None


class NoticePublic(BaseModel):
    """A rectification notice (整改通知书)."""

    id: str
    hazard_id: str
    number: str
    issuer: str | None
    year: int | None
    seq: int | None
    issued_at: datetime
    issued_by: str | None
    deadline: date
    measures: str | None
    imported: bool


class ExtensionPublic(BaseModel):
    id: str
    hazard_id: str
    requested_deadline: date
    reason: str
    requested_at: datetime
    requested_by: str
    status: str
    previous_deadline: date
    granted_deadline: date | None
    decided_at: datetime | None
    decided_by: str | None
    decision_note: str | None


class PlanPublic(BaseModel):
    """A major hazard's remediation plan; ``funds`` in yuan as a decimal string."""

    measures: str
    funds: str
    deadline: date
    responsible_person: str
    emergency_plan: str
    submitted_at: datetime
    submitted_by: str


class EscalationPublic(BaseModel):
    step: str
    basis: str
    at: datetime
    rule: str


class HazardDetail(HazardPublic):
    transitions: list[TransitionPublic]
    notices: list[NoticePublic]
    extensions: list[ExtensionPublic]
    plan: PlanPublic | None
    escalations: list[EscalationPublic]


class NoticeCreate(BaseModel):
    """A rectification notice: the deadline (a local calendar date) and the measures required."""

    deadline: date
    measures: str = Text


class FixOnSpot(BaseModel):
    evidence: list[str] = Field(default_factory=list, max_length=50)
    fixed_at: AwareDatetime | None = None
    note: str | None = Note


class PlanCreate(BaseModel):
    """A remediation plan (measures, funds in yuan, deadline, responsible person, emergency plan)."""

    measures: str = Field(default="", max_length=4000)
    funds: Decimal = Field(max_digits=16, decimal_places=2)
    deadline: date
    responsible_person: str = Field(default="", max_length=100)
    emergency_plan: str = Field(default="", max_length=4000)
    work_suspended: bool | None = None


class MoveNote(BaseModel):
    note: str | None = Note


class ExtensionCreate(BaseModel):
    deadline: date
    reason: str = Text


class ExtensionGrant(BaseModel):
    #: The deadline granted; the requested one when omitted.
    deadline: date | None = None
    note: str | None = Note


class ExtensionRefusal(BaseModel):
    note: str = Text


class CompletionCreate(BaseModel):
    evidence: list[str] = Field(default_factory=list, max_length=50)
    completed_at: AwareDatetime | None = None
    note: str | None = Note


class AcceptanceCreate(BaseModel):
    passed: bool
    note: str | None = Note
