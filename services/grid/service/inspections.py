"""Inspection visits: recorded with their checklist; each finding is announced to become a hazard."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select, update
from sqlmodel import col

from services.grid.domain.periods import period_bounds
from services.grid.domain.tree import path_ids
from services.grid.events import outgoing
from services.grid.models import Cell, Enterprise, Finding, Inspection
from services.grid.schemas.grid import ChecklistItem, FindingPublic, InspectionCreate, InspectionPublic, MajorBasisIn
from services.grid.service import access
from services.grid.service.cells import load as load_cell
from services.grid.service.enterprises import normalize_uscc, require_known
from shared.api.pagination import Page, PageParams, paginate
from shared.db.uow import UnitOfWork
from shared.errors import Forbidden, Invalid, NotFound, field_error
from shared.ids import new_id
from shared.security.principal import Principal


def _check_findings(data: InspectionCreate) -> None:
    """A major finding needs its judgement standard and clause, or it could never become a hazard."""
    errors = [
        field_error(f"findings.{i}.major_basis", "a major finding needs its standard and clause")
        for i, f in enumerate(data.findings)
        if f.level == "major"
        and (f.major_basis is None or not f.major_basis.standard.strip() or not f.major_basis.clause.strip())
    ]
    if errors:
        raise Invalid(
            "major findings need the judgement standard and clause", code="major_basis_required", errors=errors
        )


async def record(*, uow: UnitOfWork, user: Principal, data: InspectionCreate) -> InspectionPublic:
    """Record a visit to an enterprise of the caller's; publish one finding event per finding."""
    access.require_role(user, access.READERS, "record inspections")
    ent = await require_known(uow, data.uscc)
    cell = await uow.session.get(Cell, ent.cell_id) if ent.cell_id else None
    if not access.can_see_enterprise(user, ent.division_code, cell):
        raise Forbidden(f"{ent.uscc} is not in your part of the grid", code="out_of_scope")
    now = uow.now()
    if data.inspected_at > now:
        raise Invalid(
            "inspected_at is in the future",
            code="inspected_in_future",
            errors=[field_error("inspected_at", "in the future")],
        )
    _check_findings(data)
    i = Inspection(
        id=new_id(),
        uscc=ent.uscc,
        cell_id=ent.cell_id,
        inspected_at=data.inspected_at,
        inspector=data.inspector.strip(),
        checklist=[c.model_dump(mode="json") for c in data.checklist],
        note=data.note,
        recorded_by=user.sub,
        recorded_at=now,
    )
    uow.session.add(i)
    await uow.session.flush()  # the findings refer to it
    findings = []
    for position, f in enumerate(data.findings):
        basis = f.major_basis if f.level == "major" else None
        row = Finding(
            id=new_id(),
            inspection_id=i.id,
            position=position,
            description=f.description.strip(),
            level=f.level,
            major_standard=basis.standard.strip() if basis else None,
            major_clause=basis.clause.strip() if basis else None,
        )
        findings.append(row)
        uow.session.add(row)
    await uow.session.flush()
    for row in findings:
        uow.publish(outgoing.finding_recorded(row, i, path_ids(cell.path) if cell else []))
    # One statement keeps the latest visit whatever order concurrent recordings commit in.
    await uow.session.execute(
        update(Enterprise)
        .where(
            Enterprise.uscc == ent.uscc,
            or_(col(Enterprise.last_inspected_at).is_(None), Enterprise.last_inspected_at < data.inspected_at),
        )
        .values(last_inspected_at=data.inspected_at)
        .execution_options(synchronize_session=False)
    )
    await uow.commit()
    return _public(i, findings, ent.name)


def _public(i: Inspection, findings: list[Finding], name: str | None) -> InspectionPublic:
    return InspectionPublic(
        id=i.id,
        uscc=i.uscc,
        enterprise_name=name,
        cell_id=i.cell_id,
        inspected_at=i.inspected_at,
        inspector=i.inspector,
        checklist=[ChecklistItem.model_validate(c) for c in i.checklist],
        findings=[
            FindingPublic(
                id=f.id,
                description=f.description,
                level=f.level,
                major_basis=MajorBasisIn(standard=f.major_standard, clause=f.major_clause)
                if f.major_standard
                else None,
            )
            for f in findings
        ],
        note=i.note,
        recorded_by=i.recorded_by,
        recorded_at=i.recorded_at,
    )


async def get_inspection(*, uow: UnitOfWork, user: Principal, inspection_id: str) -> InspectionPublic:
    access.require_role(user, access.READERS, "read inspections")
    i = await uow.session.get(Inspection, inspection_id)
    ent = await uow.session.get(Enterprise, i.uscc) if i else None
    cell = await uow.session.get(Cell, i.cell_id) if i and i.cell_id else None
    if i is None or not access.can_see_enterprise(user, ent.division_code if ent else None, cell):
        raise NotFound(f"no inspection {inspection_id}", code="inspection_not_found")
    findings = (
        (await uow.session.execute(select(Finding).where(Finding.inspection_id == i.id).order_by(Finding.position)))
        .scalars()
        .all()
    )
    return _public(i, list(findings), ent.name if ent else None)


async def list_inspections(
    *,
    uow: UnitOfWork,
    user: Principal,
    page: PageParams,
    cell_id: str | None,
    uscc: str | None,
    first_day: date | None,
    last_day: date | None,
) -> Page[InspectionPublic]:
    """Visits in the caller's scope (or under ``cell_id``, or of one enterprise), newest first."""
    access.require_role(user, access.READERS, "read inspections")
    stmt = select(Inspection, Enterprise.name).join(Enterprise, Enterprise.uscc == Inspection.uscc)
    stmt = stmt.outerjoin(Cell, Cell.id == Inspection.cell_id)
    stmt = stmt.where(*(await access.enterprise_scope(uow, user)))
    if cell_id is not None:
        sub = await load_cell(uow, user, cell_id)
        stmt = stmt.where(access.subtree(Cell.path, sub.path))
    if uscc is not None:
        stmt = stmt.where(Inspection.uscc == normalize_uscc(uscc))
    if first_day is not None or last_day is not None:
        start, end = period_bounds(first_day, last_day, uow.ctx.settings.tz_offset_hours, uow.now())
        stmt = stmt.where(Inspection.inspected_at >= start, Inspection.inspected_at < end)
    rows, total = await paginate(uow.session, stmt.order_by(Inspection.inspected_at.desc(), Inspection.id.desc()), page)
    ids = [r[0].id for r in rows]
    by_inspection: dict[str, list[Finding]] = {}
    if ids:
        stmt = select(Finding).where(col(Finding.inspection_id).in_(ids)).order_by(Finding.position)
        for f in (await uow.session.execute(stmt)).scalars():
            by_inspection.setdefault(f.inspection_id, []).append(f)
    items = [_public(i, by_inspection.get(i.id, []), name) for i, name in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)
