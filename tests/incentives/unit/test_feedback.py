from datetime import UTC, datetime, timedelta

import pytest

from services.incentives.domain.feedback import (
    FeedbackAction,
    MeasureLifeStatus,
    allowed_actions,
    is_overdue,
    needs_lift_push,
    next_status,
    on_cause_ended,
)
from shared.errors import Conflict, Invalid

S = MeasureLifeStatus
A = FeedbackAction

ALLOWED = [
    (S.PUSHED, A.ACKNOWLEDGED, S.ACKNOWLEDGED),
    (S.PUSHED, A.APPLIED, S.APPLIED),
    (S.PUSHED, A.NOT_APPLICABLE, S.NOT_APPLICABLE),
    (S.ACKNOWLEDGED, A.ACKNOWLEDGED, S.ACKNOWLEDGED),
    (S.ACKNOWLEDGED, A.APPLIED, S.APPLIED),
    (S.ACKNOWLEDGED, A.NOT_APPLICABLE, S.NOT_APPLICABLE),
    (S.APPLIED, A.APPLIED, S.APPLIED),
    (S.NOT_APPLICABLE, A.NOT_APPLICABLE, S.NOT_APPLICABLE),
    (S.NOT_APPLICABLE, A.APPLIED, S.APPLIED),
    (S.LIFT_PUSHED, A.ACKNOWLEDGED, S.LIFT_PUSHED),
    (S.LIFT_PUSHED, A.APPLIED, S.LIFT_PUSHED),
    (S.LIFT_PUSHED, A.LIFTED, S.LIFTED),
    (S.LIFT_PUSHED, A.NOT_APPLICABLE, S.LIFTED),
    (S.LIFTED, A.LIFTED, S.LIFTED),
]
ALLOWED_PAIRS = {(s, a) for s, a, _ in ALLOWED}
REFUSED = [(s, a) for s in S for a in A if (s, a) not in ALLOWED_PAIRS]


@pytest.mark.parametrize(("current", "action", "expected"), ALLOWED)
def test_allowed_feedback_moves_the_measure(current, action, expected):
    assert next_status(current, action) is expected


@pytest.mark.parametrize(("current", "action"), REFUSED)
def test_other_feedback_is_a_conflict_naming_status_and_allowed_actions(current, action):
    with pytest.raises(Conflict) as excinfo:
        next_status(current, action)
    error = excinfo.value
    assert error.code == "invalid_feedback"
    assert error.status == 409
    assert error.extra["state"] == current.value
    assert error.extra["allowed"] == [a.value for a in allowed_actions(current)]
    assert current.value in error.detail
    for allowed in error.extra["allowed"]:
        assert allowed in error.detail


def test_applied_straight_from_pushed_implies_acknowledgement():
    assert next_status(S.PUSHED, A.APPLIED) is S.APPLIED


def test_a_partner_cannot_lift_a_measure_whose_cause_still_holds():
    with pytest.raises(Conflict):
        next_status(S.APPLIED, A.LIFTED)


def test_a_partner_cannot_declare_not_applicable_after_applying():
    with pytest.raises(Conflict):
        next_status(S.APPLIED, A.NOT_APPLICABLE)


def test_a_lifted_measure_cannot_be_applied_again():
    with pytest.raises(Conflict):
        next_status(S.LIFTED, A.APPLIED)


def test_plain_strings_are_accepted():
    assert next_status("pushed", "applied") == "applied"


def test_an_unknown_action_is_invalid():
    with pytest.raises(Invalid) as excinfo:
        next_status(S.PUSHED, "ignored")
    assert excinfo.value.code == "invalid_feedback_action"
    assert excinfo.value.errors[0]["field"] == "action"


def test_the_full_life_of_a_restriction():
    status = S.PUSHED
    status = next_status(status, A.ACKNOWLEDGED)
    status = next_status(status, A.APPLIED)
    status = on_cause_ended(status)
    assert status is S.LIFT_PUSHED
    assert next_status(status, A.LIFTED) is S.LIFTED


@pytest.mark.parametrize("current", [S.PUSHED, S.ACKNOWLEDGED, S.APPLIED])
def test_ending_the_cause_owes_a_lift_push(current):
    assert needs_lift_push(current)
    assert on_cause_ended(current) is S.LIFT_PUSHED


def test_ending_the_cause_of_a_not_applicable_measure_closes_it_without_a_push():
    assert not needs_lift_push(S.NOT_APPLICABLE)
    assert on_cause_ended(S.NOT_APPLICABLE) is S.LIFTED


@pytest.mark.parametrize("current", [S.LIFT_PUSHED, S.LIFTED])
def test_ending_the_cause_again_changes_nothing(current):
    assert not needs_lift_push(current)
    assert on_cause_ended(current) is current


def test_allowed_actions_are_listed_in_a_stable_order():
    assert allowed_actions(S.PUSHED) == [A.ACKNOWLEDGED, A.APPLIED, A.NOT_APPLICABLE]
    assert allowed_actions(S.LIFTED) == [A.LIFTED]


# --- overdue ---

PUSHED_AT = datetime(2025, 3, 1, 9, tzinfo=UTC)
LIMIT = timedelta(days=5)


def test_unanswered_within_the_limit_is_not_overdue():
    assert not is_overdue(PUSHED_AT, None, PUSHED_AT + timedelta(days=4), LIMIT)


def test_unanswered_exactly_at_the_limit_is_not_yet_overdue():
    assert not is_overdue(PUSHED_AT, None, PUSHED_AT + LIMIT, LIMIT)


def test_unanswered_past_the_limit_is_overdue():
    assert is_overdue(PUSHED_AT, None, PUSHED_AT + LIMIT + timedelta(seconds=1), LIMIT)


def test_answered_in_time_is_never_overdue():
    assert not is_overdue(PUSHED_AT, PUSHED_AT + timedelta(days=2), PUSHED_AT + timedelta(days=30), LIMIT)


def test_answered_late_stays_counted_as_overdue():
    assert is_overdue(PUSHED_AT, PUSHED_AT + timedelta(days=6), PUSHED_AT + timedelta(days=30), LIMIT)
