"""Areas: administrative division codes (GB/T 2260) nest by prefix, so every level is one range.

330500 (湖州市) covers 330502-330523; a county code covers only itself; 330000 covers the province.
Statistics and access scopes use the same rule, so a figure means the same at every level.
"""

from __future__ import annotations

import re

from shared.errors import Invalid, field_error

_CODE = re.compile(r"[0-9]{6}")


def validate_division_code(code: str, field: str = "division_code") -> str:
    """The code if it is six ASCII digits, else ``Invalid(code="invalid_division_code")``."""
    if not isinstance(code, str) or _CODE.fullmatch(code) is None:
        message = f"division code must be 6 digits, got {code!r}"
        raise Invalid(message, code="invalid_division_code", errors=[field_error(field, message)])
    return code


def division_prefix(code: str) -> str:
    """2 digits for a province (xx0000), 4 for a city (xxxx00), all 6 for a county or district."""
    validate_division_code(code)
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def division_range(code: str) -> tuple[str, str]:
    """``[low, high)`` bounds of every code under ``code``.

    A range, not ``LIKE 'prefix%'``, because PostgreSQL uses a plain btree index for a range under
    any collation, while LIKE needs ``text_pattern_ops`` or the C collation.
    """
    prefix = division_prefix(code)
    # Digits are consecutive in ASCII: the character after '9' is ':', still above every digit.
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def division_covers(scope: str, code: str | None) -> bool:
    """True when ``code`` lies inside ``scope``."""
    return code is not None and code.startswith(division_prefix(scope))


def ancestors(code: str) -> list[str]:
    """``code`` and the divisions above it, nearest first: 330503 -> 330503, 330500, 330000."""
    validate_division_code(code)
    out = [code]
    for parent in (code[:4] + "00", code[:2] + "0000"):
        if parent != out[-1]:
            out.append(parent)
    return out
