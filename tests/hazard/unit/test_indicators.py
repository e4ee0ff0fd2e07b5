from decimal import Decimal

import pytest

from services.hazard.domain.indicators import (
    ThreeIndicators,
    change_percent,
    due_rectification_rate,
    year_on_year,
)
from shared.errors import Invalid


def test_change_is_relative_to_the_previous_year_in_percent():
    assert change_percent(110, 100) == Decimal("10.00")
    assert change_percent(Decimal("75"), Decimal("100")) == Decimal("-25.00")


def test_no_change_is_zero():
    assert change_percent(5, 5) == Decimal("0.00")


def test_change_from_zero_is_undefined():
    assert change_percent(7, 0) is None
    assert change_percent(0, 0) is None


def test_change_rounds_half_away_from_zero():
    assert change_percent(4001, 4000) == Decimal("0.03")  # +0.025
    assert change_percent(3999, 4000) == Decimal("-0.03")  # -0.025


@pytest.mark.parametrize(
    ("current", "previous", "field"),
    [
        (-1, 5, "current"),
        (5, -1, "previous"),
        (Decimal("NaN"), 5, "current"),
        (5, Decimal("Infinity"), "previous"),
    ],
)
def test_negative_figure_is_refused(current, previous, field):
    with pytest.raises(Invalid) as caught:
        change_percent(current, previous)
    assert caught.value.code == "negative_figure"
    assert [e["field"] for e in caught.value.errors] == [field]


def test_city_2015_three_indicators_reproduce_the_reported_declines():
    # 2015, fires excluded: 980 accidents, 342 deaths, 17,340,600 yuan (1,734.06 万元).
    # 2014 derived from the reported changes:
    #   accidents: 980 / (1 - 0.0031) = 983.05 -> 983; check (980 - 983) / 983 = -0.305 %  -> -0.31
    #   deaths:    342 / (1 - 0.0058) = 343.99 -> 344; check (342 - 344) / 344 = -0.581 %  -> -0.58
    #   loss: -9.58 % needs 17,340,600 / previous in (0.90415, 0.90425], i.e. previous in
    #   [19,176,776.3, 19,178,897.3); take 1,917.77 万元 = 19,177,700 yuan -> -9.579 % -> -9.58
    current = ThreeIndicators(accidents=980, deaths=342, direct_loss=Decimal("17340600"))
    previous = ThreeIndicators(accidents=983, deaths=344, direct_loss=Decimal("19177700"))
    assert year_on_year(current, previous) == {
        "accidents": Decimal("-0.31"),
        "deaths": Decimal("-0.58"),
        "direct_loss": Decimal("-9.58"),
    }


def test_the_2014_loss_range_is_exactly_what_rounds_to_minus_9_58():
    assert change_percent(Decimal("17340600"), Decimal("19176776")) == Decimal("-9.57")
    assert change_percent(Decimal("19176777"), Decimal("19176777")) == Decimal("0.00")
    assert change_percent(Decimal("17340600"), Decimal("19176777")) == Decimal("-9.58")
    assert change_percent(Decimal("17340600"), Decimal("19178897")) == Decimal("-9.58")
    assert change_percent(Decimal("17340600"), Decimal("19178898")) == Decimal("-9.59")


def test_city_2015_due_rectification_rate_is_99_83_percent():
    # Of the 1,826 notices in 2015, 1,764 had their deadline in the year; 1,761 were closed by it
    # and 3 late or still open: 1,761 / 1,764 = 99.8299 % -> 99.83.
    assert due_rectification_rate(closed_on_time=1761, due=1764) == Decimal("99.83")


def test_rate_with_everything_closed_on_time_is_100():
    assert due_rectification_rate(12, 12) == Decimal("100.00")


def test_rate_with_nothing_due_is_undefined():
    assert due_rectification_rate(0, 0) is None


def test_rate_with_nothing_closed_on_time_is_0():
    assert due_rectification_rate(0, 4) == Decimal("0.00")


def test_more_closed_on_time_than_due_is_refused():
    with pytest.raises(Invalid) as caught:
        due_rectification_rate(5, 4)
    assert caught.value.code == "invalid_counts"


def test_negative_count_is_refused():
    with pytest.raises(Invalid) as caught:
        due_rectification_rate(-1, 4)
    assert caught.value.code == "negative_figure"


def test_rectification_rate_of_a_programme():
    from services.hazard.domain.indicators import rectification_rate

    assert str(rectification_rate(1_665, 1_710)) == "97.37"
    assert str(rectification_rate(0, 3)) == "0.00" and str(rectification_rate(3, 3)) == "100.00"
    assert rectification_rate(0, 0) is None
    with pytest.raises(Invalid) as e:
        rectification_rate(5, 4)
    assert e.value.code == "invalid_counts"
    with pytest.raises(Invalid):
        rectification_rate(-1, 4)
