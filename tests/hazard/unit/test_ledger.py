from datetime import UTC, date, datetime

import pytest

from services.hazard.domain.hazards import HazardLevel, HazardSource, HazardStatus
from services.hazard.domain.ledger import canonical_column, ledger_key, parse_day, parse_entry, parse_moment
from shared.errors import Invalid

NOW = datetime(2026, 6, 1, tzinfo=UTC)
USCC = "91330503MA2B3C4D5E"


def entry(**row):
    base = {"uscc": USCC, "description": "消防通道堵塞", "level": "general", "found_at": "2026-01-05"}
    return parse_entry({**base, **row}, now=NOW, tz_offset_hours=8)


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("统一社会信用代码", "uscc"),
        (" 隐患描述 ", "description"),
        ("隐患等级", "level"),
        ("发现时间", "found_at"),
        ("整改通知书编号", "notice_number"),
        ("整改期限", "deadline"),
        ("销号时间", "closed_at"),
        ("USCC", "uscc"),
        ("备注", "备注"),
    ],
)
def test_english_and_chinese_headers_name_the_same_columns(header, column):
    assert canonical_column(header) == column


@pytest.mark.parametrize(
    "typed",
    [
        "2026-01-05 09:30",
        "2026/1/5 9:30",
        "2026年1月5日 9:30",
        "2026-01-05T01:30:00Z",
        "2026-01-05T09:30:00+08:00",
        datetime(2026, 1, 5, 9, 30),
    ],
)
def test_times_typed_any_way_mean_the_same_instant_in_local_time(typed):
    assert parse_moment(typed, "found_at", 8) == datetime(2026, 1, 5, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize("typed", ["2026-01-05", "2026/1/5", "2026年1月5日", date(2026, 1, 5)])
def test_a_bare_date_is_the_start_of_that_local_day(typed):
    assert parse_moment(typed, "found_at", 8) == datetime(2026, 1, 4, 16, 0, tzinfo=UTC)
    assert parse_day(typed, "deadline", 8) == date(2026, 1, 5)


def test_a_closed_row_with_a_notice_is_closed_and_keeps_its_number_parts():
    e = entry(
        level="一般隐患",
        source="网格巡查",
        notice_number="湖安监整改（2026）12号",
        notice_issued_at="2026-01-06",
        deadline="2026-01-20",
        closed_at="2026-01-18 10:00",
    )
    assert (e.level, e.source, e.status) == (HazardLevel.GENERAL, HazardSource.GRID_INSPECTION, HazardStatus.CLOSED)
    assert (e.notice.issuer, e.notice.year, e.notice.seq, e.notice.deadline) == ("湖安监", 2026, 12, date(2026, 1, 20))


def test_a_non_standard_number_is_kept_as_typed():
    e = entry(notice_number="南浔-2016-整改-33", notice_issued_at="2026-01-06", deadline="2026-01-20")
    assert (e.notice.number, e.notice.issuer, e.status) == ("南浔-2016-整改-33", None, HazardStatus.NOTICE_ISSUED)


def test_rows_without_notice_or_closure_are_reported_and_the_source_defaults_to_other():
    e = entry()
    assert (e.status, e.source, e.notice) == (HazardStatus.REPORTED, HazardSource.OTHER, None)


def test_every_bad_field_of_a_row_is_named_at_once():
    with pytest.raises(Invalid) as caught:
        parse_entry(
            {"uscc": "", "level": "huge", "found_at": "yesterday", "closed_at": "2026-13-01"},
            now=NOW,
            tz_offset_hours=8,
        )
    assert {e["field"] for e in caught.value.errors} == {"uscc", "description", "level", "found_at", "closed_at"}


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"level": "重大"}, "major_basis"),
        ({"level": "major", "major_standard": "应急管理部令第10号"}, "major_basis"),
        ({"level": "major", "major_standard": "s", "major_clause": "c", "closed_at": "2026-02-01"}, "notice_number"),
        ({"deadline": "2026-02-01"}, "notice_number"),
        ({"notice_number": "湖安监整改〔2026〕1号"}, "deadline"),
        (
            {"notice_number": "湖安监整改〔2026〕1号", "notice_issued_at": "2026-01-10", "deadline": "2026-01-09"},
            "deadline",
        ),
        (
            {"notice_number": "湖安监整改〔2026〕1号", "notice_issued_at": "2026-01-01", "deadline": "2026-01-09"},
            "notice_issued_at",
        ),
        ({"closed_at": "2026-01-01"}, "closed_at"),
        ({"found_at": "2026-07-01"}, "found_at"),
    ],
)
def test_rows_that_break_a_rule_of_the_loop_are_refused(row, field):
    with pytest.raises(Invalid) as caught:
        entry(**row)
    assert field in {e["field"] for e in caught.value.errors}


def test_the_same_hazard_has_the_same_key_however_its_time_was_typed():
    assert ledger_key(entry(found_at="2026-01-05 09:30")) == ledger_key(entry(found_at="2026-01-05T01:30:00Z"))
    assert ledger_key(entry()) != ledger_key(entry(description="另一隐患"))
