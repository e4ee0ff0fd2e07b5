"""The moves of the closed loop, one function each; the domain's table decides what is legal.

Every move locks the hazard row, checks If-Match, asks the state machine (409
``invalid_transition`` naming the state and the allowed moves), checks its own input, then writes
the new state, one transition row (who, when, why) and any event in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select, update

from services.hazard.domain.deadlines import (
    acceptance_late,
    extended_deadline,
    overdue_from,
    validate_notice_deadline,
)
from services.hazard.domain.hazards import RemediationPlan
from services.hazard.domain.numbering import format_notice_number
from services.hazard.domain.periods import local_today
from services.hazard.domain.state_machine import HazardAction, HazardState, Transition, transition
from services.hazard.events import outgoing
from services.hazard.models import (
    ExtensionRequest,
    Hazard,
    HazardTransition,
    RectificationNotice,
    RemediationPlanRecord,
)
from services.hazard.schemas.hazards import (
    AcceptanceCreate,
    CompletionCreate,
    ExtensionCreate,
    ExtensionGrant,
    ExtensionPublic,
    ExtensionRefusal,
    FixOnSpot,
    HazardPublic,
    MoveNote,
    NoticeCreate,
    NoticePublic,
    PlanCreate,
)
from services.hazard.service import access, hazards, views
from services.hazard.service.money import to_fen
from services.hazard.service.numbering import issuer_for, next_notice_seq
from shared.api.etag import check_version, parse_if_match
from shared.db.uow import UnitOfWork
from shared.errors import Conflict, Invalid, NotFound, field_error
from shared.ids import new_id
from shared.security.principal import Principal

A = HazardAction
PENDING, GRANTED, REFUSED, LAPSED = "pending", "granted", "refused", "lapsed"


async def _begin(
    uow: UnitOfWork, user: Principal, hazard_id: str, if_match: str | None, roles: tuple[str, ...], what: str
) -> Hazard:
    access.require_role(user, roles, what)
    h = await hazards.load(uow, user, hazard_id, lock=True)
    check_version(h.version, parse_if_match(if_match))
    return h


def _decide(
    uow: UnitOfWork,
    h: Hazard,
    user: Principal,
    action: HazardAction,
    *,
    reason: str | None = None,
    evidence: Sequence[str] = (),
    plan: RemediationPlan | None = None,
) -> tuple[HazardState, Transition]:
    """Ask the state machine; nothing is written yet, so a refused move leaves no trace."""
    return transition(views.state_of(h), action, at=uow.now(), by=user.sub, reason=reason, evidence=evidence, plan=plan)


def _apply(
    uow: UnitOfWork,
    h: Hazard,
    user: Principal,
    decided: tuple[HazardState, Transition],
    details: dict[str, Any] | None = None,
) -> None:
    """Write the new state and its history row (the caller commits)."""
    state, t = decided
    h.status = state.status.value
    h.listed = state.listed
    h.plan_submitted = state.plan_submitted
    h.extension_pending = state.extension_pending
    h.version += 1
    h.updated_at = t.at
    uow.session.add(h)
    uow.session.add(
        HazardTransition(
            hazard_id=h.id,
            action=t.action.value,
            from_status=t.from_status.value,
            to_status=t.to_status.value,
            at=t.at,
            by=t.by,
            by_role=user.role,
            reason=t.reason,
            details=orjson.dumps(details, default=str).decode() if details else None,
        )
    )


def _set_deadline(uow: UnitOfWork, h: Hazard, deadline) -> None:
    """A new current deadline starts a fresh escalation ladder (the domain's ``due_steps`` contract)."""
    h.deadline = deadline
    h.overdue_at = overdue_from(deadline, uow.ctx.settings.tz_offset_hours)
    h.reminder_sent_at = h.overdue_since = h.supervision_letter_at = None


def _moment(value: datetime | None, field: str, h: Hazard, now: datetime) -> datetime:
    """A time the caller reports (completion, fix): not in the future and not before the finding."""
    at = value or now
    if at > now:
        raise Invalid(f"{field} is in the future", code="time_in_future", errors=[field_error(field, "in the future")])
    if at < h.found_at:
        raise Invalid(
            f"{field} is before the hazard was found ({h.found_at.isoformat()})",
            code="time_before_finding",
            errors=[field_error(field, "before found_at")],
        )
    return at


async def issue_notice(
    *, uow: UnitOfWork, user: Principal, hazard_id: str, data: NoticeCreate, if_match: str | None = None
) -> NoticePublic:
    """Issue a rectification notice (整改通知书) with a deadline and the next gap-free number."""
    h = await _begin(uow, user, hazard_id, if_match, access.STAFF, "issue rectification notices")
    decided = _decide(uow, h, user, A.ISSUE_NOTICE, reason=data.measures)
    settings, now = uow.ctx.settings, uow.now()
    deadline = validate_notice_deadline(data.deadline, now, settings.tz_offset_hours)
    issuer = issuer_for(settings, user, h.division_code)
    year = local_today(now, settings.tz_offset_hours).year
    # Drawn last, after every check that can refuse the request, to hold the counter lock briefly.
    seq = await next_notice_seq(uow, issuer=issuer, year=year)
    notice = RectificationNotice(
        id=new_id(),
        hazard_id=h.id,
        number=format_notice_number(issuer, year, seq),
        issuer=issuer,
        year=year,
        seq=seq,
        issued_at=now,
        issued_by=user.sub,
        deadline=deadline,
        measures=data.measures,
    )
    h.notice_issued_at, h.notice_number = now, notice.number
    _set_deadline(uow, h, deadline)
    _apply(uow, h, user, decided, {"notice_number": notice.number, "deadline": deadline})
    uow.session.add(notice)
    await uow.commit()
    return views.notice_public(notice)


async def fix_on_spot(
    *, uow: UnitOfWork, user: Principal, hazard_id: str, data: FixOnSpot, if_match: str | None = None
) -> HazardPublic:
    """Close a general hazard fixed on the spot (即查即改), with evidence."""
    h = await _begin(uow, user, hazard_id, if_match, access.RECORDERS, "confirm a fix on the spot")
    decided = _decide(uow, h, user, A.FIX_ON_SPOT, reason=data.note, evidence=data.evidence)
    at = _moment(data.fixed_at, "fixed_at", h, uow.now())
    h.completed_at = h.accepted_at = h.closed_at = at
    h.evidence = orjson.dumps(data.evidence).decode()
    _apply(uow, h, user, decided, {"evidence": data.evidence, "fixed_at": at})
    uow.publish(outgoing.hazard_closed(h))
    await uow.commit()
    return await hazards.public(uow, h)


async def submit_plan(
    *, uow: UnitOfWork, user: Principal, hazard_id: str, data: PlanCreate, if_match: str | None = None
) -> HazardPublic:
    """Submit a major hazard's remediation plan; rectification starts under it."""
    h = await _begin(uow, user, hazard_id, if_match, access.ENTERPRISE_SIDE, "submit remediation plans")
    plan = RemediationPlan(
        measures=data.measures,
        funds=data.funds,
        deadline=data.deadline,
        responsible_person=data.responsible_person,
        emergency_plan=data.emergency_plan,
    )
    decided = _decide(uow, h, user, A.SUBMIT_PLAN, plan=plan)
    now = uow.now()
    uow.session.add(
        RemediationPlanRecord(
            id=new_id(),
            hazard_id=h.id,
            measures=plan.measures.strip(),
            funds_fen=to_fen(plan.funds, "funds"),
            deadline=plan.deadline,
            responsible_person=plan.responsible_person.strip(),
            emergency_plan=plan.emergency_plan.strip(),
            submitted_at=now,
            submitted_by=user.sub,
        )
    )
    if data.work_suspended is not None:
        h.work_suspended = data.work_suspended
    _apply(uow, h, user, decided, {"plan_deadline": plan.deadline, "work_suspended": h.work_suspended})
    await uow.commit()
    return await hazards.public(uow, h)


async def start_rectification(
    *, uow: UnitOfWork, user: Principal, hazard_id: str, data: MoveNote, if_match: str | None = None
) -> HazardPublic:
    """Record that rectification of a general hazard has started."""
    h = await _begin(uow, user, hazard_id, if_match, access.ENTERPRISE_SIDE, "start rectification")
    _apply(uow, h, user, _decide(uow, h, user, A.START_RECTIFICATION, reason=data.note))
    await uow.commit()
    return await hazards.public(uow, h)


async def request_extension(
    *, uow: UnitOfWork, user: Principal, hazard_id: str, data: ExtensionCreate, if_match: str | None = None
) -> ExtensionPublic:
    """Ask for a later deadline, with reasons; the deadline moves only when it is granted."""
    h = await _begin(uow, user, hazard_id, if_match, access.ENTERPRISE_SIDE, "request extensions")
    decided = _decide(uow, h, user, A.REQUEST_EXTENSION, reason=data.reason)
    extended_deadline(h.deadline, data.deadline)
    ext = ExtensionRequest(
        id=new_id(),
        hazard_id=h.id,
        requested_deadline=data.deadline,
        reason=data.reason,
        requested_at=uow.now(),
        requested_by=user.sub,
        status=PENDING,
        previous_deadline=h.deadline,
    )
    uow.session.add(ext)
    _apply(uow, h, user, decided, {"extension_id": ext.id, "requested_deadline": data.deadline})
    await uow.commit()
    return views.extension_public(ext)


async def _pending_extension(uow: UnitOfWork, h: Hazard, extension_id: str) -> ExtensionRequest:
    ext = await uow.session.get(ExtensionRequest, extension_id)
    if ext is None or ext.hazard_id != h.id:
        raise NotFound(f"no extension request {extension_id} on hazard {h.id}", code="extension_not_found")
    if ext.status != PENDING:
        raise Conflict(
            f"extension request {extension_id} is already {ext.status}",
            code="extension_decided",
            extension_status=ext.status,
        )
    return ext


async def grant_extension(
    *,
    uow: UnitOfWork,
    user: Principal,
    hazard_id: str,
    extension_id: str,
    data: ExtensionGrant,
    if_match: str | None = None,
) -> ExtensionPublic:
    """Grant a requested extension: the hazard gets the new deadline and a fresh escalation ladder."""
    h = await _begin(uow, user, hazard_id, if_match, access.STAFF, "grant extensions")
    decided = _decide(uow, h, user, A.GRANT_EXTENSION, reason=data.note)
    ext = await _pending_extension(uow, h, extension_id)
    previous = h.deadline
    new_deadline = extended_deadline(previous, data.deadline or ext.requested_deadline)
    ext.status, ext.granted_deadline = GRANTED, new_deadline
    ext.decided_at, ext.decided_by, ext.decision_note = uow.now(), user.sub, data.note
    uow.session.add(ext)
    _set_deadline(uow, h, new_deadline)
    _apply(uow, h, user, decided, {"extension_id": ext.id, "previous_deadline": previous, "deadline": new_deadline})
    await uow.commit()
    return views.extension_public(ext)


async def refuse_extension(
    *,
    uow: UnitOfWork,
    user: Principal,
    hazard_id: str,
    extension_id: str,
    data: ExtensionRefusal,
    if_match: str | None = None,
) -> ExtensionPublic:
    """Refuse a requested extension; the deadline stays."""
    h = await _begin(uow, user, hazard_id, if_match, access.STAFF, "refuse extensions")
    decided = _decide(uow, h, user, A.REFUSE_EXTENSION, reason=data.note)
    ext = await _pending_extension(uow, h, extension_id)
    ext.status = REFUSED
    ext.decided_at, ext.decided_by, ext.decision_note = uow.now(), user.sub, data.note
    uow.session.add(ext)
    _apply(uow, h, user, decided, {"extension_id": ext.id})
    await uow.commit()
    return views.extension_public(ext)


async def complete(
    *, uow: UnitOfWork, user: Principal, hazard_id: str, data: CompletionCreate, if_match: str | None = None
) -> HazardPublic:
    """Report rectification complete with evidence; the hazard awaits the acceptance check."""
    h = await _begin(uow, user, hazard_id, if_match, access.ENTERPRISE_SIDE, "report completion")
    decided = _decide(uow, h, user, A.COMPLETE, reason=data.note, evidence=data.evidence)
    now = uow.now()
    at = _moment(data.completed_at, "completed_at", h, now)
    if h.extension_pending:
        # The machine lets a pending request lapse on completion; its record says so.
        await uow.session.execute(
            update(ExtensionRequest)
            .where(ExtensionRequest.hazard_id == h.id, ExtensionRequest.status == PENDING)
            .values(status=LAPSED, decided_at=now, decision_note="lapsed: rectification reported complete")
        )
    h.completed_at = at
    h.evidence = orjson.dumps(data.evidence).decode()
    h.acceptance_overdue_at = None
    h.acceptance_late = None
    _apply(uow, h, user, decided, {"evidence": data.evidence, "completed_at": at})
    await uow.commit()
    return await hazards.public(uow, h)


async def decide_acceptance(
    *, uow: UnitOfWork, user: Principal, hazard_id: str, data: AcceptanceCreate, if_match: str | None = None
) -> HazardPublic:
    """The acceptance check: passed closes (销号) the hazard, failed sends it back to rectifying."""
    h = await _begin(uow, user, hazard_id, if_match, access.STAFF, "decide acceptance")
    action = A.ACCEPT if data.passed else A.FAIL_ACCEPTANCE
    decided = _decide(uow, h, user, action, reason=data.note)
    if not data.passed and not (data.note and data.note.strip()):
        raise Invalid(
            "a failed acceptance needs a note saying what is still wrong",
            code="note_required",
            errors=[field_error("note", "required when passed is false")],
        )
    now, settings = uow.now(), uow.ctx.settings
    late = acceptance_late(h.completed_at, now, settings.ladder(), settings.tz_offset_hours)
    details = {"passed": data.passed, "acceptance_late": late, "completed_at": h.completed_at}
    if data.passed:
        h.accepted_at = h.closed_at = now
        h.acceptance_late = late
    else:
        h.completed_at = None
        h.acceptance_overdue_at = None
    _apply(uow, h, user, decided, details)
    if data.passed:
        uow.publish(outgoing.hazard_closed(h))
    await uow.commit()
    return await hazards.public(uow, h)


async def list_supervision(
    *, uow: UnitOfWork, user: Principal, hazard_id: str, data: MoveNote, if_match: str | None = None
) -> HazardPublic:
    """Put a major hazard under listed supervision (挂牌督办) and announce it."""
    h = await _begin(uow, user, hazard_id, if_match, access.STAFF, "list hazards for supervision")
    decided = _decide(uow, h, user, A.LIST_SUPERVISION, reason=data.note)
    h.listed_at, h.delisted_at = uow.now(), None
    _apply(uow, h, user, decided)
    uow.publish(outgoing.major_listed(h))
    await uow.commit()
    return await hazards.public(uow, h)


async def delist(
    *, uow: UnitOfWork, user: Principal, hazard_id: str, data: MoveNote, if_match: str | None = None
) -> HazardPublic:
    """Delist (摘牌) a closed major hazard and announce it."""
    h = await _begin(uow, user, hazard_id, if_match, access.STAFF, "delist hazards")
    decided = _decide(uow, h, user, A.DELIST, reason=data.note)
    h.delisted_at = uow.now()
    _apply(uow, h, user, decided)
    uow.publish(outgoing.major_delisted(h))
    await uow.commit()
    return await hazards.public(uow, h)


async def list_notices(*, uow: UnitOfWork, user: Principal, hazard_id: str) -> list[NoticePublic]:
    """The notices of a hazard, oldest first."""
    h = await hazards.load(uow, user, hazard_id)
    stmt = select(RectificationNotice).where(RectificationNotice.hazard_id == h.id)
    rows = (await uow.session.execute(stmt.order_by(RectificationNotice.issued_at))).scalars().all()
    return [views.notice_public(n) for n in rows]
