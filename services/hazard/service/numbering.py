"""Gap-free notice numbers: one counter row per (issuer, year), raised inside the notice's transaction.

The upsert takes the counter row's lock until the transaction ends, so concurrent notices of one
issuer queue on it (PostgreSQL row lock; SQLite writers already hold the database lock from
``BEGIN IMMEDIATE``), and a transaction that fails after drawing a number rolls the counter back
with everything else: no number is skipped and none is given twice.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite

from services.hazard.domain.areas import ancestors
from services.hazard.models import NoticeCounter
from services.hazard.settings import HazardSettings
from shared.db.uow import UnitOfWork
from shared.security.principal import Principal

_COUNTERS = NoticeCounter.__table__


def _insert(uow: UnitOfWork):
    return (postgresql.insert if uow.db.dialect == "postgresql" else sqlite.insert)(_COUNTERS)


async def next_notice_seq(uow: UnitOfWork, *, issuer: str, year: int) -> int:
    """Draw the next sequence number of ``issuer`` in ``year`` (1 for the first)."""
    c = _COUNTERS.c
    stmt = (
        _insert(uow)
        .values(issuer=issuer, year=year, last_seq=1)
        .on_conflict_do_update(index_elements=[c.issuer, c.year], set_={"last_seq": c.last_seq + 1})
        .returning(c.last_seq)
    )
    return (await uow.session.execute(stmt)).scalar_one()


async def raise_counter(uow: UnitOfWork, *, issuer: str, year: int, seq: int) -> None:
    """Make sure numbers drawn later come after ``seq`` (a number imported from a ledger)."""
    c = _COUNTERS.c
    ins = _insert(uow).values(issuer=issuer, year=year, last_seq=seq)
    greatest = func.greatest if uow.db.dialect == "postgresql" else func.max
    stmt = ins.on_conflict_do_update(
        index_elements=[c.issuer, c.year], set_={"last_seq": greatest(c.last_seq, ins.excluded.last_seq)}
    )
    await uow.session.execute(stmt)


def issuer_for(settings: HazardSettings, user: Principal, enterprise_division: str) -> str:
    """The issuer prefix: the caller's bureau for an officer, else the bureau over the enterprise."""
    division = user.division_code if user.role == "officer" and user.division_code else enterprise_division
    for code in ancestors(division):
        if code in settings.notice_issuers:
            return settings.notice_issuers[code]
    return settings.default_notice_issuer
