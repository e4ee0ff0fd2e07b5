"""The enterprise change log: every registration and every update of base data, with who and which fields.

Rows are written in the transaction of the change itself: by ``enterprises.register`` and
``enterprises.update`` (one row each), and by the import in bulk with the enterprise rows of a batch.
A write that changes nothing writes no row, so a PATCH that repeats the record or an import run
again over the same file leaves the log as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlmodel import select

from services.registry.domain.enterprise_fields import IMPORT_COLUMNS
from services.registry.models import EnterpriseChange
from services.registry.schemas.enterprises import EnterpriseChangePublic
from services.registry.service import access
from shared.api.pagination import Page, PageParams, paginate
from shared.db.uow import UnitOfWork
from shared.security.principal import Principal

REGISTERED, UPDATED = "registered", "updated"
#: An enterprise's base data (what officers register, edit and import), in the order the log names them.
BASE_FIELDS: tuple[str, ...] = tuple(c for c in IMPORT_COLUMNS if c != "uscc")


def registered_fields(record: Mapping[str, Any]) -> list[str]:
    """The fields a new record (every base field, null where not given) holds a value for."""
    return [f for f in BASE_FIELDS if record[f] is not None]


def changed_fields(changed: Iterable[str]) -> list[str]:
    """The base-data fields among those a write changed (standing and bookkeeping left out)."""
    names = set(changed)
    return [f for f in BASE_FIELDS if f in names]


def record(uow: UnitOfWork, *, uscc: str, kind: str, fields: list[str], by: str, at: datetime | None = None) -> None:
    """Add one change to the caller's transaction (nothing when no base-data field changed)."""
    if fields:
        uow.session.add(EnterpriseChange(uscc=uscc, at=at or uow.now(), by=by, kind=kind, fields=fields))


async def list_changes(
    *, uow: UnitOfWork, user: Principal, uscc: str, page: PageParams
) -> Page[EnterpriseChangePublic]:
    """One enterprise's base-data changes, newest first (404 where its credit history would be)."""
    ent = await access.visible_enterprise(uow, user, uscc)
    c = EnterpriseChange
    stmt = select(c).where(c.uscc == ent.uscc).order_by(c.at.desc(), c.id.desc())
    rows, total = await paginate(uow.session, stmt, page)
    items = [EnterpriseChangePublic.model_validate(r[0], from_attributes=True) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)
