"""Grid tables: cells and their members, the enterprises placed in them, reports, inspections."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Text
from sqlmodel import Field

from services.grid.models.base import DIVISION_CODE, GridModel
from shared.db.base import UTCDateTime


class Cell(GridModel, table=True):
    """A grid cell. ``scope_code`` is the division whose officers answer for it: its own division
    code, else its parent's, else (a functional zone such as 南太湖新区, which has no division code)
    the division of the officer who created it."""

    __tablename__ = "cells"
    __table_args__ = (
        Index("ix_cells_path", "path"),
        Index("ix_cells_parent_id_name", "parent_id", "name"),
        Index("ix_cells_scope_code", "scope_code"),
    )

    id: str = Field(primary_key=True, max_length=36)
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=100)
    level: int
    parent_id: str | None = Field(default=None, sa_column=Column(String(36), ForeignKey("cells.id"), nullable=True))
    division_code: str | None = Field(default=None, max_length=6)
    scope_code: str | None = Field(default=None, sa_type=DIVISION_CODE)
    path: str = Field(
        sa_column=Column(String(400).with_variant(String(400, collation="C"), "postgresql"), nullable=False)
    )
    created_at: datetime = Field(sa_type=UTCDateTime())
    created_by: str = Field(max_length=100)


class Member(GridModel, table=True):
    """A named responsible person of a cell (定格、定责、定人)."""

    __tablename__ = "cell_members"

    id: str = Field(primary_key=True, max_length=36)
    cell_id: str = Field(sa_column=Column(String(36), ForeignKey("cells.id"), nullable=False, index=True))
    name: str = Field(max_length=50)
    phone: str = Field(max_length=20)
    role: str = Field(max_length=40)
    duties: str = Field(sa_column=Column(Text, nullable=False))
    username: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(sa_type=UTCDateTime())
    #: Raised by every change; the member's ETag (rows from before it existed start at 1).
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class Enterprise(GridModel, table=True):
    """The grid's copy of an enterprise (from the registry's events) and the cell it is placed in.

    ``placement`` is ``auto`` when township and village matched a cell, ``manual`` when someone put
    it there; a manual placement is never overridden by later events.
    """

    __tablename__ = "enterprises"
    __table_args__ = (
        Index("ix_enterprises_cell_id_last_inspected_at", "cell_id", "last_inspected_at"),
        Index("ix_enterprises_township_village", "township", "village"),
    )

    uscc: str = Field(primary_key=True, max_length=18)
    name: str | None = Field(default=None, max_length=200)
    division_code: str | None = Field(default=None, sa_type=DIVISION_CODE)
    township: str | None = Field(default=None, max_length=100)
    village: str | None = Field(default=None, max_length=100)
    category: str | None = Field(default=None, max_length=40)
    credit_class: str | None = Field(default=None, max_length=1)
    blacklisted: bool = False
    #: Blacklist entries by id: {"active", "at", "event"}, so overlapping listings and reordered
    #: events end in the same state.
    blacklist_entries: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    cell_id: str | None = Field(default=None, sa_column=Column(String(36), ForeignKey("cells.id"), nullable=True))
    placement: str | None = Field(default=None, max_length=10)
    last_inspected_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    #: Time of the newest registry event applied to the location fields and to the class.
    as_of: datetime = Field(sa_type=UTCDateTime())
    class_as_of: datetime | None = Field(default=None, sa_type=UTCDateTime())
    updated_at: datetime = Field(sa_type=UTCDateTime())

    @property
    def known(self) -> bool:
        return bool(self.name and self.division_code)


class Report(GridModel, table=True):
    """A grid report and where it sits now (``routed_to`` null: the bureau)."""

    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_cell_id_filed_at", "cell_id", "filed_at"),
        Index("ix_reports_status_routed_at", "status", "routed_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    cell_id: str = Field(sa_column=Column(String(36), ForeignKey("cells.id"), nullable=False))
    uscc: str | None = Field(default=None, max_length=18)
    kind: str = Field(max_length=20)
    description: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(max_length=20)
    routed_to: str | None = Field(default=None, sa_column=Column(String(36), ForeignKey("cells.id"), nullable=True))
    routed_at: datetime = Field(sa_type=UTCDateTime())
    escalations: int = 0
    filed_at: datetime = Field(sa_type=UTCDateTime())
    filed_by: str = Field(max_length=100)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    acknowledged_by: str | None = Field(default=None, max_length=100)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    resolved_by: str | None = Field(default=None, max_length=100)
    resolution: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    version: int = 1


class ReportMove(GridModel, table=True):
    """Every move of a report: filed, escalated, acknowledged, resolved - who, when, where to."""

    __tablename__ = "report_moves"

    id: int | None = Field(default=None, primary_key=True)
    report_id: str = Field(sa_column=Column(String(36), ForeignKey("reports.id"), nullable=False, index=True))
    action: str = Field(max_length=20)
    at: datetime = Field(sa_type=UTCDateTime())
    by: str = Field(max_length=100)
    routed_to: str | None = Field(default=None, max_length=36)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Inspection(GridModel, table=True):
    """An inspection visit; ``cell_id`` is the enterprise's cell when the visit was recorded."""

    __tablename__ = "inspections"
    __table_args__ = (
        # Statistics: a cell's visits in a period are one range of this index.
        Index("ix_inspections_cell_id_inspected_at", "cell_id", "inspected_at"),
        Index("ix_inspections_uscc_inspected_at", "uscc", "inspected_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    uscc: str = Field(max_length=18)
    cell_id: str | None = Field(default=None, max_length=36)
    inspected_at: datetime = Field(sa_type=UTCDateTime())
    inspector: str = Field(max_length=100)
    checklist: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    recorded_by: str = Field(max_length=100)
    recorded_at: datetime = Field(sa_type=UTCDateTime())


class Finding(GridModel, table=True):
    """A finding of an inspection; each is published as ``grid.finding.recorded.v1`` (a hazard to be)."""

    __tablename__ = "findings"

    id: str = Field(primary_key=True, max_length=36)
    inspection_id: str = Field(sa_column=Column(String(36), ForeignKey("inspections.id"), nullable=False, index=True))
    #: Its place in the inspection's list, as recorded.
    position: int = 0
    description: str = Field(sa_column=Column(Text, nullable=False))
    level: str = Field(max_length=10)
    major_standard: str | None = Field(default=None, max_length=300)
    major_clause: str | None = Field(default=None, max_length=300)
