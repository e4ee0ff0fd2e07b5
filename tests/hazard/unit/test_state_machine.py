from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import product

import pytest

from services.hazard.domain.hazards import HazardLevel, HazardStatus, RemediationPlan
from services.hazard.domain.state_machine import (
    MOVES,
    HazardAction,
    HazardState,
    Transition,
    allowed_moves,
    apply,
    initial_state,
    transition,
)
from shared.errors import Conflict, Invalid

G, M = HazardLevel.GENERAL, HazardLevel.MAJOR
REP, NI, R, AA, CL = (
    HazardStatus.REPORTED,
    HazardStatus.NOTICE_ISSUED,
    HazardStatus.RECTIFYING,
    HazardStatus.AWAITING_ACCEPTANCE,
    HazardStatus.CLOSED,
)
A = HazardAction
EVIDENCE = ["photo:guard-rail-fixed.jpg"]
PLAN = RemediationPlan(
    measures="replace the corroded storage tank and its relief valve",
    funds=Decimal("180000.00"),
    deadline=date(2026, 6, 30),
    responsible_person="Wang Wei (plant manager)",
    emergency_plan="tank-area leak plan v3; area cordoned until replacement",
)
AT = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


def st(level, status, *, listed=False, pending=False):
    """A hazard state; a major hazard has its plan exactly from rectifying on."""
    plan = level == M and status in (R, AA, CL)
    return HazardState(status, level, listed=listed, plan_submitted=plan, extension_pending=pending)


def _legal_moves():
    """The closed loop as the specification states it, written independently of MOVES."""
    rows = [
        (st(G, REP), A.FIX_ON_SPOT, st(G, CL)),
        (st(G, REP), A.ISSUE_NOTICE, st(G, NI)),
        (st(G, NI), A.START_RECTIFICATION, st(G, R)),
        (st(G, NI), A.COMPLETE, st(G, AA)),
        (st(G, NI), A.REQUEST_EXTENSION, st(G, NI, pending=True)),
        (st(G, NI, pending=True), A.START_RECTIFICATION, st(G, R, pending=True)),
        (st(G, NI, pending=True), A.COMPLETE, st(G, AA)),
        (st(G, NI, pending=True), A.GRANT_EXTENSION, st(G, NI)),
        (st(G, NI, pending=True), A.REFUSE_EXTENSION, st(G, NI)),
        (st(G, R), A.COMPLETE, st(G, AA)),
        (st(G, R), A.REQUEST_EXTENSION, st(G, R, pending=True)),
        (st(G, R, pending=True), A.COMPLETE, st(G, AA)),
        (st(G, R, pending=True), A.GRANT_EXTENSION, st(G, R)),
        (st(G, R, pending=True), A.REFUSE_EXTENSION, st(G, R)),
        (st(G, AA), A.ACCEPT, st(G, CL)),
        (st(G, AA), A.FAIL_ACCEPTANCE, st(G, R)),
        (st(M, CL, listed=True), A.DELIST, st(M, CL)),
    ]
    for listed in (False, True):
        rows += [
            (st(M, REP, listed=listed), A.ISSUE_NOTICE, st(M, NI, listed=listed)),
            (st(M, NI, listed=listed), A.SUBMIT_PLAN, st(M, R, listed=listed)),
            (st(M, NI, listed=listed), A.REQUEST_EXTENSION, st(M, NI, listed=listed, pending=True)),
            (st(M, NI, listed=listed, pending=True), A.SUBMIT_PLAN, st(M, R, listed=listed, pending=True)),
            (st(M, NI, listed=listed, pending=True), A.GRANT_EXTENSION, st(M, NI, listed=listed)),
            (st(M, NI, listed=listed, pending=True), A.REFUSE_EXTENSION, st(M, NI, listed=listed)),
            (st(M, R, listed=listed), A.COMPLETE, st(M, AA, listed=listed)),
            (st(M, R, listed=listed), A.REQUEST_EXTENSION, st(M, R, listed=listed, pending=True)),
            (st(M, R, listed=listed, pending=True), A.COMPLETE, st(M, AA, listed=listed)),
            (st(M, R, listed=listed, pending=True), A.GRANT_EXTENSION, st(M, R, listed=listed)),
            (st(M, R, listed=listed, pending=True), A.REFUSE_EXTENSION, st(M, R, listed=listed)),
            (st(M, AA, listed=listed), A.ACCEPT, st(M, CL, listed=listed)),
            (st(M, AA, listed=listed), A.FAIL_ACCEPTANCE, st(M, R, listed=listed)),
        ]
    for status, pending in [(REP, False), (NI, False), (NI, True), (R, False), (R, True), (AA, False)]:
        rows.append((st(M, status, pending=pending), A.LIST_SUPERVISION, st(M, status, listed=True, pending=pending)))
    return rows


LEGAL = _legal_moves()


def _constructible_states():
    states = []
    for status, level, listed, plan, pending in product(HazardStatus, HazardLevel, *[(False, True)] * 3):
        try:
            states.append(HazardState(status, level, listed, plan, pending))
        except ValueError:
            pass
    return states


ALL_STATES = _constructible_states()
ILLEGAL = [
    (state, action)
    for state in ALL_STATES
    for action in HazardAction
    if (state, action) not in {(before, act) for before, act, _ in LEGAL}
]


PAYLOAD = {"evidence": EVIDENCE, "plan": PLAN}


def _id(value):
    if isinstance(value, HazardState):
        flags = [name for name in ("listed", "extension_pending") if getattr(value, name)]
        return "-".join([value.level.value, value.status.value, *flags])
    return str(value)


def test_every_action_has_a_row_in_the_table():
    assert {move.action for move in MOVES} == set(HazardAction)


def test_there_are_21_possible_states_7_general_and_14_major():
    assert len(ALL_STATES) == 21
    assert sum(state.level == G for state in ALL_STATES) == 7


def test_specification_counts_49_legal_moves_and_203_illegal_ones():
    assert len(LEGAL) == 49
    assert len(ILLEGAL) == 21 * len(HazardAction) - 49


@pytest.mark.parametrize(("before", "action", "after"), LEGAL, ids=_id)
def test_legal_move_reaches_the_specified_state(before, action, after):
    assert apply(before, action, **PAYLOAD) == after


@pytest.mark.parametrize(("state", "action"), ILLEGAL, ids=_id)
def test_illegal_move_is_refused_with_invalid_transition(state, action):
    with pytest.raises(Conflict) as caught:
        apply(state, action, **PAYLOAD)
    error = caught.value
    assert error.status == 409
    assert error.code == "invalid_transition"
    assert error.extra["state"] == state.status.value
    assert error.extra["action"] == action.value
    assert error.extra["allowed"] == [a.value for a in allowed_moves(state)]


@pytest.mark.parametrize("state", ALL_STATES, ids=_id)
def test_allowed_moves_are_exactly_the_specified_ones_in_name_order(state):
    expected = sorted({action for before, action, _ in LEGAL if before == state})
    assert allowed_moves(state) == expected


def test_conflict_detail_names_the_state_and_the_allowed_moves():
    with pytest.raises(Conflict) as caught:
        apply(st(G, NI), A.ACCEPT)
    assert str(caught.value) == (
        "cannot accept a hazard in state 'notice_issued'; allowed: complete, request_extension, start_rectification"
    )


def test_closed_general_hazard_allows_no_move():
    with pytest.raises(Conflict) as caught:
        apply(st(G, CL), A.FAIL_ACCEPTANCE)
    assert caught.value.detail.endswith("allowed: none")
    assert caught.value.extra["allowed"] == []


def test_new_hazard_starts_reported_unlisted_without_plan():
    assert initial_state(M) == HazardState(REP, M, False, False, False)


def test_action_may_be_given_as_its_string():
    assert apply(st(G, REP), "issue_notice") == st(G, NI)


def test_failed_acceptance_returns_to_rectifying():
    assert apply(st(G, AA), A.FAIL_ACCEPTANCE).status == R


def test_general_hazard_is_fixed_on_the_spot_with_evidence():
    assert apply(st(G, REP), A.FIX_ON_SPOT, evidence=EVIDENCE).status == CL


def test_major_hazard_cannot_be_fixed_on_the_spot():
    with pytest.raises(Conflict):
        apply(st(M, REP), A.FIX_ON_SPOT, evidence=EVIDENCE)


def test_major_hazard_starts_rectification_only_by_submitting_a_plan():
    with pytest.raises(Conflict):
        apply(st(M, NI), A.START_RECTIFICATION)
    assert apply(st(M, NI), A.SUBMIT_PLAN, plan=PLAN).plan_submitted


def test_major_hazard_cannot_be_completed_straight_from_the_notice():
    with pytest.raises(Conflict):
        apply(st(M, NI), A.COMPLETE, evidence=EVIDENCE)


def test_general_hazard_may_be_completed_straight_from_the_notice():
    assert apply(st(G, NI), A.COMPLETE, evidence=EVIDENCE).status == AA


@pytest.mark.parametrize("evidence", [[], (), ["  "], ["photo.jpg", ""]])
@pytest.mark.parametrize("state", [st(G, REP), st(G, NI), st(M, R)], ids=_id)
def test_fixing_or_completing_without_evidence_is_refused(state, evidence):
    action = A.FIX_ON_SPOT if state.status == REP else A.COMPLETE
    with pytest.raises(Invalid) as caught:
        apply(state, action, evidence=evidence)
    assert caught.value.code == "evidence_required"
    assert caught.value.errors[0]["field"] == "evidence"


def test_illegal_move_is_refused_before_its_input_is_checked():
    with pytest.raises(Conflict):
        apply(st(G, CL), A.FIX_ON_SPOT)


def test_submitting_no_plan_is_refused():
    with pytest.raises(Invalid) as caught:
        apply(st(M, NI), A.SUBMIT_PLAN)
    assert caught.value.code == "invalid_plan"
    assert caught.value.errors == [{"field": "plan", "message": "required"}]


def test_plan_missing_measures_person_and_emergency_plan_names_each_field():
    plan = replace(PLAN, measures=" ", responsible_person="", emergency_plan="")
    with pytest.raises(Invalid) as caught:
        apply(st(M, NI), A.SUBMIT_PLAN, plan=plan)
    assert [e["field"] for e in caught.value.errors] == [
        "plan.measures",
        "plan.responsible_person",
        "plan.emergency_plan",
    ]


@pytest.mark.parametrize("funds", [Decimal("0"), Decimal("-1"), Decimal("NaN"), Decimal("Infinity")])
def test_plan_without_positive_funds_is_refused(funds):
    with pytest.raises(Invalid) as caught:
        apply(st(M, NI), A.SUBMIT_PLAN, plan=replace(PLAN, funds=funds))
    assert [e["field"] for e in caught.value.errors] == ["plan.funds"]


def test_completion_lets_a_pending_extension_request_lapse():
    assert not apply(st(G, R, pending=True), A.COMPLETE, evidence=EVIDENCE).extension_pending


def test_extension_cannot_be_granted_without_a_request():
    with pytest.raises(Conflict) as caught:
        apply(st(G, R), A.GRANT_EXTENSION)
    assert caught.value.extra["allowed"] == ["complete", "request_extension"]


def test_only_one_extension_request_may_be_pending():
    with pytest.raises(Conflict):
        apply(st(G, NI, pending=True), A.REQUEST_EXTENSION)


def test_no_extension_while_awaiting_acceptance():
    with pytest.raises(Conflict):
        apply(st(G, AA), A.REQUEST_EXTENSION)


def test_general_hazard_cannot_be_listed():
    with pytest.raises(Conflict):
        apply(st(G, NI), A.LIST_SUPERVISION)


def test_major_hazard_cannot_be_listed_twice():
    with pytest.raises(Conflict):
        apply(st(M, R, listed=True), A.LIST_SUPERVISION)


def test_closed_major_hazard_cannot_be_listed():
    with pytest.raises(Conflict):
        apply(st(M, CL), A.LIST_SUPERVISION)


def test_listed_hazard_is_delisted_only_after_closing():
    with pytest.raises(Conflict):
        apply(st(M, AA, listed=True), A.DELIST)
    assert apply(st(M, CL, listed=True), A.DELIST) == st(M, CL)


def test_major_hazard_walks_the_whole_loop_under_listed_supervision():
    state = initial_state(M)
    steps = [
        (A.LIST_SUPERVISION, REP),
        (A.ISSUE_NOTICE, NI),
        (A.REQUEST_EXTENSION, NI),
        (A.GRANT_EXTENSION, NI),
        (A.SUBMIT_PLAN, R),
        (A.COMPLETE, AA),
        (A.FAIL_ACCEPTANCE, R),
        (A.COMPLETE, AA),
        (A.ACCEPT, CL),
        (A.DELIST, CL),
    ]
    for action, status in steps:
        state = apply(state, action, evidence=EVIDENCE, plan=PLAN)
        assert state.status == status
    assert state == HazardState(CL, M, listed=False, plan_submitted=True, extension_pending=False)


@pytest.mark.parametrize(
    "fields",
    [
        {"status": NI, "level": G, "listed": True},
        {"status": R, "level": G, "plan_submitted": True},
        {"status": R, "level": M},
        {"status": NI, "level": M, "plan_submitted": True},
        {"status": AA, "level": G, "extension_pending": True},
        {"status": REP, "level": M, "extension_pending": True},
    ],
)
def test_impossible_state_cannot_be_built(fields):
    with pytest.raises(ValueError):
        HazardState(**fields)


def test_transition_returns_the_new_state_and_its_history_record():
    state, record = transition(st(G, AA), A.FAIL_ACCEPTANCE, at=AT, by="inspector-07", reason="rail loose")
    assert state == st(G, R)
    assert record == Transition(A.FAIL_ACCEPTANCE, AA, R, AT, "inspector-07", "rail loose")


def test_transition_with_a_naive_time_is_refused():
    with pytest.raises(Invalid) as caught:
        transition(st(G, REP), A.ISSUE_NOTICE, at=datetime(2026, 3, 2, 9, 30), by="inspector-07")
    assert caught.value.code == "naive_datetime"


def test_illegal_transition_records_nothing():
    with pytest.raises(Conflict):
        transition(st(G, REP), A.ACCEPT, at=AT, by="inspector-07")


def test_transition_accepts_the_action_as_its_string():
    _, record = transition(st(G, REP), "issue_notice", at=AT, by="grid-worker-12")
    assert record.action is A.ISSUE_NOTICE
