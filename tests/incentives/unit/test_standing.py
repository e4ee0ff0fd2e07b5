import itertools
from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.incentives.domain.standing import (
    BLACKLIST_ENTRY_ADDED,
    BLACKLIST_ENTRY_REMOVED,
    CREDIT_CLASS_CHANGED,
    ENTERPRISE_REGISTERED,
    ENTERPRISE_UPDATED,
    EntryStatus,
    Standing,
    apply_event,
)
from shared.errors import Invalid

USCC = "91330100799655058B"


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def registered(event_id="ev-reg", name="湖州某矿业有限公司", time="2022-01-05"):
    data = {"uscc": USCC, "name": name, "division_code": "330503", "township": "旧馆镇", "village": "三桥村"}
    return (ENTERPRISE_REGISTERED, data, event_id, at(time))


def updated(event_id, time, **fields):
    return (ENTERPRISE_UPDATED, {"uscc": USCC, **fields}, event_id, at(time))


def class_changed(event_id, new_class, effective_at, old_class=None):
    data = {
        "uscc": USCC,
        "old_class": old_class,
        "new_class": new_class,
        "score": 88,
        "reason": "assessment approved",
        "assessment_id": f"as-{event_id}",
        "effective_at": effective_at,
    }
    return (CREDIT_CLASS_CHANGED, data, event_id, at("2030-01-01"))


def entry_added(event_id, entry_id, decided_at, expires_at="2026-06-01T00:00:00Z"):
    data = {
        "uscc": USCC,
        "entry_id": entry_id,
        "situation": "concealed_accident",
        "rule_set": "mem-order-11-2023",
        "decided_at": decided_at,
        "expires_at": expires_at,
    }
    return (BLACKLIST_ENTRY_ADDED, data, event_id, at("2030-01-01"))


def entry_removed(event_id, entry_id, removed_at, reason="repaired"):
    data = {"uscc": USCC, "entry_id": entry_id, "reason": reason, "removed_at": removed_at}
    return (BLACKLIST_ENTRY_REMOVED, data, event_id, at("2030-01-01"))


def fold(events, standing=None):
    for event in events:
        standing = apply_event(standing, *event)
    return standing


# --- profile ---


def test_registration_creates_the_standing_with_its_name():
    standing = fold([registered()])
    assert standing.uscc == USCC
    assert standing.name == "湖州某矿业有限公司"
    assert standing.credit_class is None
    assert not standing.blacklisted
    assert not standing.honour_roll


def test_a_later_update_renames_the_enterprise():
    standing = fold([registered(), updated("ev-up", "2023-03-01", name="湖州某新材料有限公司")])
    assert standing.name == "湖州某新材料有限公司"


def test_a_late_registration_does_not_undo_a_rename():
    standing = fold([updated("ev-up", "2023-03-01", name="湖州某新材料有限公司"), registered()])
    assert standing.name == "湖州某新材料有限公司"


def test_an_update_without_a_name_keeps_the_name():
    standing = fold([registered(), updated("ev-up", "2023-03-01", address="南浔区旧馆镇")])
    assert standing.name == "湖州某矿业有限公司"


def test_the_honour_roll_comes_from_an_update():
    on = fold([registered(), updated("ev-on", "2023-03-01", honour_roll=True)])
    off = fold(
        [
            registered(),
            updated("ev-on", "2023-03-01", honour_roll=True),
            updated("ev-off", "2024-03-01", honour_roll=False),
        ]
    )
    assert on.honour_roll
    assert not off.honour_roll


def test_honour_roll_must_be_a_boolean():
    with pytest.raises(Invalid) as excinfo:
        fold([updated("ev-up", "2023-03-01", honour_roll="yes")])
    assert excinfo.value.code == "invalid_event"


# --- credit class ---


def test_a_class_change_sets_the_class_and_its_stamp():
    standing = fold([registered(), class_changed("ev-c1", "B", "2023-01-10T08:00:00Z")])
    assert standing.credit_class == "B"
    assert standing.class_effective_at == at("2023-01-10T08:00:00")
    assert standing.class_event_id == "ev-c1"


def test_an_older_class_change_arriving_late_is_ignored():
    standing = fold(
        [
            class_changed("ev-c2", "A", "2024-01-15T00:00:00Z", old_class="B"),
            class_changed("ev-c1", "B", "2023-01-10T00:00:00Z"),
        ]
    )
    assert standing.credit_class == "A"


def test_equal_effective_times_are_broken_by_event_id():
    first = class_changed("ev-a", "C", "2024-01-15T00:00:00Z")
    second = class_changed("ev-b", "B", "2024-01-15T00:00:00Z")
    assert fold([first, second]).credit_class == "B"
    assert fold([second, first]).credit_class == "B"


def test_a_class_can_be_cleared_to_unrated():
    standing = fold([class_changed("ev-1", "B", "2023-01-01"), class_changed("ev-2", None, "2024-01-01")])
    assert standing.credit_class is None


def test_times_in_other_offsets_are_normalised_to_utc():
    standing = fold([class_changed("ev-1", "B", "2024-01-15T08:00:00+08:00")])
    assert standing.class_effective_at == at("2024-01-15T00:00:00")
    assert standing.class_effective_at.tzinfo == UTC


def test_a_bare_date_means_midnight_utc():
    assert fold([class_changed("ev-1", "B", "2024-01-15")]).class_effective_at == at("2024-01-15")


def test_aware_datetimes_are_accepted_in_event_data():
    effective = datetime(2024, 1, 15, 8, tzinfo=timezone(timedelta(hours=8)))
    assert fold([class_changed("ev-1", "B", effective)]).class_effective_at == at("2024-01-15")


# --- blacklist ---


def test_an_added_entry_blacklists_and_keeps_the_class_on_record():
    standing = fold([class_changed("ev-c", "B", "2023-01-10"), entry_added("ev-a", "E1", "2023-06-01T00:00:00Z")])
    assert standing.blacklisted
    assert standing.credit_class == "B"
    entry = standing.blacklist_entries["E1"]
    assert entry.status is EntryStatus.ACTIVE
    assert entry.reason == "concealed_accident"
    assert entry.at == at("2023-06-01")
    assert entry.expires_at == at("2026-06-01")


@pytest.mark.parametrize("reason", ["expired", "repaired", "revoked"])
def test_a_removed_entry_ends_the_listing(reason):
    standing = fold(
        [
            entry_added("ev-a", "E1", "2023-06-01T00:00:00Z"),
            entry_removed("ev-r", "E1", "2024-07-01T00:00:00Z", reason),
        ]
    )
    assert not standing.blacklisted
    assert standing.blacklist_entries["E1"].status is EntryStatus.REMOVED
    assert standing.blacklist_entries["E1"].reason == reason


def test_a_removal_arriving_before_its_addition_is_not_undone():
    standing = fold(
        [
            entry_removed("ev-r", "E1", "2024-07-01T00:00:00Z", "expired"),
            entry_added("ev-a", "E1", "2023-06-01T00:00:00Z"),
        ]
    )
    assert not standing.blacklisted


def test_a_revoked_repair_relists_the_enterprise_in_any_order():
    events = [
        entry_added("ev-a1", "E1", "2023-06-01T00:00:00Z"),
        entry_removed("ev-r", "E1", "2024-07-01T00:00:00Z", "repaired"),
        entry_added("ev-a2", "E1", "2024-09-01T00:00:00Z"),
    ]
    for order in itertools.permutations(events):
        standing = fold(order)
        assert standing.blacklisted
        assert standing.blacklist_entries["E1"].event_id == "ev-a2"


def test_one_active_entry_among_removed_ones_keeps_the_listing():
    standing = fold(
        [
            entry_added("ev-a1", "E1", "2023-06-01T00:00:00Z"),
            entry_removed("ev-r1", "E1", "2024-06-01T00:00:00Z", "expired"),
            entry_added("ev-a2", "E2", "2024-03-01T00:00:00Z"),
        ]
    )
    assert standing.blacklisted


def test_a_listing_without_expiry_is_accepted():
    standing = fold([entry_added("ev-a", "E1", "2023-06-01T00:00:00Z", expires_at=None)])
    assert standing.blacklist_entries["E1"].expires_at is None


# --- idempotency and order ---


def test_applying_the_same_event_twice_changes_nothing():
    for event in [
        registered(),
        updated("ev-up", "2023-03-01", name="新名称", honour_roll=True),
        class_changed("ev-c", "A", "2024-01-15"),
        entry_added("ev-a", "E1", "2023-06-01T00:00:00Z"),
        entry_removed("ev-r", "E1", "2024-07-01T00:00:00Z"),
    ]:
        once = apply_event(None, *event)
        assert apply_event(once, *event) == once


REALISTIC_HISTORY = [
    registered(),
    class_changed("ev-c1", "B", "2023-01-10T02:00:00Z"),
    updated("ev-up", "2023-03-01", name="湖州某新材料有限公司"),
    entry_added("ev-a1", "E1", "2023-06-01T00:00:00Z"),
    class_changed("ev-c2", "A", "2024-01-15T02:00:00Z", old_class="B"),
    entry_removed("ev-r1", "E1", "2024-07-01T00:00:00Z", "repaired"),
    entry_added("ev-a2", "E1", "2024-09-01T00:00:00Z"),
]


def test_every_order_of_a_realistic_history_with_duplicates_gives_one_state():
    in_order = fold(REALISTIC_HISTORY)
    assert in_order.name == "湖州某新材料有限公司"
    assert in_order.credit_class == "A"
    assert in_order.blacklisted
    # 7 events plus a redelivered one: 8! = 40,320 orders.
    with_duplicate = REALISTIC_HISTORY + [REALISTIC_HISTORY[5]]
    for order in itertools.permutations(with_duplicate):
        assert fold(order) == in_order


def test_every_order_of_two_listings_one_repaired_gives_one_state():
    history = REALISTIC_HISTORY[:6] + [
        entry_added("ev-b1", "E2", "2024-02-01T00:00:00Z"),
        entry_removed("ev-b2", "E2", "2024-08-01T00:00:00Z", "revoked"),
    ]
    in_order = fold(history)
    assert not in_order.blacklisted
    assert in_order.blacklist_entries.keys() == {"E1", "E2"}
    for order in itertools.permutations(history):
        assert fold(order) == in_order


# --- unknown and malformed events ---


def test_unknown_event_types_leave_the_standing_unchanged():
    standing = fold([registered()])
    event = ("registry.something.new.v1", {"uscc": USCC, "name": "x"}, "ev-x", at("2030-01-01"))
    assert apply_event(standing, *event) is standing
    assert apply_event(None, *event) is None


def test_an_event_for_another_enterprise_is_refused():
    standing = fold([registered()])
    other = (ENTERPRISE_UPDATED, {"uscc": "914403001922038216", "name": "x"}, "ev-x", at("2030-01-01"))
    with pytest.raises(Invalid) as excinfo:
        apply_event(standing, *other)
    assert excinfo.value.code == "uscc_mismatch"


@pytest.mark.parametrize(
    "event",
    [
        class_changed("ev-1", "E", "2024-01-15"),
        class_changed("ev-1", "B", "2024-01-15T08:00:00"),
        class_changed("ev-1", "B", "not a time"),
        class_changed("ev-1", "B", None),
        entry_added("ev-1", "", "2023-06-01T00:00:00Z"),
        entry_removed("ev-1", "E1", "2024-07-01T00:00:00Z", reason="forgiven"),
        (ENTERPRISE_REGISTERED, {"name": "no code"}, "ev-1", at("2030-01-01")),
        (ENTERPRISE_REGISTERED, {"uscc": USCC}, "", at("2030-01-01")),
        (ENTERPRISE_REGISTERED, {"uscc": USCC}, "ev-1", datetime(2030, 1, 1)),
    ],
    ids=[
        "unknown class",
        "naive time",
        "unreadable time",
        "missing time",
        "missing entry id",
        "unknown removal reason",
        "missing uscc",
        "missing event id",
        "naive event time",
    ],
)
def test_malformed_events_are_refused(event):
    with pytest.raises(Invalid) as excinfo:
        apply_event(None, *event)
    assert excinfo.value.code == "invalid_event"


def test_a_malformed_event_is_refused_even_when_it_would_lose():
    standing = fold([class_changed("ev-2", "A", "2025-01-01")])
    with pytest.raises(Invalid):
        apply_event(standing, *class_changed("ev-1", "Z", "2020-01-01"))


def test_a_standing_built_directly_is_unlisted_and_unrated():
    standing = Standing(uscc=USCC)
    assert not standing.blacklisted
    assert standing.credit_class is None


def test_the_registrys_update_carries_its_fields_in_changed():
    event = (
        ENTERPRISE_UPDATED,
        {"uscc": USCC, "changed": {"honour_roll": True, "name": "新名"}},
        "ev-up",
        at("2023-03-01"),
    )
    standing = fold([registered(), event])
    assert standing.honour_roll and standing.name == "新名"


def test_an_update_whose_changed_is_not_an_object_is_refused():
    with pytest.raises(Invalid):
        apply_event(None, ENTERPRISE_UPDATED, {"uscc": USCC, "changed": ["honour_roll"]}, "ev-up", at("2023-03-01"))
