"""Unified social credit code (统一社会信用代码, GB 32100-2015): normalization and validation."""

from __future__ import annotations

import random
import re
from operator import mul

from shared.errors import Invalid, field_error

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
LENGTH = 18

_VALUE = {char: index for index, char in enumerate(ALPHABET)}
_ORG_VALUE = {char: int(char, 36) for char in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_ORG_CHECK = {n: {10: "X", 11: "0"}.get(n, str(n)) for n in range(1, 12)}
_FULL_WIDTH_OFFSET = 0xFEE0  # U+FF01..U+FF5E mirror ASCII U+0021..U+007E
#: The shape of a well-formed code: checked at once, so that the common case skips the diagnostics.
_SHAPE = re.compile(f"[{ALPHABET}]{{2}}[0-9]{{6}}[{ALPHABET}]{{10}}")


def normalize_uscc(raw: str) -> str:
    """Strip, drop every whitespace (also U+3000), map full-width to half-width, upper-case."""
    if not raw.isascii():
        raw = "".join(chr(ord(char) - _FULL_WIDTH_OFFSET) if "\uff01" <= char <= "\uff5e" else char for char in raw)
    return "".join(raw.split()).upper()


def uscc_check_char(first17: str) -> str:
    """The 18th (check) character for the first 17 characters of a code."""
    if len(first17) != 17 or not set(first17) <= _VALUE.keys():
        raise _invalid([f"expected 17 characters from {ALPHABET}, got {first17!r}"])
    return _uscc_check(first17)


def org_code_check_char(org8: str) -> str:
    """The check character of an organization code (组织机构代码, GB 11714) for its first 8 characters."""
    if len(org8) != 8 or not (org8.isascii() and org8.isalnum()):
        raise _invalid([f"expected 8 characters 0-9 or A-Z, got {org8!r}"])
    return _org_check(org8.upper())


def _uscc_check(first17: str) -> str:
    total = sum(map(mul, map(_VALUE.__getitem__, first17), WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def _org_check(org8: str) -> str:
    total = sum(map(mul, map(_ORG_VALUE.__getitem__, org8), ORG_WEIGHTS))
    return _ORG_CHECK[11 - total % 11]


def validate_uscc(raw: str) -> str:
    """Return the normalized code, or raise ``Invalid(code="invalid_uscc")`` saying what is wrong."""
    if not isinstance(raw, str):
        raise _invalid([f"must be a string, got {type(raw).__name__}"])
    code = normalize_uscc(raw)
    if _SHAPE.fullmatch(code) and code[16] == _org_check(code[8:16]) and code[17] == _uscc_check(code[:17]):
        return code  # well-formed: the alphabet checks of the helpers are already done
    if len(code) != LENGTH:
        raise _invalid([f"must be {LENGTH} characters, got {len(code)}"], code)
    problems = [
        f"character {char!r} at position {position} is not allowed (allowed: {ALPHABET})"
        for position, char in enumerate(code, start=1)
        if char not in _VALUE
    ]
    problems += [
        f"positions 3-8 (division code) must be digits, got {char!r} at position {position}"
        for position, char in enumerate(code[2:8], start=3)
        if char in _VALUE and not char.isdigit()
    ]
    if problems:
        raise _invalid(problems, code)
    org_expected = org_code_check_char(code[8:16])
    if code[16] != org_expected:
        problems.append(f"organization code check character (position 17) should be {org_expected!r}, got {code[16]!r}")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        problems.append(f"check character should be {expected!r}, got {code[17]!r}")
    if problems:
        raise _invalid(problems, code)
    return code


def generate_uscc(
    rng: random.Random, division_code: str = "330503", registration: str = "9", entity_type: str = "1"
) -> str:
    """A random valid code (demo data, tests, benchmarks); ``rng`` makes it reproducible."""
    prefix = registration + entity_type + division_code
    if len(prefix) != 8 or any(char not in _VALUE for char in prefix) or not division_code.isdigit():
        raise _invalid([f"cannot build a code from {registration!r}, {entity_type!r}, {division_code!r}"])
    org8 = "".join(rng.choice(ALPHABET) for _ in range(8))
    first17 = prefix + org8 + org_code_check_char(org8)
    return first17 + uscc_check_char(first17)


def _invalid(messages: list[str], code: str | None = None) -> Invalid:
    subject = f"invalid unified social credit code {code!r}" if code else "invalid unified social credit code"
    return Invalid(
        f"{subject}: {'; '.join(messages)}",
        code="invalid_uscc",
        errors=[field_error("uscc", message) for message in messages],
    )
