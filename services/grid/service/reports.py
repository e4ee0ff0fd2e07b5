"""Grid reports: filed in a cell, routed one level up, acknowledged, resolved, escalated when ignored."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlmodel import col

from services.grid.domain.reports import ReportKind, ReportStatus, move, route
from services.grid.domain.tree import path_ids
from services.grid.events import outgoing
from services.grid.models import Cell, Enterprise, Report, ReportMove
from services.grid.schemas.grid import ReportCreate, ReportDetail, ReportMovePublic, ReportPublic
from services.grid.service import access
from services.grid.service.cells import load as load_cell
from services.grid.service.enterprises import normalize_uscc, require_known
from services.grid.service.views import report_fields, report_public
from shared.api.etag import check_version
from shared.api.pagination import Page, PageParams, paginate
from shared.areas import division_covers
from shared.db.uow import UnitOfWork
from shared.errors import Forbidden, NotFound
from shared.ids import new_id
from shared.logging import get_logger
from shared.security.principal import Principal
from shared.service import ServiceContext

log = get_logger("anjian.grid.reports")


async def file_report(*, uow: UnitOfWork, user: Principal, data: ReportCreate) -> ReportPublic:
    """File a report in a cell of the caller's; it goes to the level above and is announced."""
    access.require_role(user, access.READERS, "file grid reports")
    cell = await load_cell(uow, user, data.cell_id)
    uscc = enterprise_name = None
    if data.uscc is not None:
        ent = await require_known(uow, data.uscc)
        placed = await uow.session.get(Cell, ent.cell_id) if ent.cell_id else None
        # A report may name an enterprise of the caller's part of the grid, or one not placed yet
        # in the cell's division (reporting it is how an unplaced enterprise comes to light).
        if not (access.can_see_enterprise(user, ent.division_code, placed) or _unplaced_here(ent, cell, placed)):
            raise Forbidden(f"{ent.uscc} is not in your part of the grid", code="out_of_scope")
        uscc, enterprise_name = ent.uscc, ent.name
    now = uow.now()
    routed_to = route(path_ids(cell.path))
    r = Report(
        id=new_id(),
        cell_id=cell.id,
        uscc=uscc,
        kind=ReportKind(data.kind).value,
        description=data.description.strip(),
        status=ReportStatus.FILED.value,
        routed_to=routed_to,
        routed_at=now,
        filed_at=now,
        filed_by=user.sub,
    )
    uow.session.add(r)
    await uow.session.flush()  # the move refers to it
    uow.session.add(ReportMove(report_id=r.id, action="file", at=now, by=user.sub, routed_to=routed_to))
    uow.publish(outgoing.report_filed(r))
    await uow.commit()
    return report_public(
        r, cell_name=cell.name, routed_name=await _cell_name(uow, routed_to), enterprise_name=enterprise_name
    )


def _unplaced_here(ent, cell: Cell, placed: Cell | None) -> bool:
    return placed is None and cell.scope_code is not None and division_covers(cell.scope_code, ent.division_code)


async def _cell_name(uow: UnitOfWork, cell_id: str | None) -> str | None:
    return None if cell_id is None else await uow.session.scalar(select(Cell.name).where(Cell.id == cell_id))


async def _enterprise_name(uow: UnitOfWork, uscc: str | None) -> str | None:
    """The name in the grid's copy of the enterprise (None when none is named or it is unknown)."""
    return None if uscc is None else await uow.session.scalar(select(Enterprise.name).where(Enterprise.uscc == uscc))


def _can_see(user: Principal, filed_in: Cell, routed: Cell | None) -> bool:
    """A report is visible in the cell it was filed in (and above); to grid workers also where it waits."""
    waits_with_worker = user.role == "grid_worker" and routed is not None and access.can_see_cell(user, routed)
    return access.can_see_cell(user, filed_in) or waits_with_worker


def _may_handle(user: Principal, routed: Cell | None, filed_in: Cell) -> bool:
    """Who acts on a report: the grid workers of the cell it waits at (or above), or the filing cell's officers."""
    if user.role == "grid_worker":
        return routed is not None and access.can_see_cell(user, routed)
    return access.can_see_cell(user, filed_in)


async def _load(
    uow: UnitOfWork, user: Principal, report_id: str, *, lock: bool = False
) -> tuple[Report, Cell, Cell | None]:
    """The report, the cell it was filed in and the cell it waits at; 404 outside the caller's scope."""
    access.require_role(user, access.READERS, "read grid reports")
    stmt = select(Report).where(Report.id == report_id)
    if lock:
        stmt = stmt.with_for_update()
    r = (await uow.session.execute(stmt)).scalar_one_or_none()
    filed_in = await uow.session.get(Cell, r.cell_id) if r is not None else None
    routed = await uow.session.get(Cell, r.routed_to) if r is not None and r.routed_to else None
    if r is None or filed_in is None or not _can_see(user, filed_in, routed):
        raise NotFound(f"no grid report {report_id}", code="report_not_found")
    return r, filed_in, routed


async def act(
    *,
    uow: UnitOfWork,
    user: Principal,
    report_id: str,
    action: str,
    note: str | None,
    expected_version: int | None = None,
) -> ReportPublic:
    """Acknowledge or resolve a report (``note`` is the resolution when resolving); 412 when the
    caller's ``expected_version`` (If-Match) is stale."""
    r, filed_in, routed = await _load(uow, user, report_id, lock=True)
    # Checked on the locked row (SQLite: the write transaction's lock), so of two callers holding
    # the same ETag only the first moves the report.
    check_version(r.version, expected_version)
    status = move(ReportStatus(r.status), action)
    if not _may_handle(user, routed, filed_in):
        where = routed.name if routed else "the bureau"
        raise Forbidden(
            f"this report waits at {where}; only its people or the bureau may {action} it", code="not_yours"
        )
    now = uow.now()
    r.status = status.value
    if status is ReportStatus.ACKNOWLEDGED:
        r.acknowledged_at, r.acknowledged_by = now, user.sub
    else:
        r.resolved_at, r.resolved_by, r.resolution = now, user.sub, note
    r.version += 1
    uow.session.add(r)
    uow.session.add(ReportMove(report_id=r.id, action=action, at=now, by=user.sub, routed_to=r.routed_to, note=note))
    enterprise_name = await _enterprise_name(uow, r.uscc)
    await uow.commit()
    return report_public(
        r, cell_name=filed_in.name, routed_name=routed.name if routed else None, enterprise_name=enterprise_name
    )


async def get_report(*, uow: UnitOfWork, user: Principal, report_id: str) -> ReportDetail:
    """One report with its history; its ``version`` is the ETag for the moves."""
    r, filed_in, routed = await _load(uow, user, report_id)
    moves = (
        (await uow.session.execute(select(ReportMove).where(ReportMove.report_id == r.id).order_by(ReportMove.id)))
        .scalars()
        .all()
    )
    history = [ReportMovePublic(action=m.action, at=m.at, by=m.by, routed_to=m.routed_to, note=m.note) for m in moves]
    names = dict(
        cell_name=filed_in.name,
        routed_name=routed.name if routed else None,
        enterprise_name=await _enterprise_name(uow, r.uscc),
    )
    return ReportDetail(**report_fields(r, **names), history=history)


async def list_reports(
    *,
    uow: UnitOfWork,
    user: Principal,
    page: PageParams,
    cell_id: str | None,
    status: ReportStatus | None,
    kind: ReportKind | None,
    uscc: str | None,
    waiting_for_me: bool,
) -> Page[ReportPublic]:
    """Reports filed in the caller's cells (or under ``cell_id``), newest first; or those waiting for them."""
    access.require_role(user, access.READERS, "read grid reports")
    routed = Cell.__table__.alias("routed")
    # The names every item carries come with the page: the filing cell, where it waits, the enterprise.
    stmt = (
        select(
            Report,
            col(Cell.name).label("cell_name"),
            routed.c.name.label("routed_name"),
            col(Enterprise.name).label("enterprise_name"),
        )
        .join(Cell, Cell.id == Report.cell_id)
        .outerjoin(routed, routed.c.id == Report.routed_to)
        .outerjoin(Enterprise, Enterprise.uscc == Report.uscc)
    )
    if waiting_for_me:
        stmt = stmt.where(col(Report.status) != ReportStatus.RESOLVED.value)
        if user.role == "grid_worker":
            stmt = stmt.where(*(await access.cell_scope(uow, user, routed)))
        else:
            stmt = stmt.where(*(await access.cell_scope(uow, user)))
    else:
        stmt = stmt.where(*(await access.cell_scope(uow, user)))
    if cell_id is not None:
        sub = await load_cell(uow, user, cell_id)
        stmt = stmt.where(access.subtree(Cell.path, sub.path))
    if status is not None:
        stmt = stmt.where(Report.status == status.value)
    if kind is not None:
        stmt = stmt.where(Report.kind == kind.value)
    if uscc is not None:
        stmt = stmt.where(Report.uscc == normalize_uscc(uscc))
    rows, total = await paginate(uow.session, stmt.order_by(Report.filed_at.desc(), Report.id.desc()), page)
    items = [
        report_public(r, cell_name=cell_name, routed_name=routed_name, enterprise_name=enterprise_name)
        for r, cell_name, routed_name, enterprise_name in rows
    ]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


async def escalate_reports(ctx: ServiceContext) -> int:
    """Move every report nobody acknowledged in time one level up (idempotent; safe on every replica)."""
    after = timedelta(hours=ctx.settings.report_escalation_hours)
    moved = 0
    last_id = ""
    while True:
        async with ctx.uow() as uow:
            now = uow.now()
            stmt = (
                select(Report)
                .where(
                    Report.status == ReportStatus.FILED.value,
                    col(Report.routed_to).is_not(None),
                    Report.routed_at <= now - after,
                    Report.id > last_id,
                )
                .order_by(Report.id)
                .limit(ctx.settings.report_job_batch_size)
            )
            if not ctx.db.sqlite:
                stmt = stmt.with_for_update(skip_locked=True)
            batch = (await uow.session.execute(stmt)).scalars().all()
            if not batch:
                break
            for r in batch:
                at = await uow.session.get(Cell, r.routed_to)
                up = at.parent_id if at is not None else None
                r.routed_to, r.routed_at, r.escalations = up, now, r.escalations + 1
                r.version += 1
                uow.session.add(r)
                uow.session.add(
                    ReportMove(
                        report_id=r.id,
                        action="escalate",
                        at=now,
                        by="system",
                        routed_to=up,
                        note=f"not acknowledged within {ctx.settings.report_escalation_hours:g} h",
                    )
                )
                moved += 1
            last_id = batch[-1].id
            await uow.commit()
    if moved:
        log.info("reports escalated", count=moved)
    return moved
