"""The grid's copy of each enterprise (from the registry's events) and where it sits in the grid.

Location fields keep the newest event's values (an older event only fills what is empty), the
credit class the newest class change, the blacklist the set of active entries - so duplicates
and reordered events leave the same state. An enterprise is placed automatically when its
township and village match a cell; a manual placement (``PUT .../cell``) is never overridden.
Every placement is announced (``grid.enterprise.placed.v1``) so that other services can scope
by cell.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import col

from services.grid.domain.tree import path_ids
from services.grid.events import outgoing
from services.grid.models import Cell, Enterprise, Member
from services.grid.schemas.grid import EnterprisePublic, ResponsiblePerson
from services.grid.service import access
from services.grid.service.views import member_public
from shared.areas import division_covers
from shared.contracts.registry import (
    BlacklistEntryAddedV1,
    BlacklistEntryRemovedV1,
    CreditClassChangedV1,
    EnterpriseRegisteredV1,
    EnterpriseUpdatedV1,
)
from shared.db.uow import UnitOfWork
from shared.errors import Invalid, NotFound, field_error
from shared.logging import get_logger
from shared.security.principal import Principal
from shared.uscc import normalize_uscc

log = get_logger("anjian.grid.enterprises")

KEPT_FIELDS = ("name", "division_code", "township", "village", "category")


async def require_known(uow: UnitOfWork, uscc: str, field: str = "uscc") -> Enterprise:
    """The enterprise, or 422 ``unknown_enterprise`` when the registry has not announced it."""
    ent = await uow.session.get(Enterprise, normalize_uscc(uscc))
    if ent is None or not ent.known:
        raise Invalid(
            f"no enterprise {uscc} is known to the grid service (register it in the registry first)",
            code="unknown_enterprise",
            errors=[field_error(field, "unknown enterprise")],
        )
    return ent


async def _row(uow: UnitOfWork, uscc: str, at: datetime) -> Enterprise:
    ent = await uow.session.get(Enterprise, normalize_uscc(uscc), with_for_update=True)
    if ent is None:
        ent = Enterprise(uscc=normalize_uscc(uscc), as_of=at, updated_at=uow.now(), blacklist_entries={})
        uow.session.add(ent)
    return ent


async def apply_location(uow: UnitOfWork, uscc: str, values: dict, at: datetime) -> Enterprise:
    """Apply registration or update values; place the enterprise if it is not placed by hand."""
    ent = await _row(uow, uscc, at)
    newer = at >= ent.as_of
    for name, value in values.items():
        if newer or getattr(ent, name) is None:
            setattr(ent, name, value)
    if newer:
        ent.as_of = at
    ent.updated_at = uow.now()
    if ent.placement != "manual" and ent.known:
        cell = await matching_cell(uow, ent)
        if cell is not None and cell.id != ent.cell_id:
            ent.cell_id, ent.placement = cell.id, "auto"
            announce(uow, ent, cell)
            log.info("enterprise placed", uscc=ent.uscc, cell=cell.id)
    uow.session.add(ent)
    await uow.session.flush()
    return ent


async def apply_registered(*, uow: UnitOfWork, data: EnterpriseRegisteredV1, at: datetime) -> Enterprise:
    return await apply_location(uow, data.uscc, {f: getattr(data, f) for f in KEPT_FIELDS}, at)


async def apply_updated(*, uow: UnitOfWork, data: EnterpriseUpdatedV1, at: datetime) -> Enterprise:
    return await apply_location(uow, data.uscc, {f: data.changed[f] for f in KEPT_FIELDS if f in data.changed}, at)


async def apply_class_changed(*, uow: UnitOfWork, data: CreditClassChangedV1, at: datetime) -> None:
    """Keep the newest class (null while listed: the blacklist set decides then)."""
    ent = await _row(uow, data.uscc, at)
    stamp = data.effective_at
    if ent.class_as_of is None or stamp >= ent.class_as_of:
        if data.new_class is not None:
            ent.credit_class = data.new_class
        ent.class_as_of = stamp
    ent.updated_at = uow.now()
    uow.session.add(ent)


async def apply_blacklist(
    *, uow: UnitOfWork, data: BlacklistEntryAddedV1 | BlacklistEntryRemovedV1, at: datetime, event_id: str
) -> None:
    """Keep each entry as a last-writer-wins register stamped (decision or removal time, event id).

    A removal that arrives before its addition keeps its later stamp, so the late addition loses;
    a listing restored after a revoked repair comes with a later decision time, so it wins. The
    enterprise is listed while any entry is active.
    """
    ent = await _row(uow, data.uscc, at)
    entries = dict(ent.blacklist_entries or {})
    if isinstance(data, BlacklistEntryAddedV1):
        stamp, active = data.decided_at, True
    else:
        stamp, active = data.removed_at, False
    new = {"active": active, "at": stamp.astimezone(UTC).isoformat(), "event": event_id}
    current = entries.get(data.entry_id)
    if current is None or (new["at"], new["event"]) > (current["at"], current["event"]):
        entries[data.entry_id] = new
    ent.blacklist_entries = entries
    ent.blacklisted = any(e["active"] for e in entries.values())
    ent.updated_at = uow.now()
    uow.session.add(ent)


async def matching_cell(uow: UnitOfWork, ent: Enterprise) -> Cell | None:
    """The deepest cell whose names match the enterprise's township (and village), in its division."""
    if not ent.township:
        return None
    township = aliased(Cell)
    candidates = (
        (
            await uow.session.execute(
                select(township)
                .where(township.parent_id.is_(None), township.name == ent.township)
                .order_by(township.created_at, township.id)
            )
        )
        .scalars()
        .all()
    )
    towns = [c for c in candidates if c.scope_code is None or _same_area(c.scope_code, ent.division_code)]
    if not towns:
        return None
    if ent.village:
        village = (
            (
                await uow.session.execute(
                    select(Cell)
                    .where(col(Cell.parent_id).in_([t.id for t in towns]), Cell.name == ent.village)
                    .order_by(Cell.created_at)
                    .limit(1)
                )
            )
            .scalars()
            .first()
        )
        if village is not None:
            return village
    return towns[0]


def _same_area(scope_code: str, division_code: str | None) -> bool:
    return division_code is not None and (
        division_covers(scope_code, division_code) or division_covers(division_code, scope_code)
    )


async def place_matching(uow: UnitOfWork, cell: Cell) -> int:
    """Place the enterprises a new cell matches (a township's unplaced ones, a village's from its township)."""
    if cell.level == 1:
        stmt = select(Enterprise).where(Enterprise.township == cell.name, col(Enterprise.cell_id).is_(None))
    elif cell.level == 2 and cell.parent_id:
        parent = await uow.session.get(Cell, cell.parent_id)
        if parent is None or parent.level != 1:
            return 0
        stmt = select(Enterprise).where(
            Enterprise.township == parent.name,
            Enterprise.village == cell.name,
            or_(
                col(Enterprise.cell_id).is_(None), and_(Enterprise.cell_id == parent.id, Enterprise.placement == "auto")
            ),
        )
    else:
        return 0
    moved = 0
    for ent in (await uow.session.execute(stmt)).scalars().all():
        if ent.placement == "manual" or not ent.known:
            continue
        if cell.scope_code is not None and not _same_area(cell.scope_code, ent.division_code):
            continue
        ent.cell_id, ent.placement = cell.id, "auto"
        uow.session.add(ent)
        announce(uow, ent, cell)
        moved += 1
    return moved


def announce(uow: UnitOfWork, ent: Enterprise, cell: Cell | None) -> None:
    """Publish where the enterprise sits now (with the transaction that placed it)."""
    uow.publish(outgoing.enterprise_placed(ent, cell, uow.now()))


async def announce_all(ctx, batch: int = 500) -> int:
    """Announce every placed enterprise again (``anjian events announce-placements``).

    For a consumer that starts late or rebuilds its copy: consumers keep the newest placement,
    so announcing again is harmless. Returns how many were announced.
    """
    after, count = "", 0
    while True:
        async with ctx.uow() as uow:
            rows = (
                await uow.session.execute(
                    select(Enterprise, Cell)
                    .join(Cell, Cell.id == Enterprise.cell_id)
                    .where(Enterprise.uscc > after)
                    .order_by(Enterprise.uscc)
                    .limit(batch)
                )
            ).all()
            if not rows:
                return count
            for ent, cell in rows:
                announce(uow, ent, cell)
            await uow.commit()
        count += len(rows)
        after = rows[-1][0].uscc


async def load_visible(uow: UnitOfWork, user: Principal, uscc: str) -> tuple[Enterprise, Cell | None]:
    """The enterprise and its cell, or 404 when unknown or outside the caller's scope."""
    access.require_role(user, access.READERS, "read the grid")
    ent = await uow.session.get(Enterprise, normalize_uscc(uscc))
    cell = await uow.session.get(Cell, ent.cell_id) if ent is not None and ent.cell_id else None
    if ent is None or not ent.known or not access.can_see_enterprise(user, ent.division_code, cell):
        raise NotFound(f"no enterprise {uscc} in your part of the grid", code="enterprise_not_found")
    return ent, cell


async def place(*, uow: UnitOfWork, user: Principal, uscc: str, cell_id: str) -> EnterprisePublic:
    """Put an enterprise in a cell by hand; later events no longer move it."""
    access.require_role(user, access.BUILDERS, "place enterprises")
    ent = await uow.session.get(Enterprise, normalize_uscc(uscc), with_for_update=True)
    if ent is None or not ent.known or not access.can_see_enterprise(user, ent.division_code, None):
        raise NotFound(f"no enterprise {uscc} in your part of the grid", code="enterprise_not_found")
    cell = access.require_cell(user, await uow.session.get(Cell, cell_id), cell_id)
    if cell.scope_code is not None and not _same_area(cell.scope_code, ent.division_code):
        raise Invalid(
            f"cell {cell.code} answers to division {cell.scope_code}; the enterprise is located in {ent.division_code}",
            code="cell_outside_division",
            errors=[field_error("cell_id", "outside the enterprise's division")],
        )
    ent.cell_id, ent.placement, ent.updated_at = cell.id, "manual", uow.now()
    uow.session.add(ent)
    announce(uow, ent, cell)
    await uow.commit()
    return await enterprise_public(uow, ent, cell)


async def get_enterprise(*, uow: UnitOfWork, user: Principal, uscc: str) -> EnterprisePublic:
    ent, cell = await load_visible(uow, user, uscc)
    return await enterprise_public(uow, ent, cell)


async def enterprise_public(uow: UnitOfWork, ent: Enterprise, cell: Cell | None) -> EnterprisePublic:
    responsible: list[ResponsiblePerson] = []
    if cell is not None:
        ids = list(reversed(path_ids(cell.path)))  # nearest first
        cells = {c.id: c for c in (await uow.session.execute(select(Cell).where(col(Cell.id).in_(ids)))).scalars()}
        members = (
            (await uow.session.execute(select(Member).where(col(Member.cell_id).in_(ids)).order_by(Member.created_at)))
            .scalars()
            .all()
        )
        for cid in ids:
            for m in members:
                if m.cell_id == cid:
                    c = cells[cid]
                    responsible.append(
                        ResponsiblePerson(**member_public(m).model_dump(), cell_name=c.name, cell_level=c.level)
                    )
    return EnterprisePublic(
        uscc=ent.uscc,
        name=ent.name,
        division_code=ent.division_code,
        township=ent.township,
        village=ent.village,
        credit_class=None if ent.blacklisted else ent.credit_class,
        blacklisted=ent.blacklisted,
        cell_id=ent.cell_id,
        cell_name=cell.name if cell else None,
        placement=ent.placement,
        last_inspected_at=ent.last_inspected_at,
        responsible=responsible,
    )
