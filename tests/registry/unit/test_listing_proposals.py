from datetime import UTC, datetime

import pytest

from services.registry.domain.blacklist import (
    AccidentFact,
    HazardFact,
    ListingFacts,
    listing_proposals,
    rule_set,
)
from shared.errors import Invalid

ORDER_11 = rule_set("mem-order-11-2023")
LEGACY = rule_set("saws-2017-49")
NOW = datetime(2025, 6, 1, tzinfo=UTC)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def accident(accident_id, when, grade, deaths=0):
    return AccidentFact(accident_id, when, grade, deaths)


def situations(proposals):
    return [p.situation for p in proposals]


def test_no_facts_no_proposals():
    assert listing_proposals(ORDER_11, ListingFacts(), NOW) == []


@pytest.mark.parametrize("grade", ["particularly_serious", "serious"])
def test_serious_or_worse_accident_proposes_listing(grade):
    [proposal] = listing_proposals(ORDER_11, ListingFacts(accidents=(accident("acc-1", utc(2025, 2, 1), grade),)), NOW)
    assert proposal.situation == "particularly_serious_or_serious_accident"
    assert proposal.evidence_ids == ("acc-1",)
    assert (proposal.rule_set, proposal.version) == ("mem-order-11-2023", 1)
    assert "2025-02-01" in proposal.reason


def test_one_larger_accident_proposes_nothing_under_order_11():
    facts = ListingFacts(accidents=(accident("acc-1", utc(2025, 2, 1), "larger"),))
    assert listing_proposals(ORDER_11, facts, NOW) == []


def test_second_larger_accident_within_12_months_proposes_listing():
    facts = ListingFacts(
        accidents=(
            accident("acc-2", utc(2025, 1, 20), "larger"),
            accident("acc-1", utc(2024, 3, 10), "larger"),
        )
    )
    [proposal] = listing_proposals(ORDER_11, facts, NOW)
    assert proposal.situation == "two_larger_accidents_in_12_months"
    assert proposal.evidence_ids == ("acc-1", "acc-2")
    assert "within 12 months" in proposal.reason


def test_second_larger_accident_exactly_12_months_later_counts():
    facts = ListingFacts(
        accidents=(accident("a", utc(2024, 3, 10, 8), "larger"), accident("b", utc(2025, 3, 10, 8), "larger"))
    )
    assert situations(listing_proposals(ORDER_11, facts, NOW)) == ["two_larger_accidents_in_12_months"]


def test_larger_accidents_more_than_12_months_apart_propose_nothing():
    facts = ListingFacts(
        accidents=(accident("a", utc(2024, 3, 10), "larger"), accident("b", utc(2025, 3, 11), "larger"))
    )
    assert listing_proposals(ORDER_11, facts, NOW) == []


def test_only_accidents_inside_a_qualifying_window_are_evidence():
    facts = ListingFacts(
        accidents=(
            accident("old", utc(2022, 1, 1), "larger"),
            accident("a", utc(2024, 8, 1), "larger"),
            accident("b", utc(2025, 2, 1), "larger"),
        )
    )
    [proposal] = listing_proposals(ORDER_11, facts, NOW)
    assert proposal.evidence_ids == ("a", "b")


def test_general_accidents_do_not_count_as_larger():
    facts = ListingFacts(
        accidents=(accident("a", utc(2025, 1, 1), "general", 2), accident("b", utc(2025, 2, 1), "general", 1))
    )
    assert listing_proposals(ORDER_11, facts, NOW) == []


def test_accidents_after_now_are_ignored():
    facts = ListingFacts(accidents=(accident("future", utc(2025, 7, 1), "serious"),))
    assert listing_proposals(ORDER_11, facts, NOW) == []


def test_serious_and_two_larger_accidents_give_two_proposals_in_rule_order():
    facts = ListingFacts(
        accidents=(
            accident("l1", utc(2025, 1, 1), "larger"),
            accident("s1", utc(2025, 2, 1), "serious"),
            accident("l2", utc(2025, 3, 1), "larger"),
        )
    )
    assert situations(listing_proposals(ORDER_11, facts, NOW)) == [
        "particularly_serious_or_serious_accident",
        "two_larger_accidents_in_12_months",
    ]


def test_overdue_major_hazard_while_operating_is_no_ground_under_order_11():
    facts = ListingFacts(overdue_major_hazards=(HazardFact("hz-1", utc(2025, 4, 1), operating=True),))
    assert listing_proposals(ORDER_11, facts, NOW) == []


def test_overdue_major_hazard_while_operating_proposes_listing_under_legacy_rules():
    facts = ListingFacts(
        overdue_major_hazards=(
            HazardFact("hz-1", utc(2025, 4, 1), operating=True),
            HazardFact("hz-2", utc(2025, 3, 1), operating=True),
        )
    )
    [proposal] = listing_proposals(LEGACY, facts, NOW)
    assert proposal.situation == "major_hazard_unrectified_while_operating"
    assert proposal.evidence_ids == ("hz-1", "hz-2")
    assert "since 2025-03-01" in proposal.reason
    assert proposal.rule_set == "saws-2017-49"


def test_overdue_major_hazard_with_work_stopped_proposes_nothing():
    facts = ListingFacts(overdue_major_hazards=(HazardFact("hz-1", utc(2025, 4, 1), operating=False),))
    assert listing_proposals(LEGACY, facts, NOW) == []


def test_hazard_not_yet_overdue_proposes_nothing():
    facts = ListingFacts(overdue_major_hazards=(HazardFact("hz-1", utc(2025, 7, 1), operating=True),))
    assert listing_proposals(LEGACY, facts, NOW) == []


def test_one_larger_accident_proposes_listing_under_legacy_rules():
    facts = ListingFacts(accidents=(accident("acc-1", utc(2025, 2, 1), "larger"),))
    assert situations(listing_proposals(LEGACY, facts, NOW)) == ["larger_or_above_accident"]


def test_three_fatal_general_accidents_within_a_year_propose_listing_under_legacy_rules():
    facts = ListingFacts(
        accidents=(
            accident("g1", utc(2024, 7, 1), "general", deaths=1),
            accident("g2", utc(2024, 12, 1), "general", deaths=2),
            accident("g3", utc(2025, 5, 1), "general", deaths=1),
        )
    )
    [proposal] = listing_proposals(LEGACY, facts, NOW)
    assert proposal.situation == "three_fatal_general_accidents_in_year"
    assert proposal.evidence_ids == ("g1", "g2", "g3")


def test_general_accidents_without_deaths_do_not_count_under_legacy_rules():
    facts = ListingFacts(
        accidents=(
            accident("g1", utc(2024, 7, 1), "general", deaths=1),
            accident("g2", utc(2024, 12, 1), "general", deaths=0),
            accident("g3", utc(2025, 5, 1), "general", deaths=1),
        )
    )
    assert listing_proposals(LEGACY, facts, NOW) == []


def test_unknown_accident_grade_is_invalid():
    with pytest.raises(Invalid) as caught:
        listing_proposals(ORDER_11, ListingFacts(accidents=(accident("a", utc(2025, 1, 1), "minor"),)), NOW)
    assert caught.value.code == "invalid_facts"
    assert caught.value.errors[0]["field"] == "accidents.grade"


def test_negative_deaths_are_invalid():
    with pytest.raises(Invalid) as caught:
        listing_proposals(LEGACY, ListingFacts(accidents=(accident("a", utc(2025, 1, 1), "general", -1),)), NOW)
    assert caught.value.errors[0]["field"] == "accidents.deaths"


def test_naive_times_in_facts_are_refused():
    with pytest.raises(Invalid) as caught:
        listing_proposals(ORDER_11, ListingFacts(accidents=(accident("a", datetime(2025, 1, 1), "serious"),)), NOW)
    assert caught.value.code == "naive_datetime"
    with pytest.raises(Invalid):
        listing_proposals(ORDER_11, ListingFacts(), datetime(2025, 6, 1))
