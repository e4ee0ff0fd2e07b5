import pytest

from services.grid.domain.tree import (
    DEFAULT_MAX_DEPTH,
    child_level,
    child_path,
    level_name,
    path_ids,
    validate_code,
    within,
)
from shared.errors import Invalid


@pytest.mark.parametrize(
    ("level", "name"),
    [(1, "乡镇街道"), (2, "村社区"), (3, "生产经营单位"), (4, "微网格"), (5, "微网格"), (12, "微网格")],
)
def test_level_name_names_the_three_bureau_levels_then_micro_grids(level, name):
    assert level_name(level) == name


def test_default_grid_is_four_levels_deep():
    assert DEFAULT_MAX_DEPTH == 4


@pytest.mark.parametrize(
    "code",
    ["a", "7", "Z", "330503", "3305-01.A_b", "wuxing.balidian-07", "A" * 40, "a" + "-._9" * 9 + "x" * 3],
)
def test_valid_grid_code_is_returned_unchanged(code):
    assert validate_code(code) == code


@pytest.mark.parametrize(
    "code",
    [
        "",
        "a" * 41,
        "-abc",
        ".abc",
        "_abc",
        "ab c",
        " abc",
        "abc ",
        "abc\n",
        "ab/c",
        "/abc/",
        "ab:c",
        "网格01",
        "ａbc",  # full-width a
        "abc٣",  # Arabic-Indic digit three
    ],
)
def test_invalid_grid_code_is_refused_naming_the_code_field(code):
    with pytest.raises(Invalid) as caught:
        validate_code(code)
    error = caught.value
    assert error.status == 422
    assert error.code == "invalid_grid_code"
    assert [e["field"] for e in error.errors] == ["code"]
    assert repr(code) in error.detail


def test_forty_characters_is_the_longest_code_and_forty_one_is_refused():
    assert validate_code("x" * 40) == "x" * 40
    with pytest.raises(Invalid):
        validate_code("x" * 41)


@pytest.mark.parametrize(("given", "max_depth"), [(None, 4), (1, 4), (None, 1), (1, 1)])
def test_root_cell_is_level_one(given, max_depth):
    assert child_level(None, given, max_depth) == 1


@pytest.mark.parametrize(("parent_level", "expected"), [(1, 2), (2, 3), (3, 4)])
@pytest.mark.parametrize("echo_level", [False, True])
def test_child_is_one_level_below_its_parent(parent_level, expected, echo_level):
    given = expected if echo_level else None
    assert child_level(parent_level, given, DEFAULT_MAX_DEPTH) == expected


def test_a_deeper_grid_setting_allows_micro_grids_below_the_fourth_level():
    assert child_level(4, None, 6) == 5
    assert child_level(5, 6, 6) == 6


@pytest.mark.parametrize(
    ("parent_level", "given", "expected"),
    [(None, 2, 1), (None, 0, 1), (1, 1, 2), (1, 3, 2), (2, 2, 3), (3, -1, 4)],
)
def test_a_level_that_does_not_fit_the_parent_is_refused(parent_level, given, expected):
    with pytest.raises(Invalid) as caught:
        child_level(parent_level, given, DEFAULT_MAX_DEPTH)
    error = caught.value
    assert error.status == 422
    assert error.code == "invalid_level"
    assert error.errors == [{"field": "level", "message": f"must be {expected} here"}]
    assert error.detail.endswith(f"is level {expected}, not {given}")


def test_wrong_level_for_a_root_says_it_is_a_root():
    with pytest.raises(Invalid) as caught:
        child_level(None, 3, DEFAULT_MAX_DEPTH)
    assert caught.value.detail == "a root cell is level 1, not 3"


def test_wrong_level_for_a_child_names_the_parent_level():
    with pytest.raises(Invalid) as caught:
        child_level(2, 4, DEFAULT_MAX_DEPTH)
    assert caught.value.detail == "a child of a level-2 cell is level 3, not 4"


@pytest.mark.parametrize("given", [None, 5])
def test_a_cell_below_the_deepest_level_is_refused_as_too_deep(given):
    with pytest.raises(Invalid) as caught:
        child_level(4, given, DEFAULT_MAX_DEPTH)
    error = caught.value
    assert error.status == 422
    assert error.code == "too_deep"
    assert error.errors == [{"field": "parent_id", "message": "already at level 4"}]
    assert "at most 4 levels deep" in error.detail


@pytest.mark.parametrize(("parent_level", "max_depth"), [(2, 2), (3, 3), (3, 2), (6, 4)])
def test_depth_limit_follows_the_setting(parent_level, max_depth):
    with pytest.raises(Invalid) as caught:
        child_level(parent_level, None, max_depth)
    assert caught.value.code == "too_deep"


def test_a_wrong_level_is_reported_before_the_depth():
    with pytest.raises(Invalid) as caught:
        child_level(4, 2, DEFAULT_MAX_DEPTH)
    assert caught.value.code == "invalid_level"


@pytest.mark.parametrize(
    ("parent_path", "cell_id", "expected"),
    [
        (None, "c1", "/c1/"),
        ("", "c1", "/c1/"),
        ("/c1/", "c2", "/c1/c2/"),
        ("/c1/c2/", "c3", "/c1/c2/c3/"),
        ("/t/v/u/", "m", "/t/v/u/m/"),
    ],
)
def test_child_path_appends_the_cell_id_to_the_parent_path(parent_path, cell_id, expected):
    assert child_path(parent_path, cell_id) == expected


@pytest.mark.parametrize(
    ("path", "ids"),
    [("/", []), ("", []), ("/c1/", ["c1"]), ("/c1/c2/", ["c1", "c2"]), ("/t/v/u/m/", ["t", "v", "u", "m"])],
)
def test_path_ids_lists_the_ids_root_first(path, ids):
    assert path_ids(path) == ids


def test_path_ids_reverses_child_path():
    path = child_path(child_path(child_path(None, "town"), "village"), "unit")
    assert path == "/town/village/unit/"
    assert path_ids(path) == ["town", "village", "unit"]


CELL = "/town/village/unit/"


@pytest.mark.parametrize(
    ("cell_ids", "expected"),
    [
        (("town",), True),
        (("village",), True),
        (("unit",), True),
        (["unit"], True),
        (("other", "village"), True),
        (("other",), False),
        ((), False),
        ([], False),
        (("tow",), False),
        (("own",), False),
        (("villag",), False),
        (("illage",), False),
        (("unit2",), False),
    ],
)
def test_within_is_true_for_the_cell_itself_and_its_ancestors_only(cell_ids, expected):
    assert within(CELL, cell_ids) is expected


def test_a_parent_is_not_within_its_child():
    assert within("/town/village/", ("unit",)) is False
    assert within("/town/", ("village",)) is False


def test_sibling_with_a_longer_id_is_not_within_its_prefix_sibling():
    assert within("/town/v10/", ("v1",)) is False
    assert within("/town/v1/", ("v10",)) is False
    assert within("/town/v1/", ("v1",)) is True
