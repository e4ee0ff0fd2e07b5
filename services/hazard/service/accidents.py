"""Accidents (生产安全事故): recording with the computed grade, and the three indicators year on year."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import col

from services.hazard.domain.accidents import ORDER_493, accident_grade, validate_accident
from services.hazard.domain.areas import division_covers, division_range, validate_division_code
from services.hazard.domain.indicators import ThreeIndicators, year_on_year
from services.hazard.domain.periods import year_bounds
from services.hazard.events import outgoing
from services.hazard.models import Accident, Enterprise
from services.hazard.schemas.accidents import (
    AccidentCreate,
    AccidentPublic,
    AccidentStats,
    IndicatorChange,
    IndicatorFigures,
)
from services.hazard.service import access
from services.hazard.service.enterprises import normalize_uscc, require_known
from services.hazard.service.money import from_fen, to_fen, yuan
from shared.api.pagination import Page, PageParams, paginate
from shared.db.uow import UnitOfWork
from shared.errors import Forbidden, NotFound
from shared.ids import new_id
from shared.security.principal import Principal

GRADING_RULE = f"{ORDER_493.code}@{ORDER_493.version}"


def _public(a: Accident, enterprise_name: str | None) -> AccidentPublic:
    return AccidentPublic(
        id=a.id,
        uscc=a.uscc,
        enterprise_name=enterprise_name,
        division_code=a.division_code,
        occurred_at=a.occurred_at,
        kind=a.kind,
        is_fire=a.is_fire,
        deaths=a.deaths,
        serious_injuries=a.serious_injuries,
        direct_loss=yuan(a.direct_loss_fen),
        grade=a.grade,
        grading_rule=a.grading_rule,
        description=a.description,
        recorded_at=a.recorded_at,
        recorded_by=a.recorded_by,
    )


async def record_accident(*, uow: UnitOfWork, user: Principal, data: AccidentCreate) -> AccidentPublic:
    """Record an accident, grade it under State Council Order 493 and announce it."""
    access.require_role(user, access.STAFF, "record accidents")
    ent = await require_known(uow, data.uscc)
    access.require_enterprise_in_scope(user, ent.uscc, ent.division_code, None)
    now = uow.now()
    validate_accident(
        kind=data.kind,
        is_fire=data.is_fire,
        deaths=data.deaths,
        serious_injuries=data.serious_injuries,
        direct_loss=data.direct_loss,
        occurred_at=data.occurred_at,
        now=now,
    )
    a = Accident(
        id=new_id(),
        uscc=ent.uscc,
        division_code=ent.division_code,
        occurred_at=data.occurred_at,
        kind=data.kind.value,
        is_fire=data.is_fire,
        deaths=data.deaths,
        serious_injuries=data.serious_injuries,
        direct_loss_fen=to_fen(data.direct_loss, "direct_loss"),
        grade=accident_grade(data.deaths, data.serious_injuries, data.direct_loss).value,
        grading_rule=GRADING_RULE,
        description=data.description,
        recorded_at=now,
        recorded_by=user.sub,
    )
    uow.session.add(a)
    uow.publish(outgoing.accident_recorded(a))
    await uow.commit()
    return _public(a, ent.name)


async def get_accident(*, uow: UnitOfWork, user: Principal, accident_id: str) -> AccidentPublic:
    """One accident in the caller's scope (404 otherwise)."""
    stmt = (
        select(Accident, Enterprise.name)
        .outerjoin(Enterprise, Enterprise.uscc == Accident.uscc)
        .where(Accident.id == accident_id, *access.hazard_scope(user, Accident))
    )
    row = (await uow.session.execute(stmt)).first()
    if row is None:
        raise NotFound(f"no accident {accident_id}", code="accident_not_found")
    return _public(*row)


async def list_accidents(
    *,
    uow: UnitOfWork,
    user: Principal,
    year: int | None,
    uscc: str | None,
    page: PageParams,
    division_code: str | None = None,
) -> Page:
    """Accidents in the caller's scope, newest first; filtered by area, local year and enterprise."""
    conds = list(access.hazard_scope(user, Accident))
    if division_code is not None:
        low, high = division_range(_area(user, division_code))
        conds += [Accident.division_code >= low, Accident.division_code < high]
    if year is not None:
        start, end = year_bounds(year, uow.ctx.settings.tz_offset_hours)
        conds += [Accident.occurred_at >= start, Accident.occurred_at < end]
    if uscc:
        conds.append(Accident.uscc == normalize_uscc(uscc))
    stmt = (
        select(Accident, Enterprise.name)
        .outerjoin(Enterprise, Enterprise.uscc == Accident.uscc)
        .where(*conds)
        .order_by(col(Accident.occurred_at).desc(), col(Accident.id).desc())
    )
    rows, total = await paginate(uow.session, stmt, page)
    return Page[AccidentPublic](
        items=[_public(a, name) for a, name in rows], total=total, limit=page.limit, offset=page.offset
    )


def _area(user: Principal, division_code: str) -> str:
    """An area to filter by: six digits (422 ``invalid_division_code``), for an officer inside their own
    division (403 ``out_of_scope``); for other roles it only narrows what their scope shows."""
    validate_division_code(division_code)
    if user.role == "officer" and not (user.division_code and division_covers(user.division_code, division_code)):
        raise Forbidden(
            f"division {division_code} lies outside your division {user.division_code}", code="out_of_scope"
        )
    return division_code


async def _indicators(uow: UnitOfWork, year: int, division_code: str | None, include_fires: bool) -> ThreeIndicators:
    start, end = year_bounds(year, uow.ctx.settings.tz_offset_hours)
    conds = [Accident.occurred_at >= start, Accident.occurred_at < end]
    if division_code:
        low, high = division_range(division_code)
        conds += [Accident.division_code >= low, Accident.division_code < high]
    if not include_fires:
        conds.append(col(Accident.is_fire).is_(False))
    stmt = select(
        func.count(),
        func.coalesce(func.sum(Accident.deaths), 0),
        func.coalesce(func.sum(Accident.direct_loss_fen), 0),
    ).where(*conds)
    count, deaths, loss_fen = (await uow.session.execute(stmt)).one()
    return ThreeIndicators(int(count), int(deaths), from_fen(int(loss_fen)))


async def accident_stats(
    *, uow: UnitOfWork, user: Principal, year: int, division_code: str | None, include_fires: bool
) -> AccidentStats:
    """The three indicators (三项指标) of a year and their change on the year before."""
    scope = access.area_scope(user, division_code)
    current = await _indicators(uow, year, scope, include_fires)
    previous = await _indicators(uow, year - 1, scope, include_fires)
    change = year_on_year(current, previous)
    return AccidentStats(
        year=year,
        division_code=scope,
        include_fires=include_fires,
        accidents=current.accidents,
        deaths=current.deaths,
        direct_loss=str(current.direct_loss),
        previous=IndicatorFigures(
            year=year - 1,
            accidents=previous.accidents,
            deaths=previous.deaths,
            direct_loss=str(previous.direct_loss),
        ),
        change_percent=IndicatorChange(**{k: None if v is None else str(v) for k, v in change.items()}),
    )
