"""The life of one measure at one partner agency, driven by its feedback (联合奖惩 反馈).

pushed -> acknowledged -> applied -> lift_pushed (the cause ended) -> lifted, with not_applicable
as the partner's "no business of this kind with the enterprise".

Decisions (no source fixes them):
- `applied` straight from `pushed` is allowed and implies the acknowledgement.
- `not_applicable` means the enterprise has no business of that kind with the partner now; it may
  still come, so `applied` may follow while the cause lasts.
- A partner cannot lift on its own while the cause lasts: `lifted` only answers a lift push.
- In `lift_pushed`, a late `applied` (sent before the partner saw the lift) and an `acknowledged`
  of the lift push are recorded without changing the status: the lift is still owed. A
  `not_applicable` there means nothing was applied, so nothing is left to lift: `lifted`.
- When the cause ends, a measure the partner declared `not_applicable` closes as `lifted` without a
  lift push: nothing was applied there.
- Repeating the action that produced the current status is a no-op, so a partner's retry
  without an Idempotency-Key is not an error.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from shared.errors import Conflict, Invalid, field_error


class MeasureLifeStatus(StrEnum):
    """Where a pushed measure stands at one agency."""

    PUSHED = "pushed"
    ACKNOWLEDGED = "acknowledged"
    APPLIED = "applied"
    NOT_APPLICABLE = "not_applicable"
    LIFT_PUSHED = "lift_pushed"
    LIFTED = "lifted"


class FeedbackAction(StrEnum):
    """What a partner reports about a measure."""

    ACKNOWLEDGED = "acknowledged"
    APPLIED = "applied"
    LIFTED = "lifted"
    NOT_APPLICABLE = "not_applicable"


_S = MeasureLifeStatus
_A = FeedbackAction
_TRANSITIONS: dict[MeasureLifeStatus, dict[FeedbackAction, MeasureLifeStatus]] = {
    _S.PUSHED: {
        _A.ACKNOWLEDGED: _S.ACKNOWLEDGED,
        _A.APPLIED: _S.APPLIED,
        _A.NOT_APPLICABLE: _S.NOT_APPLICABLE,
    },
    _S.ACKNOWLEDGED: {
        _A.ACKNOWLEDGED: _S.ACKNOWLEDGED,
        _A.APPLIED: _S.APPLIED,
        _A.NOT_APPLICABLE: _S.NOT_APPLICABLE,
    },
    _S.APPLIED: {_A.APPLIED: _S.APPLIED},
    _S.NOT_APPLICABLE: {_A.NOT_APPLICABLE: _S.NOT_APPLICABLE, _A.APPLIED: _S.APPLIED},
    _S.LIFT_PUSHED: {
        _A.ACKNOWLEDGED: _S.LIFT_PUSHED,
        _A.APPLIED: _S.LIFT_PUSHED,
        _A.LIFTED: _S.LIFTED,
        _A.NOT_APPLICABLE: _S.LIFTED,
    },
    _S.LIFTED: {_A.LIFTED: _S.LIFTED},
}
_ON_CAUSE_ENDED = {
    _S.PUSHED: _S.LIFT_PUSHED,
    _S.ACKNOWLEDGED: _S.LIFT_PUSHED,
    _S.APPLIED: _S.LIFT_PUSHED,
    _S.NOT_APPLICABLE: _S.LIFTED,
    _S.LIFT_PUSHED: _S.LIFT_PUSHED,
    _S.LIFTED: _S.LIFTED,
}


def allowed_actions(current: MeasureLifeStatus) -> list[FeedbackAction]:
    """The partner actions accepted in a status, in a stable order."""
    return sorted(_TRANSITIONS[current])


def next_status(current: MeasureLifeStatus, action: FeedbackAction) -> MeasureLifeStatus:
    """The status after a partner's action, or Conflict `invalid_feedback` naming what is allowed."""
    current = MeasureLifeStatus(current)
    try:
        action = FeedbackAction(action)
    except ValueError:
        allowed = ", ".join(a.value for a in FeedbackAction)
        raise Invalid(
            f"unknown feedback action '{action}'",
            code="invalid_feedback_action",
            errors=[field_error("action", f"must be one of: {allowed}")],
        ) from None
    target = _TRANSITIONS[current].get(action)
    if target is None:
        allowed = [a.value for a in allowed_actions(current)]
        raise Conflict(
            f"cannot record '{action}' for a measure that is '{current}'; allowed: {', '.join(allowed)}",
            code="invalid_feedback",
            state=current.value,
            allowed=allowed,
        )
    return target


def on_cause_ended(current: MeasureLifeStatus) -> MeasureLifeStatus:
    """The status once the measure's cause ends (class changed, listing removed): a lift is owed."""
    return _ON_CAUSE_ENDED[MeasureLifeStatus(current)]


def needs_lift_push(current: MeasureLifeStatus) -> bool:
    """Whether ending the cause must push a lift to the agency (something may have been applied)."""
    return MeasureLifeStatus(current) in (_S.PUSHED, _S.ACKNOWLEDGED, _S.APPLIED)


def is_overdue(pushed_at: datetime, acted_at: datetime | None, now: datetime, limit: timedelta) -> bool:
    """Whether the agency answered, or still has not answered, later than `limit` after the push."""
    # An answer given late stays counted as overdue: the statistic measures the partner's delay,
    # not only what is open today. Exactly at the limit is still on time.
    answered_or_now = acted_at if acted_at is not None else now
    return answered_or_now - pushed_at > limit
