"""Rows -> response models."""

from __future__ import annotations

from services.grid.domain.reports import ReportStatus, allowed_moves
from services.grid.domain.tree import level_name
from services.grid.models import Cell, Member, Report
from services.grid.schemas.grid import CellPublic, MemberPublic, ReportPublic

BUREAU = "安监局"


def member_public(m: Member) -> MemberPublic:
    return MemberPublic(
        id=m.id,
        cell_id=m.cell_id,
        name=m.name,
        phone=m.phone,
        role=m.role,
        duties=m.duties,
        username=m.username,
        version=m.version,
    )


def cell_fields(c: Cell) -> dict:
    return dict(
        id=c.id,
        code=c.code,
        name=c.name,
        level=c.level,
        level_name=level_name(c.level),
        parent_id=c.parent_id,
        division_code=c.division_code,
        scope_code=c.scope_code,
        created_at=c.created_at,
    )


def cell_public(c: Cell) -> CellPublic:
    return CellPublic(**cell_fields(c))


def report_fields(r: Report, *, cell_name: str, routed_name: str | None, enterprise_name: str | None) -> dict:
    """The fields of a report object; the names come with the row (joined or already loaded)."""
    return dict(
        id=r.id,
        cell_id=r.cell_id,
        cell_name=cell_name,
        uscc=r.uscc,
        enterprise_name=enterprise_name if r.uscc else None,
        kind=r.kind,
        description=r.description,
        status=r.status,
        allowed_moves=allowed_moves(ReportStatus(r.status)),
        routed_to=r.routed_to,
        routed_to_name=routed_name or BUREAU,
        routed_at=r.routed_at,
        escalations=r.escalations,
        filed_at=r.filed_at,
        filed_by=r.filed_by,
        acknowledged_at=r.acknowledged_at,
        resolved_at=r.resolved_at,
        resolution=r.resolution,
        version=r.version,
    )


def report_public(r: Report, *, cell_name: str, routed_name: str | None, enterprise_name: str | None) -> ReportPublic:
    return ReportPublic(
        **report_fields(r, cell_name=cell_name, routed_name=routed_name, enterprise_name=enterprise_name)
    )
