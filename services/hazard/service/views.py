"""Rows -> response models (one place, so every endpoint shows a hazard the same way)."""

from __future__ import annotations

from datetime import datetime

import orjson

from services.hazard.domain.deadlines import acceptance_due_by
from services.hazard.domain.hazards import HazardLevel, HazardStatus
from services.hazard.domain.state_machine import HazardState, allowed_moves
from services.hazard.models import (
    Escalation,
    ExtensionRequest,
    Hazard,
    HazardTransition,
    RectificationNotice,
    RemediationPlanRecord,
)
from services.hazard.schemas.hazards import (
    EscalationPublic,
    ExtensionPublic,
    HazardPublic,
    MajorBasisPublic,
    NoticePublic,
    PlanPublic,
    TransitionPublic,
)
from services.hazard.service.money import yuan
from services.hazard.settings import HazardSettings

#: Statuses in which a deadline is running and the enterprise has not reported completion.
WATCHED = (HazardStatus.NOTICE_ISSUED.value, HazardStatus.RECTIFYING.value)


def state_of(h: Hazard) -> HazardState:
    """The state machine's view of a hazard row."""
    return HazardState(
        status=HazardStatus(h.status),
        level=HazardLevel(h.level),
        listed=h.listed,
        plan_submitted=h.plan_submitted,
        extension_pending=h.extension_pending,
    )


def is_overdue(h: Hazard, now: datetime) -> bool:
    """Open and past its current deadline (flagged by the deadline job, or due to be)."""
    if h.closed_at is not None:
        return False
    due = h.status in WATCHED and h.overdue_at is not None and h.overdue_at <= now
    return h.overdue_since is not None or due


def hazard_public(h: Hazard, enterprise_name: str | None, *, now: datetime, settings: HazardSettings) -> HazardPublic:
    """The response model of a hazard row, with the moves allowed now."""
    basis = MajorBasisPublic(standard=h.major_standard, clause=h.major_clause or "") if h.major_standard else None
    awaiting = h.status == HazardStatus.AWAITING_ACCEPTANCE and h.completed_at is not None
    return HazardPublic(
        id=h.id,
        uscc=h.uscc,
        enterprise_name=enterprise_name,
        division_code=h.division_code,
        cell_id=h.cell_id,
        report_id=h.report_id,
        import_job_id=h.import_job_id,
        source=h.source,
        description=h.description,
        level=h.level,
        major_basis=basis,
        found_at=h.found_at,
        found_by=h.found_by,
        status=h.status,
        allowed_moves=[a.value for a in allowed_moves(state_of(h))],
        listed=h.listed,
        listed_at=h.listed_at,
        delisted_at=h.delisted_at,
        plan_submitted=h.plan_submitted,
        extension_pending=h.extension_pending,
        work_suspended=h.work_suspended,
        notice_number=h.notice_number,
        notice_issued_at=h.notice_issued_at,
        deadline=h.deadline,
        overdue=is_overdue(h, now),
        overdue_since=h.overdue_since,
        reminder_sent_at=h.reminder_sent_at,
        supervision_letter_at=h.supervision_letter_at,
        completed_at=h.completed_at,
        evidence=orjson.loads(h.evidence) if h.evidence else [],
        acceptance_due_by=(
            acceptance_due_by(h.completed_at, settings.ladder(), settings.tz_offset_hours) if awaiting else None
        ),
        acceptance_overdue=h.acceptance_overdue_at is not None and h.status == HazardStatus.AWAITING_ACCEPTANCE,
        acceptance_late=h.acceptance_late,
        accepted_at=h.accepted_at,
        closed_at=h.closed_at,
        imported=h.imported,
        version=h.version,
        created_at=h.created_at,
        updated_at=h.updated_at,
    )


def transition_public(t: HazardTransition) -> TransitionPublic:
    """One history entry with its JSON details decoded."""
    return TransitionPublic(
        action=t.action,
        from_status=t.from_status,
        to_status=t.to_status,
        at=t.at,
        by=t.by,
        by_role=t.by_role,
        reason=t.reason,
        details=orjson.loads(t.details) if t.details else None,
    )


def notice_public(n: RectificationNotice) -> NoticePublic:
    """A rectification notice row as a response."""
    return NoticePublic.model_validate(n, from_attributes=True)


def extension_public(e: ExtensionRequest) -> ExtensionPublic:
    """An extension request row as a response."""
    return ExtensionPublic.model_validate(e, from_attributes=True)


def plan_public(p: RemediationPlanRecord) -> PlanPublic:
    """A remediation plan row as a response, funds in yuan."""
    return PlanPublic(
        measures=p.measures,
        funds=yuan(p.funds_fen),
        deadline=p.deadline,
        responsible_person=p.responsible_person,
        emergency_plan=p.emergency_plan,
        submitted_at=p.submitted_at,
        submitted_by=p.submitted_by,
    )


def escalation_public(e: Escalation) -> EscalationPublic:
    """An escalation row as a response."""
    return EscalationPublic(step=e.step, basis=e.basis, at=e.at, rule=e.rule)
