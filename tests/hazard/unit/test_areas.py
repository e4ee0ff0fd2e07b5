import pytest

from services.hazard.domain.areas import ancestors, division_covers, division_prefix, division_range
from shared.errors import Invalid


@pytest.mark.parametrize(
    ("code", "prefix", "bounds"),
    [
        ("330000", "33", ("33", "34")),
        ("330500", "3305", ("3305", "3306")),
        ("330503", "330503", ("330503", "330504")),
        ("330509", "330509", ("330509", "33050:")),
    ],
)
def test_a_division_is_a_prefix_and_a_half_open_range(code, prefix, bounds):
    assert division_prefix(code) == prefix
    assert division_range(code) == bounds


def test_the_city_covers_its_counties_and_a_county_only_itself():
    assert division_covers("330500", "330503") and division_covers("330500", "330523")
    assert not division_covers("330500", "330102")
    assert division_covers("330503", "330503") and not division_covers("330503", "330502")
    assert not division_covers("330500", None)


def test_every_code_under_the_city_falls_in_its_range_and_no_other_does():
    low, high = division_range("330500")
    assert all(low <= c < high for c in ("330500", "330502", "330523", "330599"))
    assert not any(low <= c < high for c in ("330499", "330600", "330100"))


def test_ancestors_go_up_to_the_province():
    assert ancestors("330503") == ["330503", "330500", "330000"]
    assert ancestors("330500") == ["330500", "330000"]
    assert ancestors("330000") == ["330000"]


@pytest.mark.parametrize("bad", ["3305", "33050a", "", "3305000"])
def test_malformed_codes_are_refused(bad):
    with pytest.raises(Invalid) as caught:
        division_prefix(bad)
    assert caught.value.code == "invalid_division_code"
