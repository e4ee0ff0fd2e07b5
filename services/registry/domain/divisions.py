"""Administrative division codes (行政区划代码, GB/T 2260) and the scopes they nest into."""

from __future__ import annotations

import re
from types import MappingProxyType

from shared.errors import Invalid, field_error

HUZHOU_DIVISIONS = MappingProxyType(
    {
        "330500": "湖州市",
        "330502": "吴兴区",
        "330503": "南浔区",
        "330521": "德清县",
        "330522": "长兴县",
        "330523": "安吉县",
    }
)
"""Huzhou city and its districts and counties. 南太湖新区 has no code: it is a grid node."""

_CODE = re.compile(r"[0-9]{6}")


def is_valid_division_code(code: str) -> bool:
    """True for six ASCII digits."""
    return isinstance(code, str) and _CODE.fullmatch(code) is not None


def division_name(code: str) -> str | None:
    """The name of a Huzhou division, or None when the table does not hold the code."""
    return HUZHOU_DIVISIONS.get(code)


def division_prefix(scope: str) -> str:
    """The prefix a ``LIKE 'prefix%'`` filter uses: 2 digits for a province, 4 for a city, 6 else."""
    _require_valid(scope, "scope")
    if scope.endswith("0000"):
        return scope[:2]
    if scope.endswith("00"):
        return scope[:4]
    return scope


def division_covers(scope: str, code: str) -> bool:
    """True when ``code`` lies inside ``scope`` (330500 covers 330502-330523; a county only itself)."""
    _require_valid(code, "division_code")
    return code.startswith(division_prefix(scope))


def _require_valid(code: str, field: str) -> None:
    if not is_valid_division_code(code):
        message = f"division code must be 6 digits, got {code!r}"
        raise Invalid(message, code="invalid_division_code", errors=[field_error(field, message)])
