from datetime import date, datetime

import pytest

from services.registry.domain.enterprise_fields import canonical_column, canonical_columns, parse_row
from shared.errors import Invalid

ROW = {
    "uscc": "914403001922038216",
    "name": "华为技术有限公司",
    "legal_representative": "赵明路",
    "division_code": "440300",
    "category": "industry_trade",
}


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("统一社会信用代码", "uscc"),
        ("企业名称", "name"),
        ("法定代表人", "legal_representative"),
        ("乡镇（街道）", "township"),
        (" 村 (社区) ", "village"),
        ("标准化等级", "standardization_grade"),
        ("USCC", "uscc"),
        ("备注", None),
    ],
)
def test_chinese_and_english_headers_name_the_same_fields(header, column):
    assert canonical_column(header) == column


def test_required_columns_are_checked_and_a_field_named_twice_is_refused():
    with pytest.raises(Invalid) as exc:
        canonical_columns(["统一社会信用代码", "企业名称"])
    assert exc.value.code == "missing_columns"
    assert {e["field"] for e in exc.value.errors} == {"legal_representative", "division_code", "category"}
    with pytest.raises(Invalid) as exc:
        canonical_columns(["uscc", "统一社会信用代码", "name", "legal_representative", "division_code", "category"])
    assert exc.value.code == "duplicate_columns"


def test_a_good_row_reads_into_the_api_codes():
    values, errors = parse_row(
        ROW
        | {
            "uscc": "９１４４０３００１９２２０３８２１６",
            "category": "危险化学品",
            "scale": "小型",
            "status": "停产整顿",
            "employees": 120,
            "standardization_grade": "二级",
            "standardization_valid_until": "2027年6月30日",
            "person_in_charge_phone": 13857200001,
            "division_code": 330503,
        }
    )
    assert errors == []
    assert values["uscc"] == "914403001922038216"
    assert (values["category"], values["scale"], values["status"]) == ("hazardous_chemicals", "small", "suspended")
    assert (values["employees"], values["standardization_grade"]) == (120, 2)
    assert values["standardization_valid_until"] == date(2027, 6, 30)
    assert (values["person_in_charge_phone"], values["division_code"]) == ("13857200001", "330503")


def test_spreadsheet_dates_and_integral_floats_are_taken_as_they_come():
    values, errors = parse_row(
        ROW | {"standardization_grade": 1.0, "standardization_valid_until": datetime(2028, 1, 15), "employees": 40.0}
    )
    assert errors == []
    assert (values["standardization_grade"], values["standardization_valid_until"], values["employees"]) == (
        1,
        date(2028, 1, 15),
        40,
    )


def test_every_problem_of_a_row_is_reported():
    values, errors = parse_row(
        {
            "uscc": "91440300708461136I",
            "name": "",
            "legal_representative": "x" * 101,
            "division_code": "3305",
            "category": "bakery",
            "employees": "many",
            "standardization_grade": "4",
            "standardization_valid_until": "2027-02-30",
            "safety_lead_phone": "call me",
        }
    )
    fields = [e["field"] for e in errors]
    assert fields == [
        "uscc",
        "name",
        "legal_representative",
        "division_code",
        "category",
        "employees",
        "standardization_grade",
        "standardization_valid_until",
        "safety_lead_phone",
    ]
    assert "'I' at position 18" in errors[0]["message"]


def test_blank_optional_cells_clear_and_a_blank_status_is_left_alone():
    values, errors = parse_row(ROW | {"township": None, "status": None, "scale": "  "})
    assert errors == []
    assert values["township"] is None and values["scale"] is None and "status" not in values


def test_a_grade_and_its_date_go_together():
    _, errors = parse_row(ROW | {"standardization_grade": 2, "standardization_valid_until": None})
    assert errors == [{"field": "standardization_valid_until", "message": "required with a standardization grade"}]
    _, errors = parse_row(ROW | {"standardization_grade": "无", "standardization_valid_until": "2027-01-01"})
    assert errors == [{"field": "standardization_grade", "message": "required with a validity date"}]
