from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.grid.domain.reports import (
    MOVES,
    ReportKind,
    ReportStatus,
    allowed_moves,
    escalation_due,
    move,
    route,
)
from shared.errors import Conflict

FILED, ACK, RESOLVED = ReportStatus.FILED, ReportStatus.ACKNOWLEDGED, ReportStatus.RESOLVED

#: The specification, written independently of MOVES.
LEGAL = {(FILED, "acknowledge"): ACK, (ACK, "resolve"): RESOLVED}
ACTIONS = ["acknowledge", "resolve", "escalate", "reopen", "file", "Acknowledge", "RESOLVE", ""]
ILLEGAL = [(status, action) for status in ReportStatus for action in ACTIONS if (status, action) not in LEGAL]
ALLOWED = {FILED: ["acknowledge"], ACK: ["resolve"], RESOLVED: []}


def test_report_kinds_and_statuses_have_their_wire_values():
    assert [k.value for k in ReportKind] == ["hazard", "illegal_activity", "data_correction", "other"]
    assert [s.value for s in ReportStatus] == ["filed", "acknowledged", "resolved"]


def test_table_has_a_row_for_every_status():
    assert set(MOVES) == set(ReportStatus)


@pytest.mark.parametrize(("status", "action", "after"), [(s, a, n) for (s, a), n in LEGAL.items()])
def test_legal_move_reaches_the_next_status(status, action, after):
    assert move(status, action) is after


def test_report_walks_filed_acknowledged_resolved():
    status = FILED
    status = move(status, "acknowledge")
    assert status is ACK
    status = move(status, "resolve")
    assert status is RESOLVED
    assert allowed_moves(status) == []


@pytest.mark.parametrize(("status", "action"), ILLEGAL, ids=str)
def test_illegal_move_is_refused_with_invalid_transition(status, action):
    with pytest.raises(Conflict) as caught:
        move(status, action)
    error = caught.value
    assert error.status == 409
    assert error.code == "invalid_transition"
    assert error.extra == {"state": status.value, "action": action, "allowed": ALLOWED[status]}


def test_illegal_move_count_is_every_pair_but_the_two_legal_ones():
    assert len(ILLEGAL) == len(ReportStatus) * len(ACTIONS) - 2


@pytest.mark.parametrize("status", list(ReportStatus), ids=str)
def test_allowed_moves_are_the_specified_ones(status):
    assert allowed_moves(status) == ALLOWED[status]


def test_allowed_moves_returns_a_fresh_list():
    allowed_moves(FILED).append("resolve")
    assert allowed_moves(FILED) == ["acknowledge"]


def test_resolving_a_filed_report_names_the_allowed_move():
    with pytest.raises(Conflict) as caught:
        move(FILED, "resolve")
    assert caught.value.detail == "cannot resolve a report in state 'filed'; allowed: acknowledge"


def test_acknowledging_twice_is_refused():
    with pytest.raises(Conflict) as caught:
        move(ACK, "acknowledge")
    assert caught.value.detail == "cannot acknowledge a report in state 'acknowledged'; allowed: resolve"


@pytest.mark.parametrize("action", ["acknowledge", "resolve"])
def test_resolved_report_allows_no_move(action):
    with pytest.raises(Conflict) as caught:
        move(RESOLVED, action)
    assert caught.value.detail.endswith("allowed: none")
    assert caught.value.extra["allowed"] == []


@pytest.mark.parametrize(
    ("path_ids", "routed_to"),
    [
        ([], None),
        (["town"], None),
        (["town", "village"], "town"),
        (["town", "village", "unit"], "village"),
        (["town", "village", "unit", "micro"], "unit"),
    ],
)
def test_report_goes_to_the_parent_cell_or_from_a_root_to_the_bureau(path_ids, routed_to):
    assert route(path_ids) == routed_to


ROUTED = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
AFTER = timedelta(hours=24)


@pytest.mark.parametrize(
    ("waited", "due"),
    [
        (timedelta(0), False),
        (timedelta(hours=23, minutes=59, seconds=59), False),
        (AFTER - timedelta(microseconds=1), False),
        (AFTER, True),
        (AFTER + timedelta(microseconds=1), True),
        (timedelta(days=30), True),
        (-timedelta(hours=1), False),
    ],
)
def test_filed_report_escalates_once_it_has_waited_the_threshold(waited, due):
    assert escalation_due(FILED, ROUTED, ROUTED + waited, AFTER) is due


@pytest.mark.parametrize("status", [ACK, RESOLVED], ids=str)
@pytest.mark.parametrize("waited", [AFTER - timedelta(microseconds=1), AFTER, timedelta(days=365)])
def test_acknowledged_or_resolved_report_never_escalates(status, waited):
    assert escalation_due(status, ROUTED, ROUTED + waited, AFTER) is False


def test_escalation_compares_instants_across_time_zones():
    huzhou = timezone(timedelta(hours=8))
    now = datetime(2026, 3, 3, 9, 30, tzinfo=huzhou)  # 01:30 UTC, exactly a day after ROUTED
    assert escalation_due(FILED, ROUTED, now, AFTER) is True
    assert escalation_due(FILED, ROUTED, now - timedelta(seconds=1), AFTER) is False


def test_zero_threshold_escalates_immediately():
    assert escalation_due(FILED, ROUTED, ROUTED, timedelta(0)) is True
