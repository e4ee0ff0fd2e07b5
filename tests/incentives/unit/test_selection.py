from datetime import UTC, date, datetime

from services.incentives.domain.measures import SEED_MEASURES, Domain, Measure, MeasureKind
from services.incentives.domain.selection import applicable_measures, measure_changes, targets_of
from services.incentives.domain.standing import (
    BLACKLIST_ENTRY_ADDED,
    BLACKLIST_ENTRY_REMOVED,
    CREDIT_CLASS_CHANGED,
    EntryState,
    EntryStatus,
    Standing,
    apply_event,
)

USCC = "91330100799655058B"
TODAY = date(2025, 3, 1)
T = datetime(2024, 1, 1, tzinfo=UTC)
INCENTIVES = {m.code for m in SEED_MEASURES if m.kind is MeasureKind.INCENTIVE}
RESTRICTIONS = {m.code for m in SEED_MEASURES if m.kind is MeasureKind.RESTRICTION}


def standing(credit_class=None, honour_roll=False, listed=False):
    entries = {}
    if listed:
        entries["E1"] = EntryState(EntryStatus.ACTIVE, "concealed_accident", T, "ev-a")
    return Standing(uscc=USCC, credit_class=credit_class, honour_roll=honour_roll, blacklist_entries=entries)


def codes(measures):
    return {m.code for m in measures}


def measure(code, applies_to, kind=MeasureKind.RESTRICTION, valid_from=date(2020, 1, 1), valid_to=None):
    return Measure(code, Domain(code.split(".")[0]), kind, frozenset(applies_to), "措施", "依据", valid_from, valid_to)


# --- classes ---


def test_class_a_gets_every_reward_and_no_restriction():
    assert codes(applicable_measures(standing("A"), SEED_MEASURES, TODAY)) == INCENTIVES


def test_classes_b_and_c_get_no_seed_measures():
    assert applicable_measures(standing("B"), SEED_MEASURES, TODAY) == []
    assert applicable_measures(standing("C"), SEED_MEASURES, TODAY) == []


def test_classes_b_and_c_get_measures_aimed_at_them():
    catalogue = [measure("loans.watch_b", {"B"}), measure("loans.watch_c", {"C"})]
    assert codes(applicable_measures(standing("B"), catalogue, TODAY)) == {"loans.watch_b"}
    assert codes(applicable_measures(standing("C"), catalogue, TODAY)) == {"loans.watch_c"}


def test_class_d_gets_every_restriction():
    assert codes(applicable_measures(standing("D"), SEED_MEASURES, TODAY)) == RESTRICTIONS


def test_an_unrated_enterprise_gets_nothing():
    assert applicable_measures(standing(None), SEED_MEASURES, TODAY) == []


def test_an_unrated_enterprise_on_the_honour_roll_gets_the_rewards():
    assert codes(applicable_measures(standing(None, honour_roll=True), SEED_MEASURES, TODAY)) == INCENTIVES


def test_honour_roll_and_class_measures_add_up_without_duplicates():
    catalogue = [
        measure("awards.priority", {"A", "honour_roll"}, MeasureKind.INCENTIVE),
        measure("subsidies.roll_only", {"honour_roll"}, MeasureKind.INCENTIVE),
        measure("loans.b_only", {"B"}, MeasureKind.INCENTIVE),
    ]
    result = applicable_measures(standing("A", honour_roll=True), catalogue, TODAY)
    assert [m.code for m in result] == ["awards.priority", "subsidies.roll_only"]


# --- blacklist ---


def test_a_blacklisted_enterprise_gets_the_blacklist_measures():
    assert codes(applicable_measures(standing("D", listed=True), SEED_MEASURES, TODAY)) == RESTRICTIONS


def test_a_blacklisted_class_a_enterprise_loses_its_rewards():
    assert codes(applicable_measures(standing("A", listed=True), SEED_MEASURES, TODAY)) == RESTRICTIONS


def test_a_blacklisted_enterprise_on_the_honour_roll_gets_no_reward():
    listed = standing("A", honour_roll=True, listed=True)
    assert not codes(applicable_measures(listed, SEED_MEASURES, TODAY)) & INCENTIVES


def test_a_blacklisted_enterprise_gets_blacklist_measures_not_its_class_measures():
    catalogue = [measure("loans.d_only", {"D"}), measure("loans.listed_only", {"blacklist"})]
    assert codes(applicable_measures(standing("D", listed=True), catalogue, TODAY)) == {"loans.listed_only"}
    assert codes(applicable_measures(standing("D"), catalogue, TODAY)) == {"loans.d_only"}


def test_targets_of_a_listed_enterprise_are_only_the_blacklist():
    assert targets_of(standing("A", honour_roll=True, listed=True)) == {"blacklist"}
    assert targets_of(standing("A", honour_roll=True)) == {"A", "honour_roll"}
    assert targets_of(standing(None)) == frozenset()


def _listed_then_removed(reason):
    events = [
        (CREDIT_CLASS_CHANGED, {"uscc": USCC, "new_class": "A", "effective_at": "2022-05-01"}, "ev-c", T),
        (
            BLACKLIST_ENTRY_ADDED,
            {
                "uscc": USCC,
                "entry_id": "E1",
                "situation": "unlicensed_operation",
                "rule_set": "mem-order-11-2023",
                "decided_at": "2023-01-10T00:00:00Z",
                "expires_at": "2026-01-10T00:00:00Z",
            },
            "ev-a",
            T,
        ),
    ]
    result = None
    for event in events:
        result = apply_event(result, *event)
    before = result
    removal = {"uscc": USCC, "entry_id": "E1", "reason": reason, "removed_at": "2024-02-01T00:00:00Z"}
    return before, apply_event(before, BLACKLIST_ENTRY_REMOVED, removal, "ev-r", T)


def test_a_repaired_listing_brings_the_class_measures_back():
    listed, repaired = _listed_then_removed("repaired")
    assert codes(applicable_measures(listed, SEED_MEASURES, TODAY)) == RESTRICTIONS
    assert codes(applicable_measures(repaired, SEED_MEASURES, TODAY)) == INCENTIVES


def test_an_expired_listing_brings_the_class_measures_back():
    _, expired = _listed_then_removed("expired")
    assert codes(applicable_measures(expired, SEED_MEASURES, TODAY)) == INCENTIVES


# --- validity, domains, order ---


def test_measures_outside_their_validity_do_not_apply():
    catalogue = [
        measure("loans.not_yet", {"D"}, valid_from=date(2026, 1, 1)),
        measure("loans.ended", {"D"}, valid_to=date(2024, 12, 31)),
        measure("loans.last_day", {"D"}, valid_to=TODAY),
        measure("loans.first_day", {"D"}, valid_from=TODAY),
    ]
    assert codes(applicable_measures(standing("D"), catalogue, TODAY)) == {
        "loans.last_day",
        "loans.first_day",
    }


def test_seed_measures_do_not_apply_before_the_catalogue_took_effect():
    assert applicable_measures(standing("D"), SEED_MEASURES, date(2017, 12, 6)) == []
    assert applicable_measures(standing("D"), SEED_MEASURES, date(2017, 12, 7)) != []


def test_bank_key_never_sees_land_measures():
    bank = frozenset({Domain.LOANS})
    for subject in [standing(c, honour_roll=h, listed=b) for c in "ABCD" for h in (0, 1) for b in (0, 1)]:
        for m in applicable_measures(subject, SEED_MEASURES, TODAY, domains=bank):
            assert m.domain is Domain.LOANS
    assert codes(applicable_measures(standing("D"), SEED_MEASURES, TODAY, bank)) == {"loans.restricted_credit"}


def test_several_domains_can_be_asked_together():
    utility_and_land = frozenset({Domain.ELECTRICITY, Domain.LAND})
    assert codes(applicable_measures(standing("A"), SEED_MEASURES, TODAY, utility_and_land)) == {
        "electricity.capacity_favoured",
        "land.supply_favoured",
    }


def test_an_empty_domain_set_shows_nothing():
    assert applicable_measures(standing("D"), SEED_MEASURES, TODAY, frozenset()) == []


def test_measures_are_sorted_by_code():
    result = [m.code for m in applicable_measures(standing("D"), reversed(SEED_MEASURES), TODAY)]
    assert result == sorted(result)


def test_selection_is_a_pure_function_of_standing_and_catalogue():
    subject = standing("D", listed=True)
    assert applicable_measures(subject, SEED_MEASURES, TODAY) == applicable_measures(
        subject, list(SEED_MEASURES), TODAY
    )


# --- changes ---


def test_measure_changes_split_into_pushed_and_lifted():
    pushed, lifted = measure_changes({"loans.restricted_credit", "awards.veto"}, {"awards.veto", "land.x"})
    assert pushed == {"land.x"}
    assert lifted == {"loans.restricted_credit"}


def test_no_change_pushes_and_lifts_nothing():
    assert measure_changes({"awards.veto"}, {"awards.veto"}) == (set(), set())


def test_a_repair_lifts_every_restriction_and_pushes_every_reward():
    listed, repaired = _listed_then_removed("repaired")
    before = codes(applicable_measures(listed, SEED_MEASURES, TODAY))
    after = codes(applicable_measures(repaired, SEED_MEASURES, TODAY))
    assert measure_changes(before, after) == (INCENTIVES, RESTRICTIONS)
