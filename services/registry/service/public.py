"""What the public may read: the published blacklist and the honour roll, public fields only."""

from __future__ import annotations

from sqlmodel import select

from services.registry.domain import blacklist as rules
from services.registry.models import BlacklistEntry, Enterprise
from services.registry.schemas.blacklist import HonourRollItem, PublicBlacklistItem
from shared.api.pagination import Page, PageParams, paginate
from shared.db.uow import UnitOfWork


async def blacklist(*, uow: UnitOfWork, page: PageParams) -> Page[PublicBlacklistItem]:
    """Active listings, newest decision first; publication stops the moment a term ends."""
    stmt = (
        select(BlacklistEntry, Enterprise.name)
        .join(Enterprise, Enterprise.uscc == BlacklistEntry.uscc)
        .where(BlacklistEntry.status == rules.EntryStatus.ACTIVE.value, BlacklistEntry.expires_at > uow.now())
        .order_by(BlacklistEntry.decided_at.desc(), BlacklistEntry.id.desc())
    )
    rows, total = await paginate(uow.session, stmt, page)
    items = [
        PublicBlacklistItem(
            uscc=e.uscc,
            name=name,
            situation=e.situation,
            situation_text=rules.check_situation(rules.rule_set(e.rule_set), e.situation).text_zh,
            decided_at=e.decided_at,
            expires_at=e.expires_at,
        )
        for e, name in rows
    ]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


async def honour_roll(*, uow: UnitOfWork, page: PageParams) -> Page[HonourRollItem]:
    """A-class enterprises that meet the reward conditions (SAWS 2017 No. 133) as far as the registry knows."""
    stmt = (
        select(Enterprise.uscc, Enterprise.name, Enterprise.standardization_grade, Enterprise.honour_roll_since)
        .where(Enterprise.honour_roll.is_(True), Enterprise.blacklisted.is_(False))
        .order_by(Enterprise.honour_roll_since.desc(), Enterprise.uscc)
    )
    rows, total = await paginate(uow.session, stmt, page)
    items = [
        HonourRollItem(
            uscc=r.uscc,
            name=r.name,
            credit_class="A",
            standardization_grade=r.standardization_grade,
            since=r.honour_roll_since,
        )
        for r in rows
    ]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)
