from datetime import UTC, date, datetime, timedelta

import pytest

from services.registry.domain.blacklist import (
    DEFAULT_RULE_SET,
    RULE_SETS,
    EntryAction,
    EntryStatus,
    check_repair_allowed,
    check_situation,
    current_rule_set,
    entry_expires_at,
    is_due_to_expire,
    next_status,
    repair_earliest,
    restored_expires_at,
    rule_set,
)
from shared.errors import Conflict, Invalid

ORDER_11 = rule_set("mem-order-11-2023")
LEGACY = rule_set("saws-2017-49")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# rule sets as data


def test_order_11_is_the_default_rule_set_with_a_3_year_term_and_repair_after_12_months():
    assert DEFAULT_RULE_SET is ORDER_11
    assert ORDER_11.effective_from == date(2023, 10, 1)
    assert (ORDER_11.term_months, ORDER_11.repeat_term_months, ORDER_11.repair_min_months) == (36, None, 12)


def test_order_11_lists_the_seven_situations_with_stable_codes_and_chinese_text():
    assert ORDER_11.situation_codes() == (
        "particularly_serious_or_serious_accident",
        "two_larger_accidents_in_12_months",
        "accident_fined_2_to_5x",
        "concealed_or_false_accident_report",
        "failed_rescue_or_absconded",
        "unlicensed_or_suspended_operation",
        "service_institution_fraud",
    )
    assert all(situation.text_zh for situation in ORDER_11.situations)
    assert "较大" in check_situation(ORDER_11, "two_larger_accidents_in_12_months").text_zh


def test_legacy_rule_set_has_a_1_year_term_3_years_on_repeat_and_no_early_repair():
    assert LEGACY.effective_from == date(2017, 5, 9)
    assert (LEGACY.term_months, LEGACY.repeat_term_months, LEGACY.repeat_window_months) == (12, 36, 12)
    assert LEGACY.repair_min_months is None
    assert "major_hazard_unrectified_while_operating" in LEGACY.situation_codes()


def test_situation_codes_are_unique_within_each_rule_set():
    for rs in RULE_SETS.values():
        assert len(set(rs.situation_codes())) == len(rs.situations)
        for accident_rule in rs.accident_rules:
            check_situation(rs, accident_rule.situation)
        if rs.hazard_situation:
            check_situation(rs, rs.hazard_situation)


def test_unknown_rule_set_is_invalid():
    with pytest.raises(Invalid) as caught:
        rule_set("saws-2015-62")
    assert caught.value.code == "unknown_rule_set"
    assert "mem-order-11-2023" in caught.value.detail


def test_current_rule_set_is_order_11_from_1_october_2023():
    assert current_rule_set(date(2023, 10, 1)) is ORDER_11
    assert current_rule_set(date(2026, 1, 1)) is ORDER_11


def test_current_rule_set_is_the_legacy_one_before_order_11():
    assert current_rule_set(date(2023, 9, 30)) is LEGACY
    assert current_rule_set(date(2017, 5, 9)) is LEGACY


def test_no_rule_set_before_the_legacy_one():
    with pytest.raises(Invalid) as caught:
        current_rule_set(date(2017, 5, 8))
    assert caught.value.code == "no_rule_set_in_force"


def test_unknown_situation_is_invalid_and_lists_the_allowed_codes():
    with pytest.raises(Invalid) as caught:
        check_situation(ORDER_11, "major_hazard_unrectified_while_operating")
    assert caught.value.code == "unknown_situation"
    assert "two_larger_accidents_in_12_months" in caught.value.detail
    assert caught.value.errors[0]["field"] == "situation"


# terms


def test_order_11_listing_runs_36_calendar_months():
    assert entry_expires_at(ORDER_11, utc(2024, 3, 15, 9, 30), []) == utc(2027, 3, 15, 9, 30)


def test_order_11_term_does_not_grow_on_a_repeat_listing():
    assert entry_expires_at(ORDER_11, utc(2024, 3, 15), [utc(2024, 1, 1)]) == utc(2027, 3, 15)


def test_term_is_clamped_to_month_end():
    assert entry_expires_at(ORDER_11, utc(2024, 2, 29), []) == utc(2027, 2, 28)
    assert entry_expires_at(LEGACY, utc(2023, 1, 31), []) == utc(2024, 1, 31)


def test_legacy_first_listing_runs_12_months():
    assert entry_expires_at(LEGACY, utc(2020, 6, 1), []) == utc(2021, 6, 1)


def test_legacy_second_listing_within_12_months_runs_36_months():
    assert entry_expires_at(LEGACY, utc(2020, 6, 1), [utc(2019, 9, 1)]) == utc(2023, 6, 1)


def test_legacy_listing_exactly_12_months_after_the_first_is_a_repeat():
    assert entry_expires_at(LEGACY, utc(2020, 6, 1), [utc(2019, 6, 1)]) == utc(2023, 6, 1)


def test_legacy_listing_more_than_12_months_after_the_first_runs_12_months():
    assert entry_expires_at(LEGACY, utc(2020, 6, 1), [utc(2019, 5, 31, 23, 59)]) == utc(2021, 6, 1)


def test_a_later_listing_does_not_count_as_prior():
    assert entry_expires_at(LEGACY, utc(2020, 6, 1), [utc(2020, 6, 1), utc(2020, 8, 1)]) == utc(2021, 6, 1)


def test_naive_datetimes_are_refused():
    with pytest.raises(Invalid) as caught:
        entry_expires_at(ORDER_11, datetime(2024, 3, 15), [])
    assert caught.value.code == "naive_datetime"
    with pytest.raises(Invalid):
        entry_expires_at(LEGACY, utc(2024, 3, 15), [datetime(2024, 1, 1)])


def test_listing_is_due_to_expire_at_its_end():
    end = utc(2027, 3, 15)
    assert not is_due_to_expire(end, end - timedelta(seconds=1))
    assert is_due_to_expire(end, end)
    assert is_due_to_expire(end, end + timedelta(days=1))


# credit repair


def test_repair_opens_12_months_after_listing_under_order_11():
    assert repair_earliest(ORDER_11, utc(2024, 3, 15, 8)) == utc(2025, 3, 15, 8)


def test_legacy_rule_set_has_no_early_repair():
    assert repair_earliest(LEGACY, utc(2020, 6, 1)) is None


def test_repair_after_12_months_is_allowed():
    check_repair_allowed(ORDER_11, utc(2024, 3, 15), utc(2025, 3, 15))
    check_repair_allowed(ORDER_11, utc(2024, 3, 15), utc(2026, 1, 1))


def test_repair_before_12_months_is_too_early_and_names_the_date():
    with pytest.raises(Conflict) as caught:
        check_repair_allowed(ORDER_11, utc(2024, 3, 15), utc(2025, 3, 14, 23, 59))
    assert caught.value.code == "too_early"
    assert caught.value.status == 409
    assert caught.value.extra["earliest"] == "2025-03-15T00:00:00+00:00"
    assert "2025-03-15T00:00:00+00:00" in caught.value.detail


def test_repair_under_the_legacy_rule_set_is_not_available():
    with pytest.raises(Conflict) as caught:
        check_repair_allowed(LEGACY, utc(2020, 6, 1), utc(2021, 5, 1))
    assert caught.value.code == "repair_not_available"


# entry life cycle


@pytest.mark.parametrize(
    ("state", "action", "expected"),
    [
        ("active", "expire", "expired"),
        ("active", "repair", "repaired"),
        ("active", "revoke", "revoked"),
        ("repaired", "revoke_repair", "active"),
    ],
)
def test_allowed_transitions(state, action, expected):
    assert next_status(EntryStatus(state), EntryAction(action)) is EntryStatus(expected)
    assert next_status(state, action) == expected


@pytest.mark.parametrize(
    ("state", "action", "allowed"),
    [
        ("active", "revoke_repair", ["expire", "repair", "revoke"]),
        ("repaired", "expire", ["revoke_repair"]),
        ("repaired", "repair", ["revoke_repair"]),
        ("expired", "repair", []),
        ("expired", "revoke_repair", []),
        ("revoked", "expire", []),
    ],
)
def test_invalid_transition_names_the_state_and_the_allowed_actions(state, action, allowed):
    with pytest.raises(Conflict) as caught:
        next_status(state, action)
    assert caught.value.code == "invalid_transition"
    assert caught.value.extra == {"state": state, "allowed": allowed}
    assert f"cannot {action} an entry that is {state}" in caught.value.detail


def test_unknown_action_is_invalid():
    with pytest.raises(Invalid) as caught:
        next_status("active", "pardon")
    assert caught.value.code == "unknown_action"


def test_revoked_repair_resumes_the_remaining_term_from_the_revocation():
    original_end = utc(2027, 3, 15)
    repaired_at = utc(2025, 3, 15)  # two years left
    revoked_at = utc(2025, 9, 1)
    assert restored_expires_at(original_end, repaired_at, revoked_at) == revoked_at + (original_end - repaired_at)
    assert restored_expires_at(original_end, repaired_at, revoked_at).date() == date(2027, 9, 1)


def test_repair_revoked_after_the_original_end_still_serves_the_rest():
    restored = restored_expires_at(utc(2027, 3, 15), utc(2027, 1, 14), utc(2028, 1, 1))
    assert restored == utc(2028, 3, 1)


def test_repair_revoked_at_once_restores_the_original_end():
    assert restored_expires_at(utc(2027, 3, 15), utc(2025, 3, 15), utc(2025, 3, 15)) == utc(2027, 3, 15)


def test_restore_refuses_inconsistent_dates():
    with pytest.raises(Invalid) as caught:
        restored_expires_at(utc(2027, 3, 15), utc(2025, 3, 15), utc(2025, 3, 14))
    assert caught.value.errors[0]["field"] == "revoked_at"
    with pytest.raises(Invalid) as caught:
        restored_expires_at(utc(2027, 3, 15), utc(2027, 3, 16), utc(2027, 4, 1))
    assert caught.value.errors[0]["field"] == "repaired_at"
