"""The grid tree (网格): cells nest from township/street down to the production unit.

Levels count from the top: 1 township or street (with its safety station, 安监站), 2 village or
community, 3 production unit; some counties run a fourth level or micro-grids, so the depth is a
setting. A cell's ``path`` lists the ids from the root down (``/root/child/cell/``), so a subtree
is one prefix and "is this cell under that one" is a substring test.
"""

from __future__ import annotations

import re

from shared.errors import Invalid, field_error

#: Names of the first levels (zh-CN as the bureau says them); deeper levels are micro-grids.
LEVEL_NAMES = {1: "乡镇街道", 2: "村社区", 3: "生产经营单位"}
MICRO_GRID = "微网格"
DEFAULT_MAX_DEPTH = 4

_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,39}")


def level_name(level: int) -> str:
    """The level's name: 乡镇街道, 村社区, 生产经营单位, then 微网格."""
    return LEVEL_NAMES.get(level, MICRO_GRID)


def validate_code(code: str) -> str:
    """A grid code: 1-40 ASCII letters, digits, dot, dash or underscore, starting with a letter or digit."""
    if _CODE.fullmatch(code) is None:
        message = "a grid code is 1-40 letters, digits, '.', '-' or '_', starting with a letter or digit"
        raise Invalid(f"{message}; got {code!r}", code="invalid_grid_code", errors=[field_error("code", message)])
    return code


def child_level(parent_level: int | None, given: int | None, max_depth: int) -> int:
    """The level of a new cell under a parent (``None`` for a root), checking the level given, if any."""
    level = 1 if parent_level is None else parent_level + 1
    if given is not None and given != level:
        where = "a root cell" if parent_level is None else f"a child of a level-{parent_level} cell"
        raise Invalid(
            f"{where} is level {level}, not {given}",
            code="invalid_level",
            errors=[field_error("level", f"must be {level} here")],
        )
    if level > max_depth:
        raise Invalid(
            f"the grid is at most {max_depth} levels deep; a cell under this parent would be level {level}",
            code="too_deep",
            errors=[field_error("parent_id", f"already at level {parent_level}")],
        )
    return level


def child_path(parent_path: str | None, cell_id: str) -> str:
    """The path of a cell: its parent's path and its own id."""
    return f"{parent_path or '/'}{cell_id}/"


def path_ids(path: str) -> list[str]:
    """The ids on a path, root first."""
    return [p for p in path.split("/") if p]


def subtree_bounds(path: str) -> tuple[str, str]:
    """``[low, high)`` of the paths of a cell and everything under it.

    Every such path starts with ``path`` (which ends in '/'), and '0' is the character after '/',
    so a byte-ordered range holds exactly the subtree. A range, unlike ``LIKE 'path%'``, uses a
    plain index on SQLite and on PostgreSQL alike.
    """
    return path, path[:-1] + "0"


def within(path: str, cell_ids: tuple[str, ...] | list[str]) -> bool:
    """True when the cell with ``path`` is one of ``cell_ids`` or lies under one of them."""
    return any(f"/{cid}/" in path for cid in cell_ids)
