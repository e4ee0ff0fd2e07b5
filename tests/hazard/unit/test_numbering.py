import pytest

from services.hazard.domain.numbering import format_notice_number, parse_notice_number
from shared.errors import Invalid


def test_number_is_zero_padded_to_four_digits():
    assert format_notice_number("湖安监", 2026, 1) == "湖安监整改〔2026〕0001号"


def test_number_at_9999_keeps_four_digits():
    assert format_notice_number("湖安监", 2026, 9999) == "湖安监整改〔2026〕9999号"


def test_number_beyond_9999_grows_more_digits():
    assert format_notice_number("吴兴安监", 2026, 10000) == "吴兴安监整改〔2026〕10000号"


@pytest.mark.parametrize(
    ("prefix", "year", "seq", "field"),
    [
        ("", 2026, 1, "issuer_prefix"),
        ("湖 安监", 2026, 1, "issuer_prefix"),
        ("湖安监〔", 2026, 1, "issuer_prefix"),
        ("湖安监", 999, 1, "year"),
        ("湖安监", 10000, 1, "year"),
        ("湖安监", 2026, 0, "seq"),
        ("湖安监", 2026, -3, "seq"),
    ],
)
def test_formatting_bad_parts_is_refused(prefix, year, seq, field):
    with pytest.raises(Invalid) as caught:
        format_notice_number(prefix, year, seq)
    assert caught.value.code == "invalid_notice_number"
    assert caught.value.errors[0]["field"] == field


@pytest.mark.parametrize(("prefix", "year", "seq"), [("湖安监", 2026, 1), ("长兴安监", 2015, 12345)])
def test_parse_reverses_format(prefix, year, seq):
    assert parse_notice_number(format_notice_number(prefix, year, seq)) == (prefix, year, seq)


@pytest.mark.parametrize(
    "text",
    [
        "湖安监整改〔2015〕12号",
        "湖安监整改[2015]0012号",
        "湖安监整改【2015】0012号",
        "湖安监整改（2015）0012号",
        "湖安监整改(2015)0012号",
        "湖安监整改［２０１５］００１２号",
        " 湖安监整改 〔2015〕 0012 号 ",
    ],
)
def test_parse_accepts_the_variants_found_in_old_ledgers(text):
    assert parse_notice_number(text) == ("湖安监", 2015, 12)


def test_parse_keeps_an_issuer_prefix_that_itself_contains_the_document_type():
    assert parse_notice_number("湖安监整改整改〔2015〕0001号") == ("湖安监整改", 2015, 1)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "湖安监整改〔2015〕0012",
        "湖安监〔2015〕0012号",
        "整改〔2015〕0012号",
        "湖安监整改〔15〕0012号",
        "湖安监整改〔2015〕0000号",
        "湖安监整改〔2015〕号",
        "湖安监整改2015 0012号",
        "湖安监整改〔2015〕0012号附件",
    ],
)
def test_parse_refuses_anything_else(text):
    with pytest.raises(Invalid) as caught:
        parse_notice_number(text)
    assert caught.value.code == "invalid_notice_number"
    assert caught.value.errors[0]["field"] == "number"
