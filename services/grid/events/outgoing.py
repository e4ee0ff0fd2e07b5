"""Domain -> integration events: what the grid service tells others (contract.md, safety.grid.v1)."""

from __future__ import annotations

from datetime import datetime

from services.grid.domain.tree import path_ids
from services.grid.models import Cell, Enterprise, Finding, Inspection, Report
from shared.contracts.grid import EnterprisePlacedV1, FindingRecordedV1, ReportFiledV1


def finding_recorded(f: Finding, i: Inspection, cell_path: list[str]) -> FindingRecordedV1:
    """grid.finding.recorded.v1: a finding the hazard service turns into a hazard."""
    basis = {"standard": f.major_standard, "clause": f.major_clause} if f.major_standard else None
    return FindingRecordedV1(
        finding_id=f.id,
        inspection_id=i.id,
        uscc=i.uscc,
        cell_id=i.cell_id,
        cell_path=cell_path,
        description=f.description,
        level=f.level,
        major_basis=basis,
        found_at=i.inspected_at,
        found_by=i.inspector,
    )


def report_filed(r: Report) -> ReportFiledV1:
    """grid.report.filed.v1: a report and where it was routed (null: the bureau)."""
    return ReportFiledV1(
        report_id=r.id,
        cell_id=r.cell_id,
        uscc=r.uscc,
        kind=r.kind,
        description=r.description,
        routed_to=r.routed_to,
        filed_at=r.filed_at,
    )


def enterprise_placed(ent: Enterprise, cell: Cell | None, at: datetime) -> EnterprisePlacedV1:
    """grid.enterprise.placed.v1: where the enterprise sits now, with the cells above it."""
    return EnterprisePlacedV1(
        uscc=ent.uscc,
        cell_id=cell.id if cell else None,
        cell_path=path_ids(cell.path) if cell else [],
        placement=ent.placement if cell else None,
        placed_at=at,
    )
