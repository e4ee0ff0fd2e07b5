from datetime import UTC, datetime
from decimal import Decimal

import pytest

from services.hazard.domain.accidents import (
    ORDER_493,
    AccidentGrade,
    AccidentKind,
    accident_grade,
    validate_accident,
)
from shared.errors import Invalid

PS, SE, LA, GE = (
    AccidentGrade.PARTICULARLY_SERIOUS,
    AccidentGrade.SERIOUS,
    AccidentGrade.LARGER,
    AccidentGrade.GENERAL,
)
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("deaths", "injuries", "loss", "grade"),
    [
        (0, 0, "0", GE),
        (2, 9, "9999999.99", GE),
        (3, 0, "0", LA),
        (0, 10, "0", LA),
        (0, 0, "10000000", LA),
        (9, 49, "49999999.99", LA),
        (10, 0, "0", SE),
        (0, 50, "0", SE),
        (0, 0, "50000000", SE),
        (29, 99, "99999999.99", SE),
        (30, 0, "0", PS),
        (0, 100, "0", PS),
        (0, 0, "100000000", PS),
    ],
)
def test_grade_thresholds_include_their_own_number(deaths, injuries, loss, grade):
    assert accident_grade(deaths, injuries, Decimal(loss)) == grade


def test_highest_grade_reached_by_any_one_criterion_wins():
    assert accident_grade(1, 0, Decimal("60000000")) == SE
    assert accident_grade(3, 100, Decimal("0")) == PS
    assert accident_grade(0, 12, Decimal("0")) == LA


def test_grading_rule_is_versioned_data():
    assert (ORDER_493.code, ORDER_493.version) == ("state_council_order_493", 1)


@pytest.mark.parametrize(
    ("deaths", "injuries", "loss", "field"),
    [
        (-1, 0, Decimal(0), "deaths"),
        (0, -1, Decimal(0), "serious_injuries"),
        (0, 0, Decimal("-0.01"), "direct_loss"),
        (0, 0, Decimal("NaN"), "direct_loss"),
        (0, 0, 1.5, "direct_loss"),
        (True, 0, Decimal(0), "deaths"),
        (1.0, 0, Decimal(0), "deaths"),
    ],
)
def test_grading_impossible_figures_is_refused_naming_the_field(deaths, injuries, loss, field):
    with pytest.raises(Invalid) as caught:
        accident_grade(deaths, injuries, loss)
    assert caught.value.code == "invalid_accident"
    assert [e["field"] for e in caught.value.errors] == [field]


def test_grades_carry_their_legal_chinese_names():
    assert [g.chinese_name for g in AccidentGrade] == ["特别重大事故", "重大事故", "较大事故", "一般事故"]


def test_kinds_are_the_20_categories_of_gb_6441_in_order():
    assert [(k.value, k.chinese_name) for k in AccidentKind] == [
        ("struck_by_object", "物体打击"),
        ("vehicle", "车辆伤害"),
        ("mechanical_injury", "机械伤害"),
        ("lifting", "起重伤害"),
        ("electrocution", "触电"),
        ("drowning", "淹溺"),
        ("burns", "灼烫"),
        ("fire", "火灾"),
        ("fall_from_height", "高处坠落"),
        ("collapse", "坍塌"),
        ("roof_fall", "冒顶片帮"),
        ("flooding", "透水"),
        ("blasting", "放炮"),
        ("explosive_explosion", "火药爆炸"),
        ("gas_explosion", "瓦斯爆炸"),
        ("boiler_explosion", "锅炉爆炸"),
        ("vessel_explosion", "容器爆炸"),
        ("other_explosion", "其他爆炸"),
        ("poisoning_asphyxiation", "中毒和窒息"),
        ("other", "其他伤害"),
    ]


def accident(**changes):
    facts = {
        "kind": AccidentKind.FALL_FROM_HEIGHT,
        "is_fire": False,
        "deaths": 1,
        "serious_injuries": 0,
        "direct_loss": Decimal("1200000.00"),
        "occurred_at": datetime(2026, 3, 1, 6, 0, tzinfo=UTC),
        "now": NOW,
    }
    return {**facts, **changes}


def test_valid_accident_passes():
    validate_accident(**accident())


def test_fire_kind_implies_is_fire():
    validate_accident(**accident(kind=AccidentKind.FIRE, is_fire=True))
    with pytest.raises(Invalid) as caught:
        validate_accident(**accident(kind=AccidentKind.FIRE, is_fire=False))
    assert caught.value.errors == [{"field": "is_fire", "message": "must be true when kind is fire"}]


def test_fire_victims_may_be_classed_by_injury():
    validate_accident(**accident(kind=AccidentKind.POISONING_ASPHYXIATION, is_fire=True))


def test_accident_in_the_future_is_refused():
    with pytest.raises(Invalid) as caught:
        validate_accident(**accident(occurred_at=datetime(2026, 3, 2, 8, 0, 1, tzinfo=UTC)))
    assert [e["field"] for e in caught.value.errors] == ["occurred_at"]


def test_accident_at_this_very_moment_is_accepted():
    validate_accident(**accident(occurred_at=NOW))


def test_every_broken_field_is_named_at_once():
    with pytest.raises(Invalid) as caught:
        validate_accident(**accident(kind=AccidentKind.FIRE, deaths=-2, direct_loss=Decimal(-5)))
    assert [e["field"] for e in caught.value.errors] == ["deaths", "direct_loss", "is_fire"]
    assert caught.value.detail == "invalid accident: deaths, direct_loss, is_fire"


def test_accident_with_a_naive_time_is_refused():
    with pytest.raises(Invalid) as caught:
        validate_accident(**accident(occurred_at=datetime(2026, 3, 1, 6, 0)))
    assert caught.value.code == "naive_datetime"
