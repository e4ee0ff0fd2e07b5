"""Feedback statistics per agency and the partner-query audit, both in SQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import orjson
from sqlalchemy import and_, case, func, or_, select

from services.incentives.models import Agency, MeasureLife, PartnerQuery
from services.incentives.schemas.feedback import AgencyFeedbackStats, FeedbackStats
from services.incentives.schemas.partners import AuditPublic
from services.incentives.service.partner import normalize_uscc
from shared.api.pagination import PageParams, paginate
from shared.db.uow import UnitOfWork


def _count(cond):
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


async def feedback_stats(
    *,
    uow: UnitOfWork,
    agency_id: str | None = None,
    pushed_from: datetime | None = None,
    pushed_to: datetime | None = None,
) -> FeedbackStats:
    """Per agency: measures pushed, acknowledged, applied, not applicable, lift pushed, lifted, overdue."""
    days = uow.ctx.settings.feedback_overdue_days
    limit_s = days * 86400
    threshold = uow.now() - timedelta(seconds=limit_s)
    a, life = Agency.__table__, MeasureLife.__table__
    join_on = life.c.agency_id == a.c.id
    if pushed_from is not None:
        join_on = and_(join_on, life.c.pushed_at >= pushed_from)
    if pushed_to is not None:
        join_on = and_(join_on, life.c.pushed_at < pushed_to)
    # domain.feedback.is_overdue in SQL: unanswered past the limit, or answered later than it.
    overdue = or_(and_(life.c.acted_at.is_(None), life.c.pushed_at < threshold), life.c.response_s > limit_s)
    stmt = (
        select(
            a.c.id,
            a.c.name,
            func.count(life.c.id).label("pushed"),
            _count(life.c.acted_at.is_not(None)).label("acknowledged"),
            _count(life.c.applied_at.is_not(None)).label("applied"),
            _count(life.c.not_applicable_at.is_not(None)).label("not_applicable"),
            _count(life.c.lift_pushed_at.is_not(None)).label("lift_pushed"),
            _count(life.c.status == "lifted").label("lifted"),
            _count(overdue).label("overdue"),
        )
        .select_from(a.outerjoin(life, join_on))
        .group_by(a.c.id, a.c.name)
        .order_by(a.c.name, a.c.id)
    )
    if agency_id:
        stmt = stmt.where(a.c.id == agency_id)
    rows = (await uow.session.execute(stmt)).all()
    return FeedbackStats(
        overdue_after_days=days,
        items=[
            AgencyFeedbackStats(
                agency_id=r.id,
                agency_name=r.name,
                pushed=r.pushed,
                acknowledged=r.acknowledged,
                applied=r.applied,
                not_applicable=r.not_applicable,
                lift_pushed=r.lift_pushed,
                lifted=r.lifted,
                overdue=r.overdue,
            )
            for r in rows
        ],
    )


async def list_audit(
    *,
    uow: UnitOfWork,
    page: PageParams,
    agency_id: str | None = None,
    key_id: str | None = None,
    uscc: str | None = None,
    at_from: datetime | None = None,
    at_to: datetime | None = None,
) -> tuple[list[AuditPublic], int]:
    """Partner queries, newest first, filtered by agency, key, enterprise and time."""
    q = PartnerQuery.__table__
    stmt = select(q).order_by(q.c.at.desc(), q.c.id.desc())
    if agency_id:
        stmt = stmt.where(q.c.agency_id == agency_id)
    if key_id:
        stmt = stmt.where(q.c.key_id == key_id)
    if uscc:
        stmt = stmt.where(q.c.uscc == normalize_uscc(uscc))
    if at_from is not None:
        stmt = stmt.where(q.c.at >= at_from)
    if at_to is not None:
        stmt = stmt.where(q.c.at < at_to)
    rows, total = await paginate(uow.session, stmt, page)
    return [
        AuditPublic(
            id=r.id,
            at=r.at,
            key_id=r.key_id,
            agency_id=r.agency_id,
            uscc=r.uscc,
            endpoint=r.endpoint,
            found=r.found,
            answer=orjson.loads(r.answer),
            request_id=r.request_id,
        )
        for r in rows
    ], total
