import json
from dataclasses import replace
from decimal import Decimal

import pytest

from services.registry.domain.scoring import (
    DEFAULT_ASSESSMENT_RULE_SET as RULES,
)
from services.registry.domain.scoring import (
    AssessmentFacts,
    CreditClass,
    assess,
    validate_rule_set,
)
from shared.errors import Invalid

NEUTRAL = AssessmentFacts()


def scores(total: int | str = 90, **parts) -> dict[str, Decimal]:
    """Every part at ``total`` (so the weighted total is ``total``), with some parts overridden."""
    base = {
        part: Decimal(total)
        for part in (
            "standardization",
            "safety_culture",
            "staff_participation",
            "public_commitment",
            "legal_compliance",
        )
    }
    return base | {part: Decimal(value) for part, value in parts.items()}


def run(total=90, facts=NEUTRAL, rule_set=RULES, category="general", **parts):
    return assess(scores(total, **parts), facts, rule_set, category)


def overrides(result):
    return [(o["rule"], o["from"], o["to"]) for o in result.breakdown["overrides"]]


def test_default_rule_set_is_huzhou_credit_version_1_and_sound():
    assert (RULES.code, RULES.version) == ("huzhou-credit", 1)
    assert dict(RULES.weights) == {
        "standardization": Decimal("0.5"),
        "safety_culture": Decimal("0.1"),
        "staff_participation": Decimal("0.1"),
        "public_commitment": Decimal("0.1"),
        "legal_compliance": Decimal("0.2"),
    }
    assert dict(RULES.class_lines) == {"A": 90, "B": 75, "C": 60}
    validate_rule_set(RULES)


def test_total_is_the_weighted_sum_of_the_five_parts():
    result = assess(
        {
            "standardization": 80,
            "safety_culture": 70,
            "staff_participation": 60,
            "public_commitment": 100,
            "legal_compliance": Decimal("95.5"),
        },
        NEUTRAL,
        RULES,
        "general",
    )
    # 40 + 7 + 6 + 10 + 19.1
    assert result.total_score == Decimal("82.10")
    assert result.credit_class is CreditClass.B


def test_total_is_rounded_half_up_to_two_decimals():
    result = run(0, standardization="90.01")  # 45.005
    assert result.total_score == Decimal("45.01")
    assert str(result.total_score) == "45.01"


@pytest.mark.parametrize(
    ("total", "cls"),
    [(100, "A"), (90, "A"), ("89.99", "B"), (75, "B"), ("74.99", "C"), (60, "C"), ("59.99", "D"), (0, "D")],
)
def test_class_follows_the_lines(total, cls):
    assert run(total).credit_class == cls


def test_class_follows_the_rounded_total():
    result = run(90, standardization="89.99")  # 44.995 + 45 = 89.995, rounded up onto A's line
    assert result.total_score == Decimal("90.00")
    assert result.credit_class is CreditClass.A


def test_one_assessment_gives_two_results():
    result = run(70, standardization=92)
    assert result.standardization_result == 1
    assert result.credit_class is CreditClass.B  # 92 * 0.5 + 70 * 0.5 = 81


def test_standardization_result_is_none_below_grade_3():
    assert run(59).standardization_result is None


def test_result_records_the_rule_set_and_version():
    result = run(90)
    assert (result.rule_set, result.version) == ("huzhou-credit", 1)
    assert result.breakdown["rule_set"] == "huzhou-credit"
    assert result.breakdown["version"] == 1
    assert result.breakdown["standardization"]["rule_set"] == RULES.standardization.code


def test_breakdown_shows_every_part_with_numbers_as_strings_and_is_json_ready():
    result = run(80, legal_compliance="95.5")
    breakdown = result.breakdown
    assert breakdown["parts"][0] == {
        "part": "standardization",
        "score": "80",
        "weight": "0.5",
        "weighted": "40.0",
    }
    assert breakdown["parts"][-1] == {
        "part": "legal_compliance",
        "score": "95.5",
        "weight": "0.2",
        "weighted": "19.10",
    }
    assert [p["part"] for p in breakdown["parts"]] == [
        "standardization",
        "safety_culture",
        "staff_participation",
        "public_commitment",
        "legal_compliance",
    ]
    assert breakdown["total_score"] == "83.10"
    assert breakdown["base_class"] == "B"
    assert breakdown["credit_class"] == "B"
    assert breakdown["overrides"] == []
    assert json.loads(json.dumps(breakdown)) == breakdown


def test_no_public_commitment_lowers_the_class_by_one():
    result = run(95, facts=AssessmentFacts(public_commitment_signed=False))
    assert result.credit_class is CreditClass.B
    assert result.breakdown["base_class"] == "A"
    override = result.breakdown["overrides"][0]
    assert override["rule"] == "no_public_commitment"
    assert (override["from"], override["to"]) == ("A", "B")
    assert "public commitment" in override["reason"]


def test_no_public_commitment_leaves_d_at_d_and_records_nothing():
    result = run(50, facts=AssessmentFacts(public_commitment_signed=False))
    assert result.credit_class is CreditClass.D
    assert result.breakdown["overrides"] == []


def test_commitment_downgrade_steps_are_rule_set_data():
    two_steps = replace(RULES, version=2, commitment_downgrade=2)
    result = run(95, facts=AssessmentFacts(public_commitment_signed=False), rule_set=two_steps)
    assert result.credit_class is CreditClass.C
    assert result.breakdown["version"] == 2
    none = replace(RULES, version=3, commitment_downgrade=0)
    assert run(95, facts=AssessmentFacts(public_commitment_signed=False), rule_set=none).credit_class == "A"


@pytest.mark.parametrize(("total", "expected"), [(95, "C"), (80, "C"), (65, "C"), (40, "D")])
def test_fatal_accident_caps_the_class_at_c(total, expected):
    result = run(total, facts=AssessmentFacts(fatal_accidents=1))
    assert result.credit_class == expected


def test_fatal_accident_cap_is_recorded_only_when_it_lowers_the_class():
    assert overrides(run(95, facts=AssessmentFacts(fatal_accidents=2))) == [("fatal_accident_cap", "A", "C")]
    assert overrides(run(65, facts=AssessmentFacts(fatal_accidents=2))) == []


@pytest.mark.parametrize(("total", "expected"), [(95, "B"), (80, "B"), (65, "C"), (40, "D")])
def test_penalty_caps_the_class_at_b_and_never_raises_it(total, expected):
    assert run(total, facts=AssessmentFacts(penalties=1)).credit_class == expected


def test_penalty_cap_is_recorded_with_its_reason():
    result = run(95, facts=AssessmentFacts(penalties=3))
    assert overrides(result) == [("penalty_cap", "A", "B")]
    assert "3 administrative penalty" in result.breakdown["overrides"][0]["reason"]


def test_commitment_downgrade_applies_before_the_penalty_cap():
    result = run(95, facts=AssessmentFacts(penalties=1, public_commitment_signed=False))
    assert result.credit_class is CreditClass.B
    assert overrides(result) == [("no_public_commitment", "A", "B")]


def test_commitment_downgrade_then_fatal_accident_cap_are_both_recorded():
    result = run(95, facts=AssessmentFacts(fatal_accidents=1, public_commitment_signed=False))
    assert result.credit_class is CreditClass.C
    assert overrides(result) == [("no_public_commitment", "A", "B"), ("fatal_accident_cap", "B", "C")]


def test_fatal_accident_and_penalty_together_give_c():
    result = run(95, facts=AssessmentFacts(fatal_accidents=1, penalties=1))
    assert result.credit_class is CreditClass.C
    assert overrides(result) == [("fatal_accident_cap", "A", "C")]


def test_all_three_overrides_on_b_end_at_c():
    result = run(80, facts=AssessmentFacts(fatal_accidents=1, penalties=1, public_commitment_signed=False))
    assert result.credit_class is CreditClass.C
    assert overrides(result) == [("no_public_commitment", "B", "C")]


def test_all_three_overrides_on_c_end_at_d():
    result = run(65, facts=AssessmentFacts(fatal_accidents=1, penalties=1, public_commitment_signed=False))
    assert result.credit_class is CreditClass.D
    assert overrides(result) == [("no_public_commitment", "C", "D")]


def test_overrides_do_not_change_the_standardization_result():
    result = run(95, facts=AssessmentFacts(fatal_accidents=1, public_commitment_signed=False))
    assert result.standardization_result == 1


def test_caps_are_rule_set_data():
    stricter = replace(RULES, version=2, penalty_cap=CreditClass.C, fatal_accident_cap=CreditClass.D)
    assert run(95, facts=AssessmentFacts(penalties=1), rule_set=stricter).credit_class is CreditClass.C
    assert run(95, facts=AssessmentFacts(fatal_accidents=1), rule_set=stricter).credit_class is CreditClass.D


def test_missing_part_is_invalid():
    partial = scores(90)
    del partial["legal_compliance"]
    with pytest.raises(Invalid) as caught:
        assess(partial, NEUTRAL, RULES, "general")
    assert caught.value.code == "invalid_scores"
    assert caught.value.errors == [{"field": "scores.legal_compliance", "message": "missing"}]


@pytest.mark.parametrize("bad", [-1, 101, Decimal("100.5"), Decimal("Infinity"), 90.0, True, "90", None])
def test_score_outside_0_to_100_or_not_a_number_names_its_field(bad):
    with pytest.raises(Invalid) as caught:
        assess(scores(90) | {"safety_culture": bad}, NEUTRAL, RULES, "general")
    assert caught.value.code == "invalid_scores"
    assert [e["field"] for e in caught.value.errors] == ["scores.safety_culture"]


def test_every_bad_score_is_reported_at_once():
    bad = scores(90) | {"standardization": 120, "bonus": 5}
    del bad["safety_culture"]
    with pytest.raises(Invalid) as caught:
        assess(bad, NEUTRAL, RULES, "general")
    assert [e["field"] for e in caught.value.errors] == [
        "scores.standardization",
        "scores.safety_culture",
        "scores.bonus",
    ]


def test_negative_fact_counts_are_invalid():
    with pytest.raises(Invalid) as caught:
        run(90, facts=AssessmentFacts(fatal_accidents=-1, penalties=-2))
    assert caught.value.code == "invalid_facts"
    assert [e["field"] for e in caught.value.errors] == ["facts.fatal_accidents", "facts.penalties"]


def test_unknown_category_is_invalid():
    with pytest.raises(Invalid) as caught:
        run(90, category="bakery")
    assert caught.value.code == "unknown_category"


def rule_set_errors(rs) -> list[str]:
    with pytest.raises(Invalid) as caught:
        validate_rule_set(rs)
    assert caught.value.code == "invalid_rule_set"
    return [e["field"] for e in caught.value.errors]


def test_standardization_weight_below_half_is_rejected():
    weights = dict(RULES.weights) | {"standardization": Decimal("0.4"), "legal_compliance": Decimal("0.3")}
    assert rule_set_errors(replace(RULES, weights=weights)) == ["weights.standardization"]


def test_weights_must_sum_to_one():
    weights = dict(RULES.weights) | {"legal_compliance": Decimal("0.1")}
    assert rule_set_errors(replace(RULES, weights=weights)) == ["weights"]


def test_missing_or_unknown_weight_is_rejected():
    weights = dict(RULES.weights)
    del weights["safety_culture"]
    weights["luck"] = Decimal("0.1")
    assert rule_set_errors(replace(RULES, weights=weights)) == ["weights.safety_culture", "weights.luck"]


def test_weights_must_be_decimals_between_0_and_1():
    weights = dict(RULES.weights) | {"safety_culture": 0.1, "staff_participation": Decimal("-0.1")}
    assert rule_set_errors(replace(RULES, weights=weights)) == [
        "weights.safety_culture",
        "weights.staff_participation",
    ]


@pytest.mark.parametrize(
    "lines",
    [
        {"A": Decimal(90), "B": Decimal(90), "C": Decimal(60)},
        {"A": Decimal(75), "B": Decimal(90), "C": Decimal(60)},
        {"A": Decimal(90), "B": Decimal(75)},
        {"A": Decimal(110), "B": Decimal(75), "C": Decimal(60)},
    ],
)
def test_class_lines_must_be_complete_and_strictly_descending(lines):
    assert rule_set_errors(replace(RULES, class_lines=lines)) == ["class_lines"]


def test_negative_commitment_downgrade_is_rejected():
    assert rule_set_errors(replace(RULES, commitment_downgrade=-1)) == ["commitment_downgrade"]


def test_assess_refuses_an_unsound_rule_set():
    with pytest.raises(Invalid) as caught:
        run(90, rule_set=replace(RULES, class_lines={"A": Decimal(60), "B": Decimal(75), "C": Decimal(90)}))
    assert caught.value.code == "invalid_rule_set"


def test_credit_class_rank_orders_a_best_to_d_worst():
    assert [c.rank for c in CreditClass] == [0, 1, 2, 3]
