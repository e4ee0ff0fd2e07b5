"""Who may see and move which hazard: the access matrix of the hazard service.

- admin: everything.
- officer: hazards and accidents of enterprises located in their division (330500 covers the city).
- grid_worker: hazards in or under one of their grid cells: a grid finding names its cell and the
  cells above it (``hazard_cells``), so a township's station sees its villages' findings; and the
  hazards of every enterprise the grid has placed in or under their cells (``enterprise_cells``,
  from ``grid.enterprise.placed.v1``), whoever found them - an officer's check, the enterprise's
  self-check, an imported ledger.
- enterprise: its own hazards (by credit code); it may report self-check hazards and move its own
  hazards where the loop expects the enterprise to act (plan, rectification, evidence, extension).
- expert, advisor: the hazards they recorded themselves.

Objects outside the caller's scope are 404, as if they did not exist.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, false, select, union
from sqlmodel import col

from services.hazard.domain.areas import division_covers, division_range, validate_division_code
from services.hazard.models import EnterpriseCell, Hazard, HazardCell
from shared.errors import Forbidden, NotFound
from shared.security.principal import Principal

STAFF = ("admin", "officer")
#: Who may act for the enterprise in the loop: the enterprise itself, or staff on its behalf.
ENTERPRISE_SIDE = ("admin", "officer", "enterprise")
RECORDERS = ("admin", "officer", "grid_worker", "expert", "advisor", "enterprise")


def require_role(user: Principal, roles: tuple[str, ...], what: str) -> None:
    """403 ``forbidden_role`` unless the caller has one of ``roles``."""
    if user.role not in roles:
        raise Forbidden(f"role {user.role!r} may not {what}; allowed: {', '.join(roles)}", code="forbidden_role")


def hazard_scope(user: Principal, table=Hazard) -> list[ColumnElement[bool]]:
    """SQL conditions that keep a query to the hazards (or accidents) the caller may see."""
    if user.is_admin:
        return []
    if user.role == "officer":
        if not user.division_code:
            return [false()]
        low, high = division_range(user.division_code)
        return [table.division_code >= low, table.division_code < high]
    if user.role == "enterprise":
        return [table.uscc == user.uscc] if user.uscc else [false()]
    if table is not Hazard:
        return [false()]
    if user.role == "grid_worker":
        if not user.grid_cell_ids:
            return [false()]
        return [col(Hazard.id).in_(grid_hazard_ids(list(user.grid_cell_ids)))]
    return [Hazard.created_by == user.sub]


def grid_hazard_ids(cell_ids: list[str]):
    """The ids of the hazards in or under the cells: recorded in one, found there by the grid, or of
    an enterprise placed there.

    One union of three index lookups, so the cost follows the cells' own hazards, not the size of
    the table (an OR of three IN conditions made PostgreSQL walk the whole found_at index).
    """
    # Aliases, so that no part correlates with the hazards of the enclosing query.
    recorded, h = Hazard.__table__.alias("recorded_hazards"), Hazard.__table__.alias("placed_hazards")
    return union(
        select(recorded.c.id).where(recorded.c.cell_id.in_(cell_ids)),
        select(HazardCell.hazard_id).where(col(HazardCell.cell_id).in_(cell_ids)),
        select(h.c.id)
        .join(EnterpriseCell, EnterpriseCell.uscc == h.c.uscc)
        .where(col(EnterpriseCell.cell_id).in_(cell_ids)),
    )


def can_see(user: Principal, h: Hazard, placed: Iterable[str] = ()) -> bool:
    """True when the hazard is inside the caller's scope (``placed``: the cells its enterprise sits in or under)."""
    if user.is_admin:
        return True
    if user.role == "officer":
        return bool(user.division_code) and division_covers(user.division_code, h.division_code)
    if user.role == "enterprise":
        return user.uscc is not None and h.uscc == user.uscc
    if user.role == "grid_worker":
        if h.cell_id is not None and h.cell_id in user.grid_cell_ids:
            return True
        if any(cid in user.grid_cell_ids for cid in placed):
            return True
        return h.cell_path is not None and any(f"/{cid}/" in h.cell_path for cid in user.grid_cell_ids)
    return h.created_by == user.sub


def require_visible(user: Principal, h: Hazard | None, hazard_id: str, placed: Iterable[str] = ()) -> Hazard:
    """The hazard, or 404 when it does not exist or lies outside the caller's scope."""
    if h is None or not can_see(user, h, placed):
        raise NotFound(f"no hazard {hazard_id}", code="hazard_not_found")
    return h


def require_enterprise_in_scope(
    user: Principal, uscc: str, division_code: str, cell_id: str | None, placed: list[str] | tuple[str, ...] = ()
) -> None:
    """403 ``out_of_scope`` when the caller may not record something for this enterprise.

    ``placed``: the cells the enterprise sits in or under (from the grid's placements). A grid
    worker records in one of their cells, or for an enterprise placed in or under one of them
    (naming no cell, or a cell on the enterprise's path - a township's station for a village's
    enterprise).
    """
    mine = set(user.grid_cell_ids)
    grid_ok = (cell_id is not None and cell_id in mine) or (
        bool(mine.intersection(placed)) and (cell_id is None or cell_id in placed)
    )
    ok = {
        "admin": True,
        "officer": bool(user.division_code) and division_covers(user.division_code, division_code),
        "enterprise": user.uscc == uscc,
        "grid_worker": grid_ok,
        "expert": True,
        "advisor": True,
    }.get(user.role, False)
    if not ok:
        what = (
            "an enterprise placed in or under your grid cells, or one of your cells as cell_id"
            if user.role == "grid_worker"
            else "an enterprise in your scope"
        )
        raise Forbidden(f"{user.role} may only record for {what}", code="out_of_scope")


def area_scope(user: Principal, division_code: str | None) -> str | None:
    """The division a statistics query covers: the one asked for, inside the caller's own."""
    if division_code is not None:
        validate_division_code(division_code)
    if user.is_admin:
        return division_code
    if user.role != "officer" or not user.division_code:
        raise Forbidden("statistics are for admins and officers with a division", code="forbidden_role")
    if division_code is None:
        return user.division_code
    if not division_covers(user.division_code, division_code):
        raise Forbidden(
            f"division {division_code} lies outside your division {user.division_code}", code="out_of_scope"
        )
    return division_code
