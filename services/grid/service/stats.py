"""``/grid/v1/stats``: the grid's work per cell, each cell's figures summed over its subtree.

Each figure is counted once per cell in SQL (grouped by the cell it belongs to: an enterprise by
where it is placed, an inspection by where its enterprise was at the visit, a report by where it
was filed), then added up the tree, so a township's figures are the sum of its villages' and its
own, the same way at every level.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import distinct, func, select

from services.grid.domain.periods import period_bounds, resolve_period
from services.grid.domain.reports import ReportStatus
from services.grid.models import Cell, Enterprise, Finding, Inspection, Report
from services.grid.schemas.grid import CellStats, GridStats
from services.grid.service import access
from services.grid.service.cells import load as load_cell
from shared.db.uow import UnitOfWork
from shared.security.principal import Principal

FIGURES = (
    "enterprises",
    "enterprises_inspected",
    "inspections",
    "findings",
    "reports",
    "reports_open",
    "reports_escalated",
)


async def grid_stats(
    *,
    uow: UnitOfWork,
    user: Principal,
    cell_id: str | None,
    first_day: date | None,
    last_day: date | None,
    depth: int,
) -> GridStats:
    access.require_role(user, access.READERS, "read grid statistics")
    tz = uow.ctx.settings.tz_offset_hours
    first, last = resolve_period(first_day, last_day, tz, uow.now())
    start, end = period_bounds(first, last, tz, uow.now())
    top = await load_cell(uow, user, cell_id) if cell_id else None
    in_scope = [access.subtree(Cell.path, top.path)] if top else await access.cell_scope(uow, user)
    cells = (await uow.session.execute(select(Cell).where(*in_scope))).scalars().all()
    ids = {c.id for c in cells}

    # Each count reads its own table through its (cell_id, time) index for the cells in scope: a
    # township's figures cost the same however big the rest of the grid is.
    scope_ids = select(Cell.id).where(*in_scope).scalar_subquery()

    def within(column) -> list:
        return [column.in_(scope_ids)] if in_scope else []

    direct: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))

    async def count(name: str, stmt) -> None:
        for cid, n in (await uow.session.execute(stmt)).all():
            if cid in ids:
                direct[cid][name] = n

    await count(
        "enterprises",
        select(Enterprise.cell_id, func.count()).where(*within(Enterprise.cell_id)).group_by(Enterprise.cell_id),
    )
    visits = select(Inspection.cell_id).where(
        *within(Inspection.cell_id), Inspection.inspected_at >= start, Inspection.inspected_at < end
    )
    await count("inspections", visits.add_columns(func.count()).group_by(Inspection.cell_id))
    await count(
        "enterprises_inspected", visits.add_columns(func.count(distinct(Inspection.uscc))).group_by(Inspection.cell_id)
    )
    await count(
        "findings",
        visits.add_columns(func.count(Finding.id))
        .join(Finding, Finding.inspection_id == Inspection.id)
        .group_by(Inspection.cell_id),
    )
    filed = select(Report.cell_id).where(*within(Report.cell_id))
    await count(
        "reports",
        filed.where(Report.filed_at >= start, Report.filed_at < end).add_columns(func.count()).group_by(Report.cell_id),
    )
    await count(
        "reports_open",
        filed.where(Report.status != ReportStatus.RESOLVED.value).add_columns(func.count()).group_by(Report.cell_id),
    )
    await count(
        "reports_escalated",
        filed.where(Report.filed_at >= start, Report.filed_at < end, Report.escalations > 0)
        .add_columns(func.count())
        .group_by(Report.cell_id),
    )

    # Add each cell's figures to every ancestor inside the scope: the subtree sums.
    summed: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    total = dict.fromkeys(FIGURES, 0)
    by_id = {c.id: c for c in cells}
    for cid, figures in direct.items():
        for ancestor in [p for p in by_id[cid].path.split("/") if p in by_id]:
            for k, v in figures.items():
                summed[ancestor][k] += v
        for k, v in figures.items():
            total[k] += v

    # Below the cell asked for: its next ``depth`` levels; with no cell: the top ``depth`` levels in scope.
    low = top.level + 1 if top else min((c.level for c in cells), default=1)
    shown = [c for c in sorted(cells, key=lambda c: (c.level, c.code)) if low <= c.level < low + depth]
    rows = [CellStats(cell_id=c.id, code=c.code, name=c.name, level=c.level, **summed[c.id]) for c in shown]
    head = CellStats(
        cell_id=top.id if top else None,
        code=top.code if top else None,
        name=top.name if top else "全部网格",
        level=top.level if top else 0,
        **total,
    )
    return GridStats(first_day=first, last_day=last, total=head, cells=rows)
