from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from services.hazard.domain.deadlines import (
    DEFAULT_LADDER,
    EscalationLadder,
    EscalationStep,
    acceptance_late,
    due_steps,
    extended_deadline,
    is_overdue,
    overdue_from,
)
from shared.errors import Invalid

DEADLINE = date(2026, 3, 10)
CST = timezone(timedelta(hours=8))
REMINDER, OVERDUE, LETTER = EscalationStep.REMINDER, EscalationStep.OVERDUE, EscalationStep.SUPERVISION_LETTER


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_default_ladder_reminds_3_days_before_letters_after_7_and_accepts_within_10():
    assert (
        DEFAULT_LADDER.reminder_days_before,
        DEFAULT_LADDER.supervision_letter_after_days,
        DEFAULT_LADDER.acceptance_limit_days,
    ) == (3, 7, 10)
    assert DEFAULT_LADDER.rule_id == "hazard_escalation@1"


@pytest.mark.parametrize("field", ["reminder_days_before", "supervision_letter_after_days", "acceptance_limit_days"])
def test_ladder_with_negative_days_is_refused(field):
    values = {"reminder_days_before": 3, "supervision_letter_after_days": 7, "acceptance_limit_days": 10}
    with pytest.raises(Invalid) as caught:
        EscalationLadder(code="x", version=1, **{**values, field: -1})
    assert caught.value.code == "invalid_ladder"
    assert caught.value.errors[0]["field"] == field


def test_ladder_without_code_is_refused():
    with pytest.raises(Invalid) as caught:
        EscalationLadder(
            code=" ",
            version=1,
            reminder_days_before=3,
            supervision_letter_after_days=7,
            acceptance_limit_days=10,
        )
    assert caught.value.errors == [{"field": "code", "message": "required"}]


def test_hazard_is_overdue_from_midnight_after_its_deadline_in_china_standard_time():
    assert overdue_from(DEADLINE) == utc(2026, 3, 10, 16, 0)


def test_hazard_is_not_overdue_during_its_deadline_day():
    assert not is_overdue(DEADLINE, datetime(2026, 3, 10, 23, 59, 59, tzinfo=CST))
    assert not is_overdue(DEADLINE, utc(2026, 3, 10, 15, 59, 59))


def test_hazard_is_overdue_at_the_first_instant_of_the_next_day():
    assert is_overdue(DEADLINE, datetime(2026, 3, 11, 0, 0, tzinfo=CST))
    assert is_overdue(DEADLINE, utc(2026, 3, 10, 16, 0))


def test_overdue_follows_the_given_utc_offset():
    assert not is_overdue(DEADLINE, utc(2026, 3, 10, 23, 59), tz_offset_hours=0)
    assert is_overdue(DEADLINE, utc(2026, 3, 11, 0, 0), tz_offset_hours=0)


def test_naive_now_is_refused():
    with pytest.raises(Invalid) as caught:
        is_overdue(DEADLINE, datetime(2026, 3, 11, 12, 0))
    assert caught.value.code == "naive_datetime"
    assert caught.value.errors[0]["field"] == "now"


def test_nothing_is_due_before_the_reminder_day():
    assert due_steps(DEADLINE, utc(2026, 3, 6, 15, 59, 59), set()) == []


def test_reminder_is_due_from_the_start_of_the_third_day_before_the_deadline():
    assert due_steps(DEADLINE, utc(2026, 3, 6, 16, 0), set()) == [REMINDER]


def test_reminder_is_due_until_the_deadline_day_ends():
    assert due_steps(DEADLINE, utc(2026, 3, 10, 15, 59, 59), set()) == [REMINDER]


def test_reminder_done_is_not_due_again():
    assert due_steps(DEADLINE, utc(2026, 3, 8, 0, 0), {REMINDER}) == []


def test_overdue_is_due_once_the_deadline_day_has_passed():
    assert due_steps(DEADLINE, utc(2026, 3, 10, 16, 0), {REMINDER}) == [OVERDUE]


def test_missed_reminder_is_skipped_once_overdue():
    assert due_steps(DEADLINE, utc(2026, 3, 12, 0, 0), set()) == [OVERDUE]


def test_overdue_done_is_not_due_again():
    assert due_steps(DEADLINE, utc(2026, 3, 12, 0, 0), {REMINDER, OVERDUE}) == []


def test_supervision_letter_is_not_due_before_7_days_overdue():
    assert due_steps(DEADLINE, utc(2026, 3, 17, 15, 59, 59), {REMINDER, OVERDUE}) == []


def test_supervision_letter_is_due_7_days_after_becoming_overdue():
    assert due_steps(DEADLINE, utc(2026, 3, 17, 16, 0), {REMINDER, OVERDUE}) == [LETTER]


def test_late_watcher_gets_overdue_then_the_letter_in_order():
    assert due_steps(DEADLINE, utc(2026, 4, 1, 0, 0), set()) == [OVERDUE, LETTER]


def test_every_step_done_leaves_nothing_due():
    assert due_steps(DEADLINE, utc(2026, 4, 1, 0, 0), {REMINDER, OVERDUE, LETTER}) == []


def test_due_steps_follow_the_ladder_given():
    ladder = EscalationLadder(
        code="strict",
        version=2,
        reminder_days_before=1,
        supervision_letter_after_days=0,
        acceptance_limit_days=5,
    )
    assert due_steps(DEADLINE, utc(2026, 3, 8, 15, 59, 59), set(), ladder) == []
    assert due_steps(DEADLINE, utc(2026, 3, 8, 16, 0), set(), ladder) == [REMINDER]
    assert due_steps(DEADLINE, utc(2026, 3, 10, 16, 0), set(), ladder) == [OVERDUE, LETTER]


def test_due_steps_refuse_a_naive_now():
    with pytest.raises(Invalid):
        due_steps(DEADLINE, datetime(2026, 3, 11), set())


COMPLETED = datetime(2026, 3, 1, 0, 30, tzinfo=CST)  # 2026-02-28 16:30 UTC, a 1 March completion


def test_acceptance_on_the_tenth_local_day_after_completion_is_on_time():
    assert not acceptance_late(COMPLETED, datetime(2026, 3, 11, 23, 59, 59, tzinfo=CST))


def test_acceptance_on_the_eleventh_local_day_is_late():
    assert acceptance_late(COMPLETED, datetime(2026, 3, 12, 0, 0, tzinfo=CST))


def test_acceptance_limit_counts_local_days_not_utc_days():
    assert not acceptance_late(utc(2026, 2, 28, 16, 30), utc(2026, 3, 11, 15, 59))
    assert acceptance_late(utc(2026, 2, 28, 16, 30), utc(2026, 3, 11, 16, 0))


def test_acceptance_on_the_day_of_completion_is_on_time():
    assert not acceptance_late(COMPLETED, COMPLETED)


def test_acceptance_limit_follows_the_ladder_given():
    ladder = EscalationLadder(
        code="strict",
        version=2,
        reminder_days_before=3,
        supervision_letter_after_days=7,
        acceptance_limit_days=5,
    )
    assert acceptance_late(COMPLETED, datetime(2026, 3, 7, 9, 0, tzinfo=CST), ladder)


def test_acceptance_before_completion_is_refused():
    with pytest.raises(Invalid) as caught:
        acceptance_late(COMPLETED, COMPLETED - timedelta(seconds=1))
    assert caught.value.code == "acceptance_before_completion"


def test_acceptance_with_naive_times_is_refused():
    with pytest.raises(Invalid) as caught:
        acceptance_late(datetime(2026, 3, 1), COMPLETED)
    assert caught.value.errors[0]["field"] == "completed_at"


def test_extension_to_a_later_date_is_the_new_deadline():
    assert extended_deadline(DEADLINE, date(2026, 3, 31)) == date(2026, 3, 31)


@pytest.mark.parametrize("requested", [DEADLINE, date(2026, 3, 9)])
def test_extension_to_the_same_or_an_earlier_date_is_refused(requested):
    with pytest.raises(Invalid) as caught:
        extended_deadline(DEADLINE, requested)
    assert caught.value.code == "invalid_extension"
    assert caught.value.errors[0]["field"] == "deadline"
