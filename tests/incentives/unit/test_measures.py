from datetime import date

import pytest

from services.incentives.domain.measures import (
    SEED_MEASURES,
    Domain,
    Measure,
    MeasureKind,
    validate_measure,
)
from shared.errors import Invalid


def valid_fields(**overrides):
    fields = {
        "code": "loans.restricted_credit",
        "domain": "loans",
        "kind": "restriction",
        "applies_to": ["D", "blacklist"],
        "text": "从严审核贷款",
        "basis": "发改财金〔2016〕1001号",
        "valid_from": date(2020, 1, 1),
        "valid_to": None,
    }
    return fields | overrides


def error_fields(excinfo):
    return [e["field"] for e in excinfo.value.errors]


def by_code():
    return {m.code: m for m in SEED_MEASURES}


# --- the seed catalogue ---


def test_seed_codes_are_unique():
    codes = [m.code for m in SEED_MEASURES]
    assert len(codes) == len(set(codes))


def test_seed_has_the_named_measures_of_the_joint_measures_table():
    expected = {
        "awards.priority": MeasureKind.INCENTIVE,
        "awards.veto": MeasureKind.RESTRICTION,
        "loans.preferential_review": MeasureKind.INCENTIVE,
        "loans.restricted_credit": MeasureKind.RESTRICTION,
        "electricity.capacity_favoured": MeasureKind.INCENTIVE,
        "electricity.capacity_restricted": MeasureKind.RESTRICTION,
        "land.supply_favoured": MeasureKind.INCENTIVE,
        "land.supply_restricted": MeasureKind.RESTRICTION,
        "tax.credit_rating_reference": MeasureKind.RESTRICTION,
    }
    catalogue = by_code()
    for code, kind in expected.items():
        assert catalogue[code].kind is kind


def test_every_domain_has_a_restriction_side():
    restricted = {m.domain for m in SEED_MEASURES if m.kind is MeasureKind.RESTRICTION}
    assert restricted == set(Domain)


def test_every_domain_but_tax_has_a_reward_side():
    rewarded = {m.domain for m in SEED_MEASURES if m.kind is MeasureKind.INCENTIVE}
    assert rewarded == set(Domain) - {Domain.TAX}


def test_rewards_target_class_a_and_the_honour_roll():
    for m in SEED_MEASURES:
        if m.kind is MeasureKind.INCENTIVE:
            assert m.applies_to == {"A", "honour_roll"}


def test_restrictions_target_class_d_and_the_blacklist():
    for m in SEED_MEASURES:
        if m.kind is MeasureKind.RESTRICTION:
            assert m.applies_to == {"D", "blacklist"}


def test_every_seed_measure_passes_validation_and_cites_its_basis():
    for m in SEED_MEASURES:
        rebuilt = validate_measure(
            code=m.code,
            domain=m.domain,
            kind=m.kind,
            applies_to=m.applies_to,
            text=m.text,
            basis=m.basis,
            valid_from=m.valid_from,
            valid_to=m.valid_to,
        )
        assert rebuilt == m
        assert m.code.startswith(f"{m.domain}.")


def test_seed_bases_name_the_memorandum_and_the_reward_rule():
    catalogue = by_code()
    assert "发改财金〔2016〕1001号" in catalogue["loans.restricted_credit"].basis
    assert "安监总办〔2017〕133号" in catalogue["awards.priority"].basis
    assert "浙江省" in catalogue["electricity.capacity_restricted"].basis


def test_awards_veto_is_the_one_vote_veto():
    assert "一票否决" in by_code()["awards.veto"].text


# --- validation ---


def test_valid_fields_build_a_measure_with_enums():
    measure = validate_measure(**valid_fields())
    assert measure == Measure(
        code="loans.restricted_credit",
        domain=Domain.LOANS,
        kind=MeasureKind.RESTRICTION,
        applies_to=frozenset({"D", "blacklist"}),
        text="从严审核贷款",
        basis="发改财金〔2016〕1001号",
        valid_from=date(2020, 1, 1),
    )


def test_unknown_domain_is_a_field_error():
    with pytest.raises(Invalid) as excinfo:
        validate_measure(**valid_fields(domain="fishing", code="fishing.ban"))
    assert excinfo.value.code == "invalid_measure"
    assert error_fields(excinfo) == ["domain"]


def test_unknown_kind_is_a_field_error():
    with pytest.raises(Invalid) as excinfo:
        validate_measure(**valid_fields(kind="punishment"))
    assert error_fields(excinfo) == ["kind"]


def test_unknown_target_is_a_field_error():
    with pytest.raises(Invalid) as excinfo:
        validate_measure(**valid_fields(applies_to=["D", "E"]))
    assert error_fields(excinfo) == ["applies_to"]
    assert "E" in excinfo.value.errors[0]["message"]


def test_no_target_is_a_field_error():
    with pytest.raises(Invalid) as excinfo:
        validate_measure(**valid_fields(applies_to=[]))
    assert error_fields(excinfo) == ["applies_to"]


def test_valid_to_before_valid_from_is_a_field_error():
    with pytest.raises(Invalid) as excinfo:
        validate_measure(**valid_fields(valid_to=date(2019, 12, 31)))
    assert error_fields(excinfo) == ["valid_to"]


def test_a_measure_may_be_valid_for_a_single_day():
    measure = validate_measure(**valid_fields(valid_to=date(2020, 1, 1)))
    assert measure.valid_to == measure.valid_from


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_text_is_a_field_error(text):
    with pytest.raises(Invalid) as excinfo:
        validate_measure(**valid_fields(text=text))
    assert error_fields(excinfo) == ["text"]


def test_empty_basis_is_a_field_error():
    with pytest.raises(Invalid) as excinfo:
        validate_measure(**valid_fields(basis=" "))
    assert error_fields(excinfo) == ["basis"]


@pytest.mark.parametrize("code", ["", "loans", "Loans.Restricted", "loans.restricted credit"])
def test_code_must_be_domain_dot_name(code):
    with pytest.raises(Invalid) as excinfo:
        validate_measure(**valid_fields(code=code))
    assert error_fields(excinfo) == ["code"]


def test_code_must_start_with_its_own_domain():
    with pytest.raises(Invalid) as excinfo:
        validate_measure(**valid_fields(code="land.supply_restricted"))
    assert error_fields(excinfo) == ["code"]


def test_an_incentive_cannot_target_the_blacklist_or_class_d():
    with pytest.raises(Invalid) as excinfo:
        validate_measure(**valid_fields(kind="incentive", applies_to=["A", "D", "blacklist"]))
    assert error_fields(excinfo) == ["applies_to"]
    assert "D, blacklist" in excinfo.value.errors[0]["message"]


def test_a_restriction_cannot_target_class_a_or_the_honour_roll():
    with pytest.raises(Invalid) as excinfo:
        validate_measure(**valid_fields(applies_to=["A", "honour_roll", "D"]))
    assert error_fields(excinfo) == ["applies_to"]


def test_classes_b_and_c_may_carry_either_kind():
    assert validate_measure(**valid_fields(applies_to=["B", "C"])).applies_to == {"B", "C"}
    incentive = valid_fields(kind="incentive", code="loans.extra", applies_to=["B", "C"])
    assert validate_measure(**incentive).kind is MeasureKind.INCENTIVE


def test_every_broken_field_is_reported_at_once():
    with pytest.raises(Invalid) as excinfo:
        validate_measure(**valid_fields(domain="x", kind="y", applies_to=["Z"], text="", valid_to=date(2000, 1, 1)))
    assert set(error_fields(excinfo)) == {"domain", "kind", "applies_to", "text", "valid_to"}


def test_text_and_basis_are_trimmed():
    measure = validate_measure(**valid_fields(text=" 限制 ", basis=" 依据 "))
    assert (measure.text, measure.basis) == ("限制", "依据")


# --- validity ---


def test_a_measure_is_in_force_from_valid_from_to_valid_to_inclusive():
    measure = validate_measure(**valid_fields(valid_to=date(2020, 12, 31)))
    assert not measure.in_force_on(date(2019, 12, 31))
    assert measure.in_force_on(date(2020, 1, 1))
    assert measure.in_force_on(date(2020, 12, 31))
    assert not measure.in_force_on(date(2021, 1, 1))


def test_an_open_ended_measure_stays_in_force():
    assert validate_measure(**valid_fields()).in_force_on(date(2099, 1, 1))
