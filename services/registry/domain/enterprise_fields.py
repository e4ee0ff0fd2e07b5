"""An enterprise's record fields: their vocabularies, and how an officer's spreadsheet row reads into them.

Officers' spreadsheets come with Chinese headers and labels (统一社会信用代码, 行业类别: 工贸, 规模: 小型,
标准化等级: 二级); they are read into the same codes the API uses. Each row is checked on its own and
every problem is reported, so a bad row can be fixed from the report alone.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal

from shared.errors import Invalid

from .standardization import GRADES, IndustryCategory
from .uscc import validate_uscc

Category = Literal["mining", "hazardous_chemicals", "fireworks", "metallurgy", "industry_trade", "general"]
Scale = Literal["large", "medium", "small", "micro"]
Status = Literal["operating", "suspended", "closed"]

CATEGORIES: tuple[str, ...] = tuple(c.value for c in IndustryCategory)
SCALES: tuple[str, ...] = ("large", "medium", "small", "micro")
#: operating 在营; suspended 停产停业 (e.g. ordered to suspend for rectification); closed 关闭/注销.
STATUSES: tuple[str, ...] = ("operating", "suspended", "closed")

#: Longest text each field holds (the columns are sized to match).
MAX_LENGTH = {
    "name": 200,
    "legal_representative": 100,
    "person_in_charge": 100,
    "person_in_charge_phone": 30,
    "safety_lead": 100,
    "safety_lead_phone": 30,
    "township": 100,
    "village": 100,
    "address": 300,
}

REQUIRED_COLUMNS = ("uscc", "name", "legal_representative", "division_code", "category")
IMPORT_COLUMNS = (
    *REQUIRED_COLUMNS,
    "person_in_charge",
    "person_in_charge_phone",
    "safety_lead",
    "safety_lead_phone",
    "township",
    "village",
    "address",
    "scale",
    "employees",
    "status",
    "standardization_grade",
    "standardization_valid_until",
)

# Headers seen in officers' spreadsheets, after normalize_header (full-width brackets folded).
_HEADER_ALIASES = {
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码"),
    "name": ("企业名称", "单位名称", "名称"),
    "legal_representative": ("法定代表人", "法人代表", "法人"),
    "person_in_charge": ("主要负责人",),
    "person_in_charge_phone": ("主要负责人电话", "主要负责人联系电话"),
    "safety_lead": ("安全负责人", "安全管理负责人", "分管安全负责人"),
    "safety_lead_phone": ("安全负责人电话", "安全负责人联系电话", "安全管理负责人电话"),
    "division_code": ("所在区划代码", "行政区划代码", "区划代码", "所在地区划代码"),
    "township": ("乡镇", "乡镇(街道)", "镇(街道)", "所属乡镇", "所在乡镇"),
    "village": ("村", "村(社区)", "所属村(社区)", "所在村"),
    "address": ("地址", "详细地址", "生产经营地址", "经营地址"),
    "category": ("行业类别", "行业分类", "行业"),
    "scale": ("规模", "企业规模"),
    "employees": ("从业人员数", "从业人数", "职工人数", "员工人数"),
    "status": ("经营状态", "状态"),
    "standardization_grade": ("标准化等级", "安全生产标准化等级"),
    "standardization_valid_until": ("标准化有效期至", "标准化证书有效期至", "标准化有效期"),
}
_HEADERS = {alias: column for column, aliases in _HEADER_ALIASES.items() for alias in (column, *aliases)}

_CATEGORY_LABELS = {
    **{c: c for c in CATEGORIES},
    "矿山": "mining",
    "非煤矿山": "mining",
    "危险化学品": "hazardous_chemicals",
    "危化品": "hazardous_chemicals",
    "烟花爆竹": "fireworks",
    "冶金": "metallurgy",
    "金属冶炼": "metallurgy",
    "工贸": "industry_trade",
    "工贸行业": "industry_trade",
    "一般": "general",
    "其他": "general",
}
_SCALE_LABELS = {**{s: s for s in SCALES}, "大型": "large", "中型": "medium", "小型": "small", "微型": "micro"}
_STATUS_LABELS = {
    **{s: s for s in STATUSES},
    "在营": "operating",
    "正常": "operating",
    "停产": "suspended",
    "停业": "suspended",
    "停产整顿": "suspended",
    "关闭": "closed",
    "注销": "closed",
}
_GRADE_LABELS = {"1": 1, "2": 2, "3": 3, "一级": 1, "二级": 2, "三级": 3}
_NONE_LABELS = {"无", "-", "—", "none"}
_DIVISION = re.compile(r"[0-9]{6}")
_PHONE = re.compile(r"[0-9+\-() ]{3,30}")
_DATE = re.compile(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?")


def normalize_header(header: str) -> str:
    """Fold a header for matching: no spaces, half-width brackets, lower case."""
    text = "".join(str(header).split()).replace("（", "(").replace("）", ")")
    return text.lower()


def canonical_column(header: str) -> str | None:
    """The field a spreadsheet header names, or None for a column the registry does not keep."""
    return _HEADERS.get(normalize_header(header))


def canonical_columns(headers: list[str]) -> dict[str, str]:
    """``{header: field}`` for the headers the registry reads; refuses a file naming one field twice."""
    mapping: dict[str, str] = {}
    seen: dict[str, str] = {}
    for header in headers:
        column = canonical_column(header)
        if column is None:
            continue
        if column in seen:
            message = f"columns {seen[column]!r} and {header!r} both give {column}"
            raise Invalid(message, code="duplicate_columns", errors=[{"field": column, "message": message}])
        seen[column] = header
        mapping[header] = column
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        raise Invalid(
            f"missing columns: {', '.join(missing)}",
            code="missing_columns",
            errors=[{"field": c, "message": "column missing"} for c in missing],
        )
    return mapping


def parse_row(raw: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Read one row (``{field: cell}``, only the file's columns) into field values, or the reasons it cannot be.

    Blank optional cells clear the field; columns the file lacks are left out, so re-importing a
    narrower file never erases what another file set.
    """
    values: dict[str, Any] = {}
    errors: list[dict[str, str]] = []

    def fail(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    for field, cell in raw.items():
        text = _text(cell)
        if field in REQUIRED_COLUMNS and text is None:
            fail(field, "required")
            continue
        if field == "status" and text is None:
            continue  # every enterprise has a status: a blank cell leaves it as it is
        try:
            values[field] = _READERS[field](cell, text)
        except ValueError as exc:
            fail(field, str(exc))
    if "standardization_grade" in values or "standardization_valid_until" in values:
        grade, until = values.get("standardization_grade"), values.get("standardization_valid_until")
        if grade is not None and until is None and not _failed(errors, "standardization_valid_until"):
            fail("standardization_valid_until", "required with a standardization grade")
        if grade is None and until is not None and not _failed(errors, "standardization_grade"):
            fail("standardization_grade", "required with a validity date")
    return values, errors


def _failed(errors: list[dict[str, str]], field: str) -> bool:
    return any(e["field"] == field for e in errors)


def _text(cell: Any) -> str | None:
    if cell is None:
        return None
    if type(cell) is not str:
        cell = str(int(cell) if isinstance(cell, float) and cell.is_integer() else cell)
    return cell.strip() or None


def _read_uscc(_cell: Any, text: str | None) -> str:
    try:
        return validate_uscc(text or "")
    except Invalid as exc:
        raise ValueError("; ".join(e["message"] for e in exc.errors or [])) from None


def _reader_text(field: str):
    limit = MAX_LENGTH[field]

    def read(_cell: Any, text: str | None) -> str | None:
        if text is not None and len(text) > limit:
            raise ValueError(f"at most {limit} characters, got {len(text)}")
        return text

    return read


def _reader_phone(field: str):
    def read(_cell: Any, text: str | None) -> str | None:
        if text is not None and not _PHONE.fullmatch(text):
            raise ValueError(f"not a phone number: {text!r}")
        return text

    return read


def _read_division(_cell: Any, text: str | None) -> str:
    if text is None or not _DIVISION.fullmatch(text):
        raise ValueError(f"must be a 6-digit division code, got {text!r}")
    return text


def _reader_label(labels: dict[str, str], allowed: tuple[str, ...]):
    def read(_cell: Any, text: str | None) -> str | None:
        if text is None:
            return None
        value = labels.get(text.lower()) or labels.get(text)
        if value is None:
            raise ValueError(f"unknown value {text!r}; expected one of {', '.join(allowed)}")
        return value

    return read


def _read_employees(cell: Any, text: str | None) -> int | None:
    if text is None:
        return None
    if isinstance(cell, float) and not cell.is_integer():
        raise ValueError(f"must be a whole number, got {cell!r}")
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"must be a whole number, got {text!r}") from None
    if value < 0:
        raise ValueError("must be 0 or more")
    return value


def _read_grade(_cell: Any, text: str | None) -> int | None:
    if text is None or text.lower() in _NONE_LABELS:
        return None
    grade = _GRADE_LABELS.get(text)
    if grade is None:
        raise ValueError(f"must be one of {', '.join(map(str, GRADES))} (一级/二级/三级), got {text!r}")
    return grade


def _read_date(cell: Any, text: str | None) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if text is None or text.lower() in _NONE_LABELS:
        return None
    match = _DATE.fullmatch(text) or _DATE.fullmatch(text.split(" ")[0])
    if match is None:
        raise ValueError(f"must be a date such as 2027-06-30, got {text!r}")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError as exc:
        raise ValueError(f"not a calendar date: {text!r} ({exc})") from None


_READERS = {
    "uscc": _read_uscc,
    "division_code": _read_division,
    "category": _reader_label(_CATEGORY_LABELS, CATEGORIES),
    "scale": _reader_label(_SCALE_LABELS, SCALES),
    "status": _reader_label(_STATUS_LABELS, STATUSES),
    "employees": _read_employees,
    "standardization_grade": _read_grade,
    "standardization_valid_until": _read_date,
    "person_in_charge_phone": _reader_phone("person_in_charge_phone"),
    "safety_lead_phone": _reader_phone("safety_lead_phone"),
    **{f: _reader_text(f) for f in ("name", "legal_representative", "person_in_charge", "safety_lead")},
    **{f: _reader_text(f) for f in ("township", "village", "address")},
}
