"""Historical hazard ledgers (隐患台账): column names, cell values and the state a ledger row implies.

Bureaus keep ledgers in spreadsheets with English or Chinese headers, dates typed in several ways
and levels written as 一般/重大. This module turns one row into a checked ``LedgerEntry`` or an
``Invalid`` naming every bad field; it knows nothing of files or databases.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from shared.errors import Invalid, field_error

from ._time import local_date, local_zone, start_of_day
from .hazards import HazardLevel, HazardSource, HazardStatus, MajorBasis, validate_new_hazard
from .numbering import parse_notice_number

REQUIRED_COLUMNS = ("uscc", "description", "level", "found_at")
OPTIONAL_COLUMNS = (
    "source",
    "found_by",
    "major_standard",
    "major_clause",
    "notice_number",
    "notice_issued_at",
    "deadline",
    "measures",
    "closed_at",
)

_ALIASES = {
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "企业信用代码"),
    "description": ("隐患描述", "隐患内容", "隐患情况", "描述"),
    "level": ("隐患等级", "隐患级别", "等级", "级别"),
    "source": ("隐患来源", "来源", "发现途径"),
    "found_at": ("发现时间", "发现日期", "排查时间", "排查日期"),
    "found_by": ("发现人", "排查人", "检查人"),
    "major_standard": ("判定依据", "判定标准"),
    "major_clause": ("判定条款", "条款"),
    "notice_number": ("整改通知书编号", "整改通知书文号", "通知书编号", "通知书文号", "文号"),
    "notice_issued_at": ("通知书下达时间", "通知书下达日期", "下达时间", "下达日期", "发文日期"),
    "deadline": ("整改期限", "整改时限", "限期", "整改期限日期"),
    "measures": ("整改措施", "整改要求"),
    "closed_at": ("销号时间", "销号日期", "闭环时间", "验收销号时间"),
}
HEADER_ALIASES = {alias: name for name, aliases in _ALIASES.items() for alias in (name, *aliases)}

_LEVELS = {
    "general": HazardLevel.GENERAL,
    "一般": HazardLevel.GENERAL,
    "一般隐患": HazardLevel.GENERAL,
    "一般事故隐患": HazardLevel.GENERAL,
    "major": HazardLevel.MAJOR,
    "重大": HazardLevel.MAJOR,
    "重大隐患": HazardLevel.MAJOR,
    "重大事故隐患": HazardLevel.MAJOR,
}
_SOURCES = {s.value: s for s in HazardSource} | {
    "日常检查": HazardSource.ROUTINE_CHECK,
    "综合检查": HazardSource.ROUTINE_CHECK,
    "专项检查": HazardSource.SPECIALIST_CHECK,
    "季节性检查": HazardSource.SPECIALIST_CHECK,
    "节假日检查": HazardSource.SPECIALIST_CHECK,
    "专家会诊": HazardSource.EXPERT_CHECKUP,
    "安全体检": HazardSource.EXPERT_CHECKUP,
    "安全顾问": HazardSource.ADVISOR,
    "网格巡查": HazardSource.GRID_INSPECTION,
    "网格检查": HazardSource.GRID_INSPECTION,
    "网格上报": HazardSource.GRID_REPORT,
    "智慧用电": HazardSource.ELECTRICAL_ALARM,
    "智慧式用电": HazardSource.ELECTRICAL_ALARM,
    "企业自查": HazardSource.SELF_CHECK,
    "自查": HazardSource.SELF_CHECK,
    "其他": HazardSource.OTHER,
}
_CN_DATE = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[\sT]+(?P<H>\d{1,2})[:：时](?P<M>\d{2})(?:[:：分](?P<S>\d{2})秒?)?)?"
)


def canonical_column(header: str) -> str:
    """The ledger column a header names (English or Chinese); unknown headers come back unchanged."""
    h = re.sub(r"\s+", "", unicodedata.normalize("NFKC", header or "")).lower()
    return HEADER_ALIASES.get(h, h)


@dataclass(frozen=True)
class LedgerNotice:
    """The rectification notice a ledger row records; issuer/year/seq are None for a non-standard number."""

    number: str
    issuer: str | None
    year: int | None
    seq: int | None
    issued_at: datetime
    deadline: date


@dataclass(frozen=True)
class LedgerEntry:
    """One checked ledger row."""

    uscc: str
    description: str
    level: HazardLevel
    source: HazardSource
    found_at: datetime
    found_by: str | None
    major_basis: MajorBasis | None
    measures: str | None
    notice: LedgerNotice | None
    closed_at: datetime | None

    @property
    def status(self) -> HazardStatus:
        """Closed when the ledger has a write-off time; under notice when it has one; else reported."""
        if self.closed_at is not None:
            return HazardStatus.CLOSED
        return HazardStatus.NOTICE_ISSUED if self.notice else HazardStatus.REPORTED


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def parse_moment(value: Any, field: str, tz_offset_hours: int) -> datetime:
    """A point in time from a cell; dates and naive times are read in the local zone."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=local_zone(tz_offset_hours))
    if isinstance(value, date):
        return start_of_day(value, tz_offset_hours)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        match = _CN_DATE.fullmatch(text)
        if match is None:
            raise _bad(field, f"not a date or time: {text!r}") from None
        try:
            parsed = datetime(
                int(match["y"]),
                int(match["m"]),
                int(match["d"]),
                int(match["H"] or 0),
                int(match["M"] or 0),
                int(match["S"] or 0),
            )
        except ValueError as exc:
            raise _bad(field, f"not a valid date: {text!r} ({exc})") from None
        if match["H"] is None:
            return start_of_day(parsed.date(), tz_offset_hours)
    if parsed.tzinfo is None:
        if len(text) <= 10:  # a bare date: the start of that local day
            return start_of_day(parsed.date(), tz_offset_hours)
        return parsed.replace(tzinfo=local_zone(tz_offset_hours))
    return parsed


def parse_day(value: Any, field: str, tz_offset_hours: int) -> date:
    """A calendar date from a cell (a time of day, if any, is read in the local zone)."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.date()
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return local_date(parse_moment(value, field, tz_offset_hours), tz_offset_hours)


def _bad(field: str, message: str) -> Invalid:
    return Invalid(message, code="invalid_ledger_row", errors=[field_error(field, message)])


def parse_entry(row: dict[str, Any], *, now: datetime, tz_offset_hours: int) -> LedgerEntry:
    """Check one ledger row (canonical column names); ``Invalid`` lists every bad field."""
    errors: list[dict[str, str]] = []

    def take(field: str, parse):
        raw = row.get(field)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        try:
            return parse(raw)
        except Invalid as exc:
            errors.extend(exc.errors or [field_error(field, exc.detail)])
            return None

    def require(field: str, value):
        if value is None and not any(e["field"] == field for e in errors):
            errors.append(field_error(field, "required"))
        return value

    uscc = require("uscc", take("uscc", lambda v: unicodedata.normalize("NFKC", str(v)).strip().upper()))
    description = require("description", _text(row.get("description")))
    level = require("level", take("level", lambda v: _choice(_LEVELS, v, "level", "general/major or 一般/重大")))
    source = take("source", lambda v: _choice(_SOURCES, v, "source", "a source code or its Chinese name"))
    found_at = require("found_at", take("found_at", lambda v: parse_moment(v, "found_at", tz_offset_hours)))
    closed_at = take("closed_at", lambda v: parse_moment(v, "closed_at", tz_offset_hours))
    number = _text(row.get("notice_number"))
    issued_at = take("notice_issued_at", lambda v: parse_moment(v, "notice_issued_at", tz_offset_hours))
    deadline = take("deadline", lambda v: parse_day(v, "deadline", tz_offset_hours))
    standard, clause = _text(row.get("major_standard")), _text(row.get("major_clause"))
    basis = MajorBasis(standard or "", clause or "") if (standard or clause) else None
    if level is not None:
        try:
            validate_new_hazard(level, basis)
        except Invalid as exc:
            errors.extend(exc.errors or [])
    for field, moment in (("found_at", found_at), ("closed_at", closed_at), ("notice_issued_at", issued_at)):
        if moment is not None and moment > now:
            errors.append(field_error(field, f"is in the future: {moment.isoformat()}"))
    if found_at is not None and closed_at is not None and closed_at < found_at:
        errors.append(field_error("closed_at", "is before found_at"))

    notice = None
    if number is None and (issued_at is not None or deadline is not None):
        errors.append(field_error("notice_number", "required when notice_issued_at or deadline is given"))
    elif number is not None:
        issued_at = issued_at or found_at
        if deadline is None:
            errors.append(field_error("deadline", "a rectification notice needs a deadline"))
        if issued_at is not None and found_at is not None and issued_at < found_at:
            errors.append(field_error("notice_issued_at", "is before found_at"))
        if issued_at is not None and deadline is not None and deadline < local_date(issued_at, tz_offset_hours):
            errors.append(field_error("deadline", "is before the notice was issued"))
        try:
            issuer, year, seq = parse_notice_number(number)
        except Invalid:
            # Old ledgers number notices in their own way: keep the number as typed, unique as text.
            issuer = year = seq = None
        if issued_at is not None and deadline is not None:
            notice = LedgerNotice(number, issuer, year, seq, issued_at, deadline)
    if level == HazardLevel.MAJOR and closed_at is not None and number is None:
        # The loop never fixes a major hazard on the spot; a ledger cannot claim it did.
        errors.append(field_error("notice_number", "a closed major hazard needs its rectification notice"))
    if errors:
        raise Invalid(
            f"invalid ledger row: {', '.join(sorted({e['field'] for e in errors}))}",
            code="invalid_ledger_row",
            errors=errors,
        )
    return LedgerEntry(
        uscc=uscc,
        description=description,
        level=level,
        source=source or HazardSource.OTHER,
        found_at=found_at,
        found_by=_text(row.get("found_by")),
        major_basis=basis if level == HazardLevel.MAJOR else None,
        measures=_text(row.get("measures")),
        notice=notice,
        closed_at=closed_at,
    )


def _choice(table: dict, value: Any, field: str, expected: str):
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).lower()
    if key not in table:
        raise _bad(field, f"expected {expected}, got {value!r}")
    return table[key]


def ledger_key(entry: LedgerEntry) -> str:
    """What makes a ledger row the same hazard on a second import of the same ledger."""
    number = entry.notice.number if entry.notice else ""
    text = "|".join((entry.uscc, entry.found_at.astimezone(UTC).isoformat(), number, entry.description))
    return hashlib.sha256(text.encode()).hexdigest()


__all__ = [
    "HEADER_ALIASES",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "LedgerEntry",
    "LedgerNotice",
    "canonical_column",
    "ledger_key",
    "parse_day",
    "parse_entry",
    "parse_moment",
]
