"""Rectification notice numbers (整改通知书文号), e.g. 湖安监整改〔2026〕0001号.

The number follows the document-number form of GB/T 9704: issuer abbreviation (机关代字) with the
document type 整改, the year in hexagonal brackets 〔〕, the sequence and 号. Allocation without gaps
happens in the database; this module only formats and parses.
"""

from __future__ import annotations

import re
import unicodedata

from shared.errors import Invalid, field_error

DOCUMENT_TYPE = "整改"
SEQ_WIDTH = 4

# Ledgers typed by hand use look-alike brackets; NFKC has already folded full-width () and [].
_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "【": "〔", "】": "〕", "(": "〔", ")": "〕"})
_PATTERN = re.compile(rf"(?P<prefix>.+?){DOCUMENT_TYPE}〔(?P<year>\d{{4}})〕(?P<seq>\d+)号")
_PREFIX_FORBIDDEN = re.compile(r"[\s〔〕\[\]【】()（）]")


def _invalid(detail: str, field: str) -> Invalid:
    return Invalid(detail, code="invalid_notice_number", errors=[field_error(field, detail)])


def format_notice_number(issuer_prefix: str, year: int, seq: int) -> str:
    """The notice number for the ``seq``-th notice of ``year`` by the issuer abbreviated ``issuer_prefix``."""
    if not issuer_prefix or _PREFIX_FORBIDDEN.search(issuer_prefix):
        raise _invalid(
            f"issuer prefix must be non-empty, without spaces or brackets: {issuer_prefix!r}", "issuer_prefix"
        )
    if not 1000 <= year <= 9999:
        raise _invalid(f"year must have four digits, got {year}", "year")
    if seq < 1:
        raise _invalid(f"sequence must be 1 or more, got {seq}", "seq")
    return f"{issuer_prefix}{DOCUMENT_TYPE}〔{year}〕{seq:0{SEQ_WIDTH}d}号"


def parse_notice_number(s: str) -> tuple[str, int, int]:
    """(issuer prefix, year, sequence) of a notice number; tolerates look-alike brackets and spaces."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)).translate(_BRACKETS)
    match = _PATTERN.fullmatch(text)
    if match is None or int(match["seq"]) < 1:
        raise _invalid(f"not a rectification notice number like 湖安监整改〔2026〕0001号: {s!r}", "number")
    return match["prefix"], int(match["year"]), int(match["seq"])
