"""Who may see which enterprise: admins all; officers their division; an enterprise account itself.

Objects outside the caller's scope are answered 404, never 403, so that a request cannot tell an
enterprise outside one's division from one that does not exist.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, true
from sqlmodel import select

from services.registry.domain.divisions import division_covers, division_prefix
from services.registry.domain.uscc import normalize_uscc
from services.registry.models import Enterprise
from shared.db.uow import UnitOfWork
from shared.errors import Forbidden, NotFound
from shared.security.principal import Principal

#: Roles that read an enterprise's profile by its code (they work in the field, wherever the
#: enterprise is: the registry does not know grid cells or advisors' contracts), but list nothing.
PROFILE_READERS = ("grid_worker", "expert", "advisor")


def not_found(uscc: str) -> NotFound:
    return NotFound(f"no enterprise {uscc}", code="enterprise_not_found")


def in_scope(user: Principal, *, division_code: str, uscc: str) -> bool:
    """True when the caller may see an enterprise located in ``division_code`` with code ``uscc``."""
    if user.role == "admin":
        return True
    if user.role == "officer":
        return bool(user.division_code) and division_covers(user.division_code, division_code)
    if user.role == "enterprise":
        return user.uscc == uscc
    return False


def scope_condition(user: Principal) -> ColumnElement[bool]:
    """The enterprises (as a WHERE condition) the caller may list."""
    if user.role == "admin":
        return true()
    if user.role == "officer" and user.division_code:
        return Enterprise.division_code.startswith(division_prefix(user.division_code))
    if user.role == "enterprise" and user.uscc:
        return Enterprise.uscc == user.uscc
    raise Forbidden(f"role {user.role!r} may not list enterprises", code="forbidden_role")


def check_may_place(user: Principal, division_code: str) -> None:
    """An officer registers and moves enterprises only within the division they are scoped to."""
    if user.role == "officer" and not (user.division_code and division_covers(user.division_code, division_code)):
        raise Forbidden(
            f"division {division_code} is outside your division {user.division_code}", code="outside_division"
        )


async def find_enterprise(uow: UnitOfWork, uscc: str, *, lock: bool = False) -> Enterprise | None:
    """The enterprise with this code (normalized), or None; ``lock`` holds its row to the end of the transaction."""
    stmt = select(Enterprise).where(Enterprise.uscc == normalize_uscc(uscc))
    if lock:
        # Changes to one enterprise's standing (approval, listing, expiry, repair) take turns on its
        # row, so each reads the class the one before it left. SQLite serializes writers anyway.
        stmt = stmt.with_for_update()
    return (await uow.session.exec(stmt)).first()


async def visible_enterprise(uow: UnitOfWork, user: Principal, uscc: str, *, profile: bool = False) -> Enterprise:
    """The enterprise if the caller may see it (``profile``: also field staff reading the profile), else 404."""
    row = await find_enterprise(uow, uscc)
    if row is None or not (
        in_scope(user, division_code=row.division_code, uscc=row.uscc) or (profile and user.role in PROFILE_READERS)
    ):
        raise not_found(normalize_uscc(uscc))
    return row


async def staff_enterprise(uow: UnitOfWork, user: Principal, uscc: str, *, lock: bool = True) -> Enterprise:
    """The enterprise an admin or officer acts on (404 outside an officer's division)."""
    row = await find_enterprise(uow, uscc, lock=lock)
    if (
        row is None
        or user.role not in ("admin", "officer")
        or not in_scope(user, division_code=row.division_code, uscc=row.uscc)
    ):
        raise not_found(normalize_uscc(uscc))
    return row
