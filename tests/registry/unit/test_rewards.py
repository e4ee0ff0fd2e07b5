from dataclasses import replace
from datetime import date

import pytest

from services.registry.domain.rewards import (
    SAWS_2017_133,
    HonourRollFacts,
    honour_roll_eligible,
    honour_roll_until,
)
from services.registry.domain.scoring import CreditClass
from shared.errors import Invalid

MODEL = HonourRollFacts(
    credit_class=CreditClass.A,
    standardization_grade=1,
    blacklisted=False,
    public_commitment_signed=True,
    fatal_accidents=0,
    penalties=0,
)


def test_a_class_grade_1_enterprise_with_a_clean_record_is_eligible():
    eligible, reasons = honour_roll_eligible(MODEL)
    assert eligible
    assert reasons == []


def test_decision_records_the_rule_set():
    decision = honour_roll_eligible(MODEL)
    assert (decision.rule_set, decision.version) == ("saws-2017-133", 1)
    assert decision.eligible is True


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"credit_class": CreditClass.B}, "credit_class_not_a"),
        ({"credit_class": None}, "credit_class_not_a"),
        ({"standardization_grade": 2}, "standardization_grade_too_low"),
        ({"standardization_grade": None}, "standardization_grade_too_low"),
        ({"blacklisted": True}, "blacklisted"),
        ({"blacklist_entries": 1}, "untrustworthy_act_within_lookback"),
        ({"listed_in_other_field": True}, "listed_in_other_field"),
        ({"public_commitment_signed": False}, "no_public_commitment"),
        ({"fatal_accidents": 1}, "fatal_accident_within_lookback"),
        ({"penalties": 2}, "penalty_within_lookback"),
        ({"occupational_disease_cases": 1}, "occupational_disease_within_lookback"),
    ],
)
def test_each_unmet_condition_is_named(change, reason):
    eligible, reasons = honour_roll_eligible(replace(MODEL, **change))
    assert not eligible
    assert reasons == [reason]


def test_every_unmet_condition_is_listed():
    facts = replace(MODEL, credit_class="C", standardization_grade=3, penalties=1, public_commitment_signed=False)
    eligible, reasons = honour_roll_eligible(facts)
    assert not eligible
    assert reasons == [
        "credit_class_not_a",
        "standardization_grade_too_low",
        "no_public_commitment",
        "penalty_within_lookback",
    ]


def test_class_given_as_text_is_accepted():
    assert honour_roll_eligible(replace(MODEL, credit_class="A")).eligible


def test_negative_counts_are_invalid():
    with pytest.raises(Invalid) as caught:
        honour_roll_eligible(replace(MODEL, penalties=-1))
    assert caught.value.code == "invalid_facts"
    assert caught.value.errors[0]["field"] == "penalties"


def test_rules_are_data_with_a_three_year_lookback_and_term():
    assert (SAWS_2017_133.lookback_years, SAWS_2017_133.term_years) == (3, 3)
    assert SAWS_2017_133.effective_from == date(2017, 12, 7)
    assert honour_roll_until(date(2025, 1, 15)) == date(2028, 1, 15)
