"""Request and response models of the grid service."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from services.grid.domain.reports import ReportKind

Text = Field(min_length=1, max_length=4000)
PHONE = r"^\+?[0-9][0-9 -]{4,18}[0-9]$"


class MemberRole(StrEnum):
    STATION_CHIEF = "station_chief"
    GRID_HEAD = "grid_head"
    GRID_WORKER = "grid_worker"
    ENTERPRISE_SAFETY_OFFICER = "enterprise_safety_officer"
    OTHER = "other"


class CellCreate(BaseModel):
    code: str = Field(min_length=1, max_length=40, description="the grid code, unique")
    name: str = Field(min_length=1, max_length=100)
    level: int | None = Field(default=None, ge=1, le=9, description="checked against the parent's level when given")
    parent_id: str | None = Field(default=None, max_length=36)
    division_code: str | None = Field(default=None, pattern=r"^\d{6}$")


class MemberCreate(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    phone: str = Field(pattern=PHONE, max_length=20, description="mobile or landline, digits and dashes")
    role: MemberRole
    duties: str = Text
    username: str | None = Field(default=None, max_length=100, description="the member's sign-in, if they have one")


class MemberUpdate(BaseModel):
    """The fields to change; the others stay as they are. None of them may be cleared (null)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)] | None = None
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20, pattern=PHONE)] | None = Field(
        default=None, description="mobile or landline, digits and dashes"
    )
    role: MemberRole | None = None
    duties: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)] | None = None


class MemberPublic(BaseModel):
    id: str
    cell_id: str
    name: str
    phone: str
    role: str
    duties: str
    username: str | None
    version: int = Field(description="the member's ETag; send it as If-Match to change or remove the member")


class CellPublic(BaseModel):
    id: str
    code: str
    name: str
    level: int
    level_name: str
    parent_id: str | None
    division_code: str | None
    scope_code: str | None
    created_at: datetime


class CellDetail(CellPublic):
    path: list[str] = Field(description="ids from the root down to this cell")
    members: list[MemberPublic]
    children: int
    enterprises: int


class CellTree(CellPublic):
    members: list[MemberPublic]
    enterprises: int = Field(description="enterprises placed in this cell itself")
    children: list[CellTree]


class Placement(BaseModel):
    cell_id: str = Field(min_length=1, max_length=36)


class ResponsiblePerson(MemberPublic):
    cell_name: str
    cell_level: int


class EnterprisePublic(BaseModel):
    uscc: str
    name: str | None
    division_code: str | None
    township: str | None
    village: str | None
    credit_class: str | None
    blacklisted: bool
    cell_id: str | None
    cell_name: str | None
    placement: str | None
    last_inspected_at: datetime | None
    responsible: list[ResponsiblePerson] = Field(
        description="the members of its cell and the cells above, nearest first"
    )


class ReportCreate(BaseModel):
    cell_id: str = Field(min_length=1, max_length=36)
    uscc: str | None = Field(default=None, min_length=1, max_length=40)
    kind: ReportKind
    description: str = Text


class ReportMoveIn(BaseModel):
    note: str | None = Field(default=None, max_length=4000)


class ReportResolve(BaseModel):
    resolution: str = Text


class ReportMovePublic(BaseModel):
    action: str
    at: datetime
    by: str
    routed_to: str | None
    note: str | None


class ReportPublic(BaseModel):
    id: str
    cell_id: str
    cell_name: str = Field(description="the name of the cell it was filed in")
    uscc: str | None
    enterprise_name: str | None = Field(description="from the grid's enterprise copy; null: none named, or unknown")
    kind: str
    description: str
    status: str
    allowed_moves: list[str]
    routed_to: str | None = Field(description="the cell it waits at; null: the bureau")
    routed_to_name: str
    routed_at: datetime
    escalations: int
    filed_at: datetime
    filed_by: str
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    resolution: str | None
    version: int = Field(description="raised by every move (escalations too); the ETag of GET and of the moves")


class ReportDetail(ReportPublic):
    history: list[ReportMovePublic]


class CheckResult(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"


class ChecklistItem(BaseModel):
    item: str = Field(min_length=1, max_length=300)
    result: CheckResult
    note: str | None = Field(default=None, max_length=1000)


class MajorBasisIn(BaseModel):
    standard: str = Field(default="", max_length=300)
    clause: str = Field(default="", max_length=300)


class FindingIn(BaseModel):
    description: str = Text
    level: str = Field(pattern="^(general|major)$")
    major_basis: MajorBasisIn | None = Field(default=None, description="required for a major finding")


class InspectionCreate(BaseModel):
    uscc: str = Field(min_length=1, max_length=40)
    inspected_at: AwareDatetime
    inspector: str = Field(min_length=1, max_length=100)
    checklist: list[ChecklistItem] = Field(default_factory=list, max_length=500)
    findings: list[FindingIn] = Field(default_factory=list, max_length=200)
    note: str | None = Field(default=None, max_length=4000)


class FindingPublic(BaseModel):
    id: str
    description: str
    level: str
    major_basis: MajorBasisIn | None


class InspectionPublic(BaseModel):
    id: str
    uscc: str
    enterprise_name: str | None
    cell_id: str | None
    inspected_at: datetime
    inspector: str
    checklist: list[ChecklistItem]
    findings: list[FindingPublic]
    note: str | None
    recorded_by: str
    recorded_at: datetime


class PlanItem(BaseModel):
    uscc: str
    name: str | None
    cell_id: str | None
    cell_name: str | None
    credit_class: str | None
    blacklisted: bool
    interval_months: int
    last_inspected_on: date | None
    next_due: date
    overdue: bool = Field(description="the next inspection (the first, if never inspected) was due before today")


class InspectionPlan(BaseModel):
    cell_id: str | None
    first_day: date
    last_day: date
    rule: str = Field(description="the frequency rule and its version")
    intervals: dict[str, int] = Field(description="months between inspections, by standing")
    items: list[PlanItem]
    total: int
    limit: int
    offset: int


class CellStats(BaseModel):
    cell_id: str | None
    code: str | None
    name: str
    level: int
    enterprises: int
    enterprises_inspected: int
    inspections: int
    findings: int
    reports: int
    reports_open: int
    reports_escalated: int


class GridStats(BaseModel):
    first_day: date
    last_day: date
    total: CellStats = Field(description="the cell asked for (or everything in your scope), its subtree summed")
    cells: list[CellStats] = Field(
        description="each cell below it down to the depth asked, each with its subtree summed"
    )
