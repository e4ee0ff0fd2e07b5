"""The inspection plan: which enterprises of a cell are due for a visit in a period.

An enterprise is due by the period's last day when it was never inspected, or when its last
inspection lies at least its class's interval before that day (``due_cutoff``). The interval comes
from the frequency rule (A six months, B and C three, D two, listed one, unrated three by default).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import case, or_, select
from sqlmodel import col

from services.grid.domain.frequency import due_cutoff, next_due
from services.grid.domain.periods import local_today, resolve_period, start_of_day
from services.grid.models import Cell, Enterprise
from services.grid.schemas.grid import InspectionPlan, PlanItem
from services.grid.service import access
from services.grid.service.cells import load as load_cell
from shared.api.pagination import PageParams, paginate
from shared.db.uow import UnitOfWork
from shared.security.principal import Principal


async def inspection_plan(
    *,
    uow: UnitOfWork,
    user: Principal,
    page: PageParams,
    cell_id: str | None,
    first_day: date | None,
    last_day: date | None,
    due_only: bool,
) -> InspectionPlan:
    access.require_role(user, access.READERS, "read the inspection plan")
    settings = uow.ctx.settings
    tz = settings.tz_offset_hours
    first, last = resolve_period(first_day, last_day, tz, uow.now())
    rule = settings.frequency()
    # Due by the last day when last inspected on or before the cutoff day: before the next day starts.
    cutoffs = {k: start_of_day(due_cutoff(last, m) + timedelta(days=1), tz) for k, m in rule.intervals().items()}
    cutoff = case(
        (Enterprise.blacklisted.is_(True), cutoffs["listed"]),
        (Enterprise.credit_class == "A", cutoffs["A"]),
        (Enterprise.credit_class == "B", cutoffs["B"]),
        (Enterprise.credit_class == "C", cutoffs["C"]),
        (Enterprise.credit_class == "D", cutoffs["D"]),
        else_=cutoffs["unrated"],
    )
    stmt = (
        select(Enterprise, Cell.name)
        .outerjoin(Cell, Cell.id == Enterprise.cell_id)
        .where(col(Enterprise.name).is_not(None), col(Enterprise.division_code).is_not(None))
    )
    if cell_id is not None:
        cell = await load_cell(uow, user, cell_id)
        stmt = stmt.where(access.subtree(Cell.path, cell.path))
    else:
        stmt = stmt.where(*(await access.enterprise_scope(uow, user)))
    if due_only:
        stmt = stmt.where(or_(col(Enterprise.last_inspected_at).is_(None), Enterprise.last_inspected_at < cutoff))
    order = (col(Enterprise.last_inspected_at).is_not(None), Enterprise.last_inspected_at, Enterprise.uscc)
    rows, total = await paginate(uow.session, stmt.order_by(*order), page)
    today = local_today(uow.now(), tz)
    items = []
    for ent, cell_name in rows:
        months = rule.months(ent.credit_class, ent.blacklisted)
        last_on = local_today(ent.last_inspected_at, tz) if ent.last_inspected_at else None
        due = next_due(last_on, months, first)
        items.append(
            PlanItem(
                uscc=ent.uscc,
                name=ent.name,
                cell_id=ent.cell_id,
                cell_name=cell_name,
                credit_class=None if ent.blacklisted else ent.credit_class,
                blacklisted=ent.blacklisted,
                interval_months=months,
                last_inspected_on=last_on,
                next_due=due,
                overdue=due < today,
            )
        )
    return InspectionPlan(
        cell_id=cell_id,
        first_day=first,
        last_day=last,
        rule=f"{rule.code} v{rule.version}",
        intervals=rule.intervals(),
        items=items,
        total=total,
        limit=page.limit,
        offset=page.offset,
    )
