import pytest

from services.registry.domain.divisions import (
    HUZHOU_DIVISIONS,
    division_covers,
    division_name,
    division_prefix,
    is_valid_division_code,
)
from shared.errors import Invalid

COUNTIES = ["330502", "330503", "330521", "330522", "330523"]


def test_huzhou_table_names_the_city_and_its_five_districts_and_counties():
    assert HUZHOU_DIVISIONS == {
        "330500": "湖州市",
        "330502": "吴兴区",
        "330503": "南浔区",
        "330521": "德清县",
        "330522": "长兴县",
        "330523": "安吉县",
    }
    assert division_name("330503") == "南浔区"
    assert division_name("330999") is None


@pytest.mark.parametrize("code", ["330500", "000000", "110101"])
def test_six_digits_are_valid(code):
    assert is_valid_division_code(code)


@pytest.mark.parametrize("code", ["33050", "3305000", "33050a", "", "３３０５００", "33 500", None, 330500])
def test_anything_else_is_not_a_division_code(code):
    assert not is_valid_division_code(code)


@pytest.mark.parametrize("code", COUNTIES + ["330500"])
def test_city_covers_itself_and_its_districts_and_counties(code):
    assert division_covers("330500", code)


def test_city_does_not_cover_another_city():
    assert not division_covers("330500", "330100")


def test_county_covers_only_itself():
    assert division_covers("330503", "330503")
    assert not division_covers("330503", "330502")
    assert not division_covers("330503", "330500")


def test_province_covers_every_city_and_county_in_it():
    assert division_covers("330000", "330523")
    assert division_covers("330000", "330100")
    assert not division_covers("330000", "320500")


def test_prefix_is_two_digits_for_a_province_four_for_a_city_six_for_a_county():
    assert division_prefix("330000") == "33"
    assert division_prefix("330500") == "3305"
    assert division_prefix("330503") == "330503"


def test_malformed_scope_or_code_is_invalid():
    with pytest.raises(Invalid) as caught:
        division_covers("3305", "330503")
    assert caught.value.code == "invalid_division_code"
    assert caught.value.errors[0]["field"] == "scope"
    with pytest.raises(Invalid) as caught:
        division_covers("330500", "33050x")
    assert caught.value.errors[0]["field"] == "division_code"
