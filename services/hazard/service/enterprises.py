"""The local copy of each enterprise, kept from the registry's events.

Registration and update events of one enterprise share a key, so they normally arrive in order;
a replay or a dead-lettered and redriven message can still bring an older event after a newer one.
``as_of`` keeps the time of the newest event applied: an older event only fills what is empty.

The grid's placements (``grid.enterprise.placed.v1``) say which cell an enterprise sits in; the
cells from the root down are kept in ``enterprise_cells`` so that a grid worker sees the hazards
of every enterprise in or under their cells, whoever found them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select, update

from services.hazard.models import Accident, Enterprise, EnterpriseCell, Hazard
from shared.contracts.grid import EnterprisePlacedV1
from shared.contracts.registry import EnterpriseRegisteredV1, EnterpriseUpdatedV1
from shared.db.uow import UnitOfWork
from shared.errors import Invalid, field_error
from shared.logging import get_logger
from shared.uscc import normalize_uscc

log = get_logger("anjian.hazard.enterprises")

#: The fields of the registry's events this service keeps.
KEPT_FIELDS = ("name", "division_code", "township", "village", "category")


async def require_known(uow: UnitOfWork, uscc: str, field: str = "uscc") -> Enterprise:
    """The enterprise, or 422 ``unknown_enterprise`` when the registry has not announced it."""
    ent = await uow.session.get(Enterprise, normalize_uscc(uscc))
    if ent is None or not ent.known:
        raise Invalid(
            f"no enterprise {uscc} is known to the hazard service (register it in the registry first)",
            code="unknown_enterprise",
            errors=[field_error(field, "unknown enterprise")],
        )
    return ent


async def apply_registered(*, uow: UnitOfWork, data: EnterpriseRegisteredV1, at: datetime) -> Enterprise:
    """Create or refresh the copy from a registration event; does not commit."""
    values = {f: getattr(data, f) for f in KEPT_FIELDS}
    return await _apply(uow, normalize_uscc(data.uscc), values, at)


async def apply_updated(*, uow: UnitOfWork, data: EnterpriseUpdatedV1, at: datetime) -> Enterprise:
    """Apply the kept fields an update event changed; does not commit."""
    values = {f: data.changed[f] for f in KEPT_FIELDS if f in data.changed}
    return await _apply(uow, normalize_uscc(data.uscc), values, at)


async def _apply(uow: UnitOfWork, uscc: str, values: dict, at: datetime) -> Enterprise:
    now = uow.now()
    ent = await uow.session.get(Enterprise, uscc, with_for_update=True)
    if ent is None:
        ent = Enterprise(uscc=uscc, as_of=at, updated_at=now, **values)
        uow.session.add(ent)
        await uow.session.flush()
        return ent
    old_division = ent.division_code
    newer = at >= ent.as_of
    for name, value in values.items():
        if newer or getattr(ent, name) is None:
            setattr(ent, name, value)
    if newer:
        ent.as_of = at
    ent.updated_at = now
    uow.session.add(ent)
    if ent.division_code and ent.division_code != old_division:
        # Hazards and accidents count where the enterprise is located now, so that an area's
        # figures and an officer's scope follow a move without a join on every query.
        for table in (Hazard, Accident):
            await uow.session.execute(update(table).where(table.uscc == uscc).values(division_code=ent.division_code))
        log.info("enterprise moved", uscc=uscc, old=old_division, new=ent.division_code)
    await uow.session.flush()
    return ent


#: The registry-time stamp of a row created by a placement that arrived before the registration.
_NEVER = datetime(1970, 1, 1, tzinfo=UTC)


async def apply_placed(*, uow: UnitOfWork, data: EnterprisePlacedV1, event_id: str) -> bool:
    """Keep the newest placement, stamped (placement time, event id); does not commit.

    Returns False when an older or the same placement arrives again (nothing changes).
    """
    uscc = normalize_uscc(data.uscc)
    ent = await uow.session.get(Enterprise, uscc, with_for_update=True)
    if ent is None:
        # The placement came before the registration: keep it on a row the registration fills.
        ent = Enterprise(uscc=uscc, as_of=_NEVER, updated_at=uow.now())
        uow.session.add(ent)
    stamp = (data.placed_at, event_id)
    if ent.cell_as_of is not None and stamp <= (ent.cell_as_of, ent.cell_event or ""):
        return False
    cells = list(dict.fromkeys(data.cell_path or ([data.cell_id] if data.cell_id else [])))
    if data.cell_id and data.cell_id not in cells:
        cells.append(data.cell_id)
    ent.cell_id, ent.cell_as_of, ent.cell_event = data.cell_id, data.placed_at, event_id
    ent.cell_path = "/" + "/".join(cells) + "/" if cells else None
    ent.updated_at = uow.now()
    uow.session.add(ent)
    await uow.session.flush()
    await uow.session.execute(delete(EnterpriseCell).where(EnterpriseCell.uscc == uscc))
    uow.session.add_all(EnterpriseCell(uscc=uscc, cell_id=c) for c in cells)
    await uow.session.flush()
    log.info("enterprise placed", uscc=uscc, cell=data.cell_id)
    return True


async def placed_cells(uow: UnitOfWork, uscc: str) -> list[str]:
    """The cells the enterprise sits in or under, from the grid's root down (empty when not placed)."""
    path = (await uow.session.execute(select(Enterprise.cell_path).where(Enterprise.uscc == uscc))).scalar()
    return path_cells(path)


def path_cells(path: str | None) -> list[str]:
    """``/a/b/c/`` -> ``["a", "b", "c"]``."""
    return [c for c in (path or "").split("/") if c]
