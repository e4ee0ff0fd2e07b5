import pytest

from services.hazard.domain.hazards import (
    HazardLevel,
    HazardSource,
    HazardStatus,
    MajorBasis,
    validate_new_hazard,
)
from shared.errors import Invalid


def test_sources_are_the_contracts_nine():
    assert [s.value for s in HazardSource] == [
        "routine_check",
        "specialist_check",
        "expert_checkup",
        "advisor",
        "grid_inspection",
        "grid_report",
        "electrical_alarm",
        "self_check",
        "other",
    ]


def test_statuses_run_from_reported_to_closed():
    assert [s.value for s in HazardStatus] == [
        "reported",
        "notice_issued",
        "rectifying",
        "awaiting_acceptance",
        "closed",
    ]


def test_levels_are_general_and_major():
    assert [level.value for level in HazardLevel] == ["general", "major"]


def test_major_hazard_with_standard_and_clause_is_accepted():
    validate_new_hazard(HazardLevel.MAJOR, MajorBasis("MEM Order No. 10 (2023)", "art. 4 (1)"))


def test_general_hazard_needs_no_basis():
    validate_new_hazard(HazardLevel.GENERAL, None)


def test_general_hazard_with_a_basis_is_accepted():
    validate_new_hazard(HazardLevel.GENERAL, MajorBasis("MEM Order No. 10 (2023)", "art. 4 (1)"))


def test_level_may_be_given_as_its_string():
    with pytest.raises(Invalid):
        validate_new_hazard("major", None)


@pytest.mark.parametrize(
    ("basis", "missing"),
    [
        (None, "standard, clause"),
        (MajorBasis("", "art. 4"), "standard"),
        (MajorBasis("MEM Order No. 10 (2023)", ""), "clause"),
        (MajorBasis("   ", "\t"), "standard, clause"),
    ],
)
def test_major_hazard_without_standard_and_clause_is_refused(basis, missing):
    with pytest.raises(Invalid) as caught:
        validate_new_hazard(HazardLevel.MAJOR, basis)
    error = caught.value
    assert error.code == "major_basis_required"
    assert error.status == 422
    assert error.errors == [{"field": "major_basis", "message": f"missing or blank: {missing}"}]
    assert missing in error.detail
