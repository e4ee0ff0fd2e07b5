"""Unified social credit codes as other services receive them (the registry validates them)."""

from __future__ import annotations

import unicodedata


def normalize_uscc(value: str) -> str:
    """Fold full-width characters, drop every whitespace and upper-case, as the registry does."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()
