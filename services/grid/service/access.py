"""Who may see and change which part of the grid: the access matrix of the grid service.

- admin: everything.
- officer: cells answering to their division (``scope_code``; 330500 covers the city) and the
  enterprises located there; builds the tree, names members, places enterprises.
- grid_worker: the cells named in their token and everything under them; files reports there,
  records inspections of the enterprises placed there, acknowledges and resolves the reports
  routed there.
- other roles: nothing here (403).

Cells and enterprises outside the caller's scope are 404, as if they did not exist.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlmodel import col

from services.grid.domain.tree import subtree_bounds, within
from services.grid.models import Cell, Enterprise
from shared.areas import division_covers, division_range
from shared.db.uow import UnitOfWork
from shared.errors import Forbidden, NotFound
from shared.security.principal import Principal

READERS = ("admin", "officer", "grid_worker")
BUILDERS = ("admin", "officer")


def require_role(user: Principal, roles: tuple[str, ...], what: str) -> None:
    """403 ``forbidden_role`` unless the caller has one of ``roles``."""
    if user.role not in roles:
        raise Forbidden(f"role {user.role!r} may not {what}; allowed: {', '.join(roles)}", code="forbidden_role")


def subtree(path_column, path: str) -> ColumnElement[bool]:
    """The cell with ``path`` and every cell under it, as an index range over ``path_column``."""
    low, high = subtree_bounds(path)
    return and_(path_column >= low, path_column < high)


async def cell_scope(uow: UnitOfWork, user: Principal, cells=None) -> list[ColumnElement[bool]]:
    """SQL conditions that keep a query to the cells the caller may see (``cells``: an alias of Cell)."""
    table = cells if cells is not None else Cell.__table__
    if user.is_admin:
        return []
    if user.role == "officer":
        if not user.division_code:
            return [false()]
        low, high = division_range(user.division_code)
        return [table.c.scope_code >= low, table.c.scope_code < high]
    if user.role == "grid_worker" and user.grid_cell_ids:
        stmt = select(Cell.path).where(col(Cell.id).in_(list(user.grid_cell_ids)))
        paths = (await uow.session.execute(stmt)).scalars().all()
        return [or_(*(subtree(table.c.path, p) for p in paths))] if paths else [false()]
    return [false()]


async def enterprise_scope(uow: UnitOfWork, user: Principal) -> list[ColumnElement[bool]]:
    """SQL conditions that keep a query to the enterprises the caller may see (join Cell on their cell)."""
    if user.role == "officer":
        if not user.division_code:
            return [false()]
        low, high = division_range(user.division_code)
        return [Enterprise.division_code >= low, Enterprise.division_code < high]
    return await cell_scope(uow, user)


def can_see_cell(user: Principal, cell: Cell) -> bool:
    if user.is_admin:
        return True
    if user.role == "officer":
        return bool(user.division_code) and division_covers(user.division_code, cell.scope_code)
    if user.role == "grid_worker":
        return within(cell.path, user.grid_cell_ids)
    return False


def require_cell(user: Principal, cell: Cell | None, cell_id: str) -> Cell:
    """The cell, or 404 ``cell_not_found`` when it does not exist or lies outside the caller's scope."""
    if cell is None or not can_see_cell(user, cell):
        raise NotFound(f"no grid cell {cell_id}", code="cell_not_found")
    return cell


def can_see_enterprise(user: Principal, division_code: str | None, cell: Cell | None) -> bool:
    """An officer sees the enterprises of their division; a grid worker those placed in their cells."""
    if user.is_admin:
        return True
    if user.role == "officer":
        return bool(user.division_code) and division_covers(user.division_code, division_code)
    if user.role == "grid_worker":
        return cell is not None and within(cell.path, user.grid_cell_ids)
    return False
