"""Blacklist (严重失信主体名单): terms, credit repair, the entry life cycle and listing proposals."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from shared.errors import Conflict, Invalid, field_error

from .blacklist_rule_sets import (
    DEFAULT_RULE_SET,
    RULE_SETS,
    AccidentGrade,
    AccidentRule,
    BlacklistRuleSet,
    Situation,
)
from .months import add_months

__all__ = [
    "DEFAULT_RULE_SET",
    "RULE_SETS",
    "AccidentFact",
    "AccidentGrade",
    "AccidentRule",
    "BlacklistRuleSet",
    "EntryAction",
    "EntryStatus",
    "HazardFact",
    "ListingFacts",
    "Proposal",
    "Situation",
    "check_repair_allowed",
    "check_situation",
    "current_rule_set",
    "entry_expires_at",
    "is_due_to_expire",
    "listing_proposals",
    "next_status",
    "repair_earliest",
    "restored_expires_at",
    "rule_set",
]


def rule_set(code: str) -> BlacklistRuleSet:
    """The rule set with this code, or ``Invalid(code="unknown_rule_set")``."""
    if code not in RULE_SETS:
        message = f"unknown rule set {code!r}; expected one of {sorted(RULE_SETS)}"
        raise Invalid(message, code="unknown_rule_set", errors=[field_error("rule_set", message)])
    return RULE_SETS[code]


def current_rule_set(on: date) -> BlacklistRuleSet:
    """The rule set in force on a (China local) calendar day: the latest that had taken effect."""
    in_force = [rs for rs in RULE_SETS.values() if rs.effective_from <= on]
    if not in_force:
        message = f"no blacklist rule set was in force on {on.isoformat()}"
        raise Invalid(message, code="no_rule_set_in_force", errors=[field_error("decided_at", message)])
    return max(in_force, key=lambda rs: rs.effective_from)


def check_situation(rule_set: BlacklistRuleSet, situation_code: str) -> Situation:
    """The situation with this code, or ``Invalid(code="unknown_situation")`` listing the allowed codes."""
    for situation in rule_set.situations:
        if situation.code == situation_code:
            return situation
    allowed = ", ".join(rule_set.situation_codes())
    message = f"unknown situation {situation_code!r} for rule set {rule_set.code}; allowed: {allowed}"
    raise Invalid(message, code="unknown_situation", errors=[field_error("situation", message)])


def entry_expires_at(
    rule_set: BlacklistRuleSet, decided_at: datetime, prior_listing_dates: Iterable[datetime]
) -> datetime:
    """When a listing decided at ``decided_at`` ends: the term, or the repeat term after a recent listing.

    Terms are calendar months, clamped to the month's end (31 Aug + 6 months = 28/29 Feb).
    """
    _require_aware(decided_at, "decided_at")
    priors = list(prior_listing_dates)
    for prior in priors:
        _require_aware(prior, "prior_listing_dates")
    term = rule_set.term_months
    if rule_set.repeat_term_months is not None:
        window_start = (
            add_months(decided_at, -rule_set.repeat_window_months)
            if rule_set.repeat_window_months is not None
            else None
        )
        if any(prior < decided_at and (window_start is None or prior >= window_start) for prior in priors):
            term = rule_set.repeat_term_months
    return add_months(decided_at, term)


def repair_earliest(rule_set: BlacklistRuleSet, decided_at: datetime) -> datetime | None:
    """The first moment credit repair (信用修复) may be applied for, or None when the rule has none."""
    _require_aware(decided_at, "decided_at")
    if rule_set.repair_min_months is None:
        return None
    return add_months(decided_at, rule_set.repair_min_months)


def check_repair_allowed(rule_set: BlacklistRuleSet, decided_at: datetime, now: datetime) -> None:
    """Raise ``Conflict`` unless a repair application is allowed at ``now``."""
    _require_aware(now, "now")
    earliest = repair_earliest(rule_set, decided_at)
    if earliest is None:
        raise Conflict(
            f"rule set {rule_set.code} v{rule_set.version} has no early removal: the entry ends at expiry",
            code="repair_not_available",
        )
    if now < earliest:
        raise Conflict(
            f"credit repair may be applied for from {earliest.isoformat()} "
            f"({rule_set.repair_min_months} months after listing under {rule_set.code})",
            code="too_early",
            earliest=earliest.isoformat(),
        )


def is_due_to_expire(expires_at: datetime, now: datetime) -> bool:
    """True once the listing's term has run out."""
    _require_aware(expires_at, "expires_at")
    _require_aware(now, "now")
    return now >= expires_at


def restored_expires_at(original_expires_at: datetime, repaired_at: datetime, revoked_at: datetime) -> datetime:
    """The new end of a listing whose repair is revoked (obtained by false statements).

    The listing resumes with the term that remained when it was repaired, counted from the
    revocation: restoring the original end instead would let the time spent off the list under a
    false repair count as served, and would leave nothing to serve once that end had passed.
    """
    _require_aware(original_expires_at, "original_expires_at")
    _require_aware(repaired_at, "repaired_at")
    _require_aware(revoked_at, "revoked_at")
    if repaired_at > original_expires_at:
        raise Invalid(
            "repaired_at is after the listing's original end",
            code="invalid_dates",
            errors=[field_error("repaired_at", "must not be after original_expires_at")],
        )
    if revoked_at < repaired_at:
        raise Invalid(
            "revoked_at is before repaired_at",
            code="invalid_dates",
            errors=[field_error("revoked_at", "must not be before repaired_at")],
        )
    return revoked_at + (original_expires_at - repaired_at)


class EntryStatus(StrEnum):
    """State of a blacklist entry."""

    ACTIVE = "active"
    EXPIRED = "expired"
    REPAIRED = "repaired"
    REVOKED = "revoked"


class EntryAction(StrEnum):
    """What can happen to a blacklist entry."""

    EXPIRE = "expire"
    REPAIR = "repair"
    REVOKE_REPAIR = "revoke_repair"
    REVOKE = "revoke"


# revoke: the listing decision itself is withdrawn (e.g. its penalty set aside); revoke_repair: a
# repair obtained by false statements is revoked and the listing restored.
_TRANSITIONS: dict[EntryStatus, dict[EntryAction, EntryStatus]] = {
    EntryStatus.ACTIVE: {
        EntryAction.EXPIRE: EntryStatus.EXPIRED,
        EntryAction.REPAIR: EntryStatus.REPAIRED,
        EntryAction.REVOKE: EntryStatus.REVOKED,
    },
    EntryStatus.REPAIRED: {EntryAction.REVOKE_REPAIR: EntryStatus.ACTIVE},
    EntryStatus.EXPIRED: {},
    EntryStatus.REVOKED: {},
}


def allowed_actions(current: EntryStatus | str) -> list[str]:
    """The actions an entry in this state accepts."""
    return [action.value for action in _TRANSITIONS[EntryStatus(current)]]


def next_status(current: EntryStatus | str, action: EntryAction | str) -> EntryStatus:
    """The state after ``action``, or ``Conflict(code="invalid_transition")`` naming the allowed ones."""
    state = EntryStatus(current)
    try:
        step = EntryAction(action)
    except ValueError:
        message = f"unknown action {action!r}; expected one of {[a.value for a in EntryAction]}"
        raise Invalid(message, code="unknown_action", errors=[field_error("action", message)]) from None
    target = _TRANSITIONS[state].get(step)
    if target is None:
        allowed = allowed_actions(state)
        raise Conflict(
            f"cannot {step.value} an entry that is {state.value}; allowed: {', '.join(allowed) or 'none'}",
            code="invalid_transition",
            state=state.value,
            allowed=allowed,
        )
    return target


@dataclass(frozen=True)
class AccidentFact:
    """An accident the enterprise had: when, its grade, and deaths (for rules that need a fatality)."""

    accident_id: str
    occurred_at: datetime
    grade: AccidentGrade | str
    deaths: int = 0


@dataclass(frozen=True)
class HazardFact:
    """A major hazard past its rectification deadline, and whether work goes on meanwhile."""

    hazard_id: str
    overdue_since: datetime
    operating: bool


@dataclass(frozen=True)
class ListingFacts:
    """What the registry knows that may ground a listing."""

    accidents: tuple[AccidentFact, ...] = ()
    overdue_major_hazards: tuple[HazardFact, ...] = ()


@dataclass(frozen=True)
class Proposal:
    """A suggestion to an officer to consider a listing; never a listing by itself."""

    situation: str
    reason: str
    evidence_ids: tuple[str, ...]
    rule_set: str
    version: int


def listing_proposals(rule_set: BlacklistRuleSet, facts: ListingFacts, now: datetime) -> list[Proposal]:
    """The listing situations of ``rule_set`` that the facts show by ``now``, with their evidence."""
    _require_aware(now, "now")
    accidents = [_checked_accident(accident) for accident in facts.accidents]
    proposals = []
    for rule in rule_set.accident_rules:
        matched = _accidents_meeting(rule, [a for a in accidents if a.occurred_at <= now])
        if matched:
            proposals.append(_proposal(rule_set, rule.situation, _accident_reason(rule, matched), matched))
    if rule_set.hazard_situation is not None:
        hazards = [h for h in facts.overdue_major_hazards if _checked_hazard(h).operating and h.overdue_since <= now]
        if hazards:
            since = min(h.overdue_since for h in hazards).date().isoformat()
            reason = f"{len(hazards)} major hazard(s) left unrectified while work continues, overdue since {since}"
            evidence = tuple(h.hazard_id for h in hazards)
            proposals.append(Proposal(rule_set.hazard_situation, reason, evidence, rule_set.code, rule_set.version))
    return proposals


def _accidents_meeting(rule: AccidentRule, accidents: list[AccidentFact]) -> list[AccidentFact]:
    """The accidents that take part in meeting the rule (empty when it is not met).

    With a window, any run of ``min_count`` accidents whose first and last lie within the window
    (inclusive) meets it; every accident in such a run is evidence.
    """
    relevant = sorted(
        (a for a in accidents if a.grade in rule.grades and (a.deaths > 0 or not rule.fatal_only)),
        key=lambda a: a.occurred_at,
    )
    if rule.window_months is None:
        return relevant if len(relevant) >= rule.min_count else []
    meeting: dict[str, AccidentFact] = {}
    for index, first in enumerate(relevant):
        window_end = add_months(first.occurred_at, rule.window_months)
        run = [a for a in relevant[index:] if a.occurred_at <= window_end]
        if len(run) >= rule.min_count:
            meeting.update((a.accident_id, a) for a in run)
    return sorted(meeting.values(), key=lambda a: a.occurred_at)


def _accident_reason(rule: AccidentRule, matched: list[AccidentFact]) -> str:
    present = {a.grade for a in matched}
    grades = "/".join(grade.value for grade in AccidentGrade if grade in present)
    days = ", ".join(a.occurred_at.date().isoformat() for a in matched)
    window = f" within {rule.window_months} months" if rule.window_months else ""
    fatal = " fatal" if rule.fatal_only else ""
    return f"{len(matched)}{fatal} accident(s) graded {grades}{window}, on {days}"


def _proposal(rule_set: BlacklistRuleSet, situation: str, reason: str, matched: list[AccidentFact]) -> Proposal:
    return Proposal(situation, reason, tuple(a.accident_id for a in matched), rule_set.code, rule_set.version)


def _checked_accident(accident: AccidentFact) -> AccidentFact:
    _require_aware(accident.occurred_at, "accidents.occurred_at")
    try:
        grade = AccidentGrade(accident.grade)
    except ValueError:
        message = f"unknown accident grade {accident.grade!r}; expected one of {[g.value for g in AccidentGrade]}"
        raise Invalid(message, code="invalid_facts", errors=[field_error("accidents.grade", message)]) from None
    if isinstance(accident.deaths, bool) or not isinstance(accident.deaths, int) or accident.deaths < 0:
        message = f"deaths must be a count of 0 or more, got {accident.deaths!r}"
        raise Invalid(message, code="invalid_facts", errors=[field_error("accidents.deaths", message)])
    return AccidentFact(accident.accident_id, accident.occurred_at, grade, accident.deaths)


def _checked_hazard(hazard: HazardFact) -> HazardFact:
    _require_aware(hazard.overdue_since, "overdue_major_hazards.overdue_since")
    return hazard


def _require_aware(value: datetime, field: str) -> None:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        message = f"{field} must be a timezone-aware datetime, got {value!r}"
        raise Invalid(message, code="naive_datetime", errors=[field_error(field, message)])
