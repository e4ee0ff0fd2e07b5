"""The hazard closed loop (隐患闭环) as one explicit table of moves.

found -> registered -> fixed on the spot, or a rectification notice with a deadline -> (major:
remediation plan; listed supervision 挂牌督办) -> completion with evidence -> acceptance ->
closed (销号) or back to rectifying. ``MOVES`` is the only place that says what may happen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from enum import StrEnum

from shared.errors import Conflict

from ._time import require_aware
from .hazards import HazardLevel, HazardStatus, RemediationPlan, validate_evidence, validate_plan

S = HazardStatus


class HazardAction(StrEnum):
    """A move in the closed loop."""

    FIX_ON_SPOT = "fix_on_spot"
    ISSUE_NOTICE = "issue_notice"
    SUBMIT_PLAN = "submit_plan"
    START_RECTIFICATION = "start_rectification"
    COMPLETE = "complete"
    ACCEPT = "accept"
    FAIL_ACCEPTANCE = "fail_acceptance"
    REQUEST_EXTENSION = "request_extension"
    GRANT_EXTENSION = "grant_extension"
    REFUSE_EXTENSION = "refuse_extension"
    LIST_SUPERVISION = "list_supervision"
    DELIST = "delist"


A = HazardAction


@dataclass(frozen=True)
class HazardState:
    """What the machine needs to know about a hazard; impossible combinations cannot be built."""

    status: HazardStatus
    level: HazardLevel
    listed: bool = False
    plan_submitted: bool = False
    extension_pending: bool = False

    def __post_init__(self) -> None:
        # A broken state is a bug or corrupt data, not a client error: ValueError, not a 4xx.
        if self.level == HazardLevel.GENERAL and (self.listed or self.plan_submitted):
            raise ValueError(f"a general hazard cannot be listed or carry a plan: {self}")
        if self.level == HazardLevel.MAJOR:
            plan_due = self.status in (S.RECTIFYING, S.AWAITING_ACCEPTANCE, S.CLOSED)
            if self.plan_submitted != plan_due:
                raise ValueError(f"a major hazard has a plan exactly once rectification started: {self}")
        if self.extension_pending and self.status not in (S.NOTICE_ISSUED, S.RECTIFYING):
            raise ValueError(f"an extension can only be pending under a notice: {self}")


def initial_state(level: HazardLevel) -> HazardState:
    """The state of a newly registered hazard."""
    return HazardState(status=S.REPORTED, level=level)


@dataclass(frozen=True)
class Flags:
    """Flag values a move requires (``when``) or sets (``then``); None means any / unchanged."""

    listed: bool | None = None
    plan_submitted: bool | None = None
    extension_pending: bool | None = None

    def match(self, state: HazardState) -> bool:
        """True when every flag named here has the required value in ``state``."""
        return all(
            getattr(self, f.name) is None or getattr(self, f.name) == getattr(state, f.name) for f in fields(self)
        )

    def changes(self) -> dict[str, bool]:
        """The flag values to write."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


@dataclass(frozen=True)
class Move:
    """One row of the table: from which statuses, for which level, under which flags, to where."""

    action: HazardAction
    sources: frozenset[HazardStatus]
    target: HazardStatus | None = None  # None: the status stays
    level: HazardLevel | None = None  # None: both levels
    when: Flags = Flags()
    then: Flags = Flags()
    needs_evidence: bool = False
    needs_plan: bool = False

    def allows(self, state: HazardState) -> bool:
        """True when this row applies to ``state``."""
        return (
            state.status in self.sources
            and (self.level is None or self.level == state.level)
            and self.when.match(state)
        )


G, M = HazardLevel.GENERAL, HazardLevel.MAJOR
REPORTED, NOTICE, RECTIFYING = (
    frozenset({S.REPORTED}),
    frozenset({S.NOTICE_ISSUED}),
    frozenset({S.RECTIFYING}),
)
AWAITING, CLOSED = frozenset({S.AWAITING_ACCEPTANCE}), frozenset({S.CLOSED})
UNDER_NOTICE = NOTICE | RECTIFYING
NOT_CLOSED = frozenset(S) - CLOSED
PENDING, NOT_PENDING = Flags(extension_pending=True), Flags(extension_pending=False)
LISTED, UNLISTED = Flags(listed=True), Flags(listed=False)
WITH_PLAN = Flags(plan_submitted=True)

# One row per line, so that the table reads as a table.
# fmt: off
MOVES: tuple[Move, ...] = (
    Move(A.FIX_ON_SPOT, REPORTED, S.CLOSED, level=G, needs_evidence=True),
    Move(A.ISSUE_NOTICE, REPORTED, S.NOTICE_ISSUED),
    # SAWS Order No. 16 (2008) art. 15: a major hazard is rectified under a written plan.
    Move(A.SUBMIT_PLAN, NOTICE, S.RECTIFYING, level=M, then=WITH_PLAN, needs_plan=True),
    Move(A.START_RECTIFICATION, NOTICE, S.RECTIFYING, level=G),
    # A pending extension request lapses once the work is reported complete.
    Move(A.COMPLETE, UNDER_NOTICE, S.AWAITING_ACCEPTANCE, level=G, then=NOT_PENDING, needs_evidence=True),
    Move(A.COMPLETE, RECTIFYING, S.AWAITING_ACCEPTANCE, level=M, when=WITH_PLAN, then=NOT_PENDING,
         needs_evidence=True),
    Move(A.ACCEPT, AWAITING, S.CLOSED),
    Move(A.FAIL_ACCEPTANCE, AWAITING, S.RECTIFYING),
    # Extensions are an explicit request and answer, one at a time, never a silent deadline edit.
    Move(A.REQUEST_EXTENSION, UNDER_NOTICE, when=NOT_PENDING, then=PENDING),
    Move(A.GRANT_EXTENSION, UNDER_NOTICE, when=PENDING, then=NOT_PENDING),
    Move(A.REFUSE_EXTENSION, UNDER_NOTICE, when=PENDING, then=NOT_PENDING),
    Move(A.LIST_SUPERVISION, NOT_CLOSED, level=M, when=UNLISTED, then=LISTED),
    # Delisting (摘牌) only after write-off; a major hazard is closed only by a passed acceptance.
    Move(A.DELIST, CLOSED, level=M, when=LISTED, then=UNLISTED),
)
# fmt: on


def allowed_moves(state: HazardState) -> list[HazardAction]:
    """The actions legal in ``state``, sorted by name."""
    return sorted({move.action for move in MOVES if move.allows(state)})


def _move_for(state: HazardState, action: HazardAction) -> Move:
    for move in MOVES:
        if move.action == action and move.allows(state):
            return move
    allowed = [a.value for a in allowed_moves(state)]
    raise Conflict(
        f"cannot {action.value} a hazard in state '{state.status.value}'; allowed: {', '.join(allowed) or 'none'}",
        code="invalid_transition",
        state=state.status.value,
        action=action.value,
        allowed=allowed,
    )


def apply(
    state: HazardState,
    action: HazardAction,
    *,
    evidence: Sequence[str] = (),
    plan: RemediationPlan | None = None,
) -> HazardState:
    """The state after ``action``: Conflict ``invalid_transition`` if illegal, Invalid if input is missing."""
    move = _move_for(state, HazardAction(action))
    if move.needs_evidence:
        validate_evidence(evidence)
    if move.needs_plan:
        validate_plan(plan)
    return replace(state, status=move.target or state.status, **move.then.changes())


@dataclass(frozen=True)
class Transition:
    """One entry of a hazard's history: which move, from where to where, when, by whom and why."""

    action: HazardAction
    from_status: HazardStatus
    to_status: HazardStatus
    at: datetime
    by: str
    reason: str | None = None

    def __post_init__(self) -> None:
        require_aware(self.at, "at")


def transition(
    state: HazardState,
    action: HazardAction,
    *,
    at: datetime,
    by: str,
    reason: str | None = None,
    evidence: Sequence[str] = (),
    plan: RemediationPlan | None = None,
) -> tuple[HazardState, Transition]:
    """Apply ``action`` and return the new state with its history record."""
    action = HazardAction(action)
    new_state = apply(state, action, evidence=evidence, plan=plan)
    return new_state, Transition(action, state.status, new_state.status, at, by, reason)
