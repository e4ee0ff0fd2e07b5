"""Hazards: registration (by people and from grid findings), reading one with its history, lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from services.hazard.domain.areas import division_range
from services.hazard.domain.hazards import HazardLevel, HazardSource, HazardStatus, MajorBasis, validate_new_hazard
from services.hazard.domain.periods import period_bounds
from services.hazard.domain.state_machine import initial_state
from services.hazard.events import outgoing
from services.hazard.models import (
    Enterprise,
    Escalation,
    ExtensionRequest,
    Hazard,
    HazardCell,
    HazardTransition,
    RectificationNotice,
    RemediationPlanRecord,
)
from services.hazard.schemas.hazards import HazardCreate, HazardDetail, HazardPublic
from services.hazard.service import access, enterprises, views
from services.hazard.service.enterprises import normalize_uscc, require_known
from shared.api.pagination import Page, PageParams, paginate
from shared.db.uow import UnitOfWork
from shared.errors import Conflict, Invalid, field_error
from shared.ids import new_id
from shared.security.principal import Principal


@dataclass(frozen=True)
class NewHazard:
    """What registering a hazard needs, whoever reports it."""

    uscc: str
    source: HazardSource
    description: str
    level: HazardLevel
    major_basis: MajorBasis | None
    found_at: datetime
    found_by: str
    cell_id: str | None = None
    #: The cells from the grid's root down to ``cell_id`` (a grid finding names them).
    cell_path: tuple[str, ...] = ()
    work_suspended: bool = False
    finding_id: str | None = None
    report_id: str | None = None
    created_by: str | None = None
    created_by_role: str | None = None


async def create_hazard(uow: UnitOfWork, new: NewHazard) -> tuple[Hazard, Enterprise]:
    """Register a hazard in state ``reported`` and record the event; does not commit."""
    validate_new_hazard(new.level, new.major_basis)
    now = uow.now()
    ent = await require_known(uow, new.uscc)
    state = initial_state(new.level)
    h = Hazard(
        id=new_id(),
        uscc=ent.uscc,
        division_code=ent.division_code,
        cell_id=new.cell_id,
        source=new.source.value,
        description=new.description,
        level=new.level.value,
        major_standard=new.major_basis.standard.strip() if new.major_basis else None,
        major_clause=new.major_basis.clause.strip() if new.major_basis else None,
        found_at=new.found_at,
        found_by=new.found_by,
        created_by=new.created_by,
        status=state.status.value,
        work_suspended=new.work_suspended,
        finding_id=new.finding_id,
        report_id=new.report_id,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(h)
    cells = list(new.cell_path) or ([new.cell_id] if new.cell_id else [])
    if cells:
        h.cell_path = "/" + "/".join(cells) + "/"
        await uow.session.flush()  # the cell rows refer to it
        uow.session.add_all(HazardCell(hazard_id=h.id, cell_id=c) for c in dict.fromkeys(cells))
    uow.session.add(
        HazardTransition(
            hazard_id=h.id,
            action="register",
            from_status=None,
            to_status=h.status,
            at=now,
            by=new.created_by or new.found_by,
            by_role=new.created_by_role,
            reason=f"found by {new.found_by} ({new.source.value})",
        )
    )
    uow.publish(outgoing.hazard_registered(h))
    return h, ent


async def register(*, uow: UnitOfWork, user: Principal, data: HazardCreate) -> HazardPublic:
    """Register a hazard reported over the API and announce it."""
    access.require_role(user, access.RECORDERS, "record hazards")
    ent = await require_known(uow, data.uscc)
    placed = enterprises.path_cells(ent.cell_path)
    access.require_enterprise_in_scope(user, ent.uscc, ent.division_code, data.cell_id, placed)
    cell_id = data.cell_id
    if cell_id is None and user.role == "grid_worker" and placed:
        cell_id = placed[-1]  # found by the enterprise's grid: in the cell it sits in
    # A cell on the enterprise's path brings the cells above it, so every level of the grid sees it.
    cell_path = tuple(placed[: placed.index(cell_id) + 1]) if cell_id in placed else ()
    if data.found_at > uow.now():
        raise Invalid(
            "found_at is in the future", code="found_in_future", errors=[field_error("found_at", "in the future")]
        )
    basis = MajorBasis(data.major_basis.standard, data.major_basis.clause) if data.major_basis else None
    if data.report_id is not None:
        await _require_report_unregistered(uow, user, data.report_id)
    h, ent = await create_hazard(
        uow,
        NewHazard(
            uscc=ent.uscc,
            source=data.source,
            description=data.description,
            level=data.level,
            major_basis=basis,
            found_at=data.found_at,
            found_by=data.found_by,
            cell_id=cell_id,
            cell_path=cell_path,
            work_suspended=data.work_suspended,
            report_id=data.report_id,
            created_by=user.sub,
            created_by_role=user.role,
        ),
    )
    try:
        await uow.commit()
    except IntegrityError:
        # Two people registering the same report at once: the unique report_id lets one through.
        await uow.rollback()
        if data.report_id is None:
            raise
        await _require_report_unregistered(uow, user, data.report_id)
        raise
    return views.hazard_public(h, ent.name, now=uow.now(), settings=uow.ctx.settings)


async def _require_report_unregistered(uow: UnitOfWork, user: Principal, report_id: str) -> None:
    """409 ``report_already_registered`` when a hazard was already registered from the grid report
    (with its ``hazard_id`` when the caller may see that hazard)."""
    h = (await uow.session.execute(select(Hazard).where(Hazard.report_id == report_id))).scalar_one_or_none()
    if h is None:
        return
    placed = await enterprises.placed_cells(uow, h.uscc) if user.role == "grid_worker" else ()
    extra = {"hazard_id": h.id} if access.can_see(user, h, placed) else {}
    raise Conflict(
        f"grid report {report_id} is already registered as a hazard",
        code="report_already_registered",
        errors=[field_error("report_id", "already registered")],
        **extra,
    )


async def load(uow: UnitOfWork, user: Principal, hazard_id: str, *, lock: bool = False) -> Hazard:
    """A hazard the caller may see (404 otherwise); ``lock`` holds its row until commit."""
    stmt = select(Hazard).where(Hazard.id == hazard_id)
    if lock:
        # PostgreSQL: moves of one hazard queue here. SQLite: the write lock is already held.
        stmt = stmt.with_for_update()
    h = (await uow.session.execute(stmt)).scalar_one_or_none()
    placed = await enterprises.placed_cells(uow, h.uscc) if h is not None and user.role == "grid_worker" else ()
    return access.require_visible(user, h, hazard_id, placed)


async def enterprise_name(uow: UnitOfWork, uscc: str) -> str | None:
    """The enterprise's name from the local copy (None if unknown)."""
    return (await uow.session.execute(select(Enterprise.name).where(Enterprise.uscc == uscc))).scalar_one_or_none()


async def public(uow: UnitOfWork, h: Hazard) -> HazardPublic:
    """The response model of one hazard."""
    return views.hazard_public(h, await enterprise_name(uow, h.uscc), now=uow.now(), settings=uow.ctx.settings)


async def get_hazard(*, uow: UnitOfWork, user: Principal, hazard_id: str) -> HazardDetail:
    """One hazard with its history, notices, extensions, plan and escalations."""
    h = await load(uow, user, hazard_id)

    async def rows(model, *order):
        stmt = select(model).where(model.hazard_id == h.id).order_by(*order)
        return (await uow.session.execute(stmt)).scalars().all()

    plan = (
        await uow.session.execute(select(RemediationPlanRecord).where(RemediationPlanRecord.hazard_id == h.id))
    ).scalar_one_or_none()
    base = await public(uow, h)
    return HazardDetail(
        **base.model_dump(),
        transitions=[views.transition_public(t) for t in await rows(HazardTransition, HazardTransition.id)],
        notices=[views.notice_public(n) for n in await rows(RectificationNotice, RectificationNotice.issued_at)],
        extensions=[views.extension_public(e) for e in await rows(ExtensionRequest, ExtensionRequest.requested_at)],
        plan=views.plan_public(plan) if plan else None,
        escalations=[views.escalation_public(e) for e in await rows(Escalation, Escalation.id)],
    )


@dataclass(frozen=True)
class HazardFilter:
    status: HazardStatus | None = None
    level: HazardLevel | None = None
    source: HazardSource | None = None
    division_code: str | None = None
    uscc: str | None = None
    cell_id: str | None = None
    overdue: bool | None = None
    listed: bool | None = None
    imported: bool | None = None
    import_job_id: str | None = None
    found_from: date | None = None
    found_to: date | None = None


async def list_hazards(*, uow: UnitOfWork, user: Principal, filters: HazardFilter, page: PageParams) -> Page:
    """Hazards in the caller's scope, newest found first."""
    f = filters
    conds = list(access.hazard_scope(user))
    if f.status:
        conds.append(Hazard.status == f.status.value)
    if f.level:
        conds.append(Hazard.level == f.level.value)
    if f.source:
        conds.append(Hazard.source == f.source.value)
    if f.division_code:
        low, high = division_range(f.division_code)
        conds += [Hazard.division_code >= low, Hazard.division_code < high]
    if f.uscc:
        conds.append(Hazard.uscc == normalize_uscc(f.uscc))
    if f.cell_id:
        conds.append(Hazard.cell_id == f.cell_id)
    if f.listed is not None:
        conds.append(Hazard.listed == f.listed)
    if f.imported is not None:
        conds.append(Hazard.imported == f.imported)
    if f.import_job_id is not None:
        conds.append(Hazard.import_job_id == f.import_job_id)
    if f.found_from or f.found_to:
        tz = uow.ctx.settings.tz_offset_hours
        start, end = period_bounds(f.found_from or date(1900, 1, 1), f.found_to or date(9999, 12, 30), tz)
        conds += [Hazard.found_at >= start, Hazard.found_at < end]
    if f.overdue is not None:
        now = uow.now()
        overdue = and_(
            col(Hazard.closed_at).is_(None),
            or_(
                col(Hazard.overdue_since).is_not(None),
                # Spelled out so no term is NULL: NOT over a NULL would drop rows from overdue=false.
                and_(
                    col(Hazard.status).in_(views.WATCHED),
                    col(Hazard.overdue_at).is_not(None),
                    Hazard.overdue_at <= now,
                ),
            ),
        )
        conds.append(overdue if f.overdue else ~overdue)
    stmt = (
        select(Hazard, Enterprise.name)
        .outerjoin(Enterprise, Enterprise.uscc == Hazard.uscc)
        .where(*conds)
        .order_by(col(Hazard.found_at).desc(), col(Hazard.id).desc())
    )
    rows, total = await paginate(uow.session, stmt, page)
    now, settings = uow.now(), uow.ctx.settings
    items = [views.hazard_public(h, name, now=now, settings=settings) for h, name in rows]
    return Page[HazardPublic](items=items, total=total, limit=page.limit, offset=page.offset)
