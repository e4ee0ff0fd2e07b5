"""Self-enforcing deadlines: reminders, overdue, supervision letters (督办函) and the acceptance limit.

Deadlines are calendar dates read in China Standard Time. A period counted in days starts the day
after its event and ends at 24:00 of its last day (Civil Code arts. 201 and 203): a hazard whose
deadline is 2026-03-10 may be fixed at any time that day and is overdue from 2026-03-11 00:00 UTC+8,
which is 2026-03-10 16:00 UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from shared.errors import Invalid, field_error

from ._time import local_date, require_aware, start_of_day

CHINA_STANDARD_TIME = 8


class EscalationStep(StrEnum):
    """What the deadline watcher does, in the order it happens."""

    REMINDER = "reminder"
    OVERDUE = "overdue"
    SUPERVISION_LETTER = "supervision_letter"


@dataclass(frozen=True)
class EscalationLadder:
    """Rule data for deadlines: when to remind, when to send a supervision letter, the acceptance limit."""

    code: str
    version: int
    reminder_days_before: int
    supervision_letter_after_days: int
    acceptance_limit_days: int

    def __post_init__(self) -> None:
        errors = [
            field_error(name, "must be zero or more days")
            for name in ("reminder_days_before", "supervision_letter_after_days", "acceptance_limit_days")
            if getattr(self, name) < 0
        ]
        if not self.code.strip():
            errors.append(field_error("code", "required"))
        if errors:
            raise Invalid(f"invalid escalation ladder {self.code!r}", code="invalid_ladder", errors=errors)

    @property
    def rule_id(self) -> str:
        """The id stored on every decision taken under this ladder."""
        return f"{self.code}@{self.version}"


DEFAULT_LADDER = EscalationLadder(
    code="hazard_escalation",
    version=1,
    reminder_days_before=3,
    supervision_letter_after_days=7,
    # SAWS Order No. 16 (2008) art. 23: the on-site review of a rectified listed hazard within 10 days.
    acceptance_limit_days=10,
)


def overdue_from(deadline: date, tz_offset_hours: int = CHINA_STANDARD_TIME) -> datetime:
    """The UTC instant a hazard becomes overdue: the start of the day after its deadline, local time."""
    return start_of_day(deadline + timedelta(days=1), tz_offset_hours)


def is_overdue(deadline: date, now: datetime, tz_offset_hours: int = CHINA_STANDARD_TIME) -> bool:
    """True once the whole deadline day has passed in local time."""
    return require_aware(now, "now") >= overdue_from(deadline, tz_offset_hours)


def due_steps(
    deadline: date,
    now: datetime,
    done: set[EscalationStep],
    ladder: EscalationLadder = DEFAULT_LADDER,
    tz_offset_hours: int = CHINA_STANDARD_TIME,
) -> list[EscalationStep]:
    """The steps due at ``now`` and not yet in ``done``, in ladder order, each at most once.

    The reminder is due from the start of the day ``reminder_days_before`` days before the deadline
    until the hazard is overdue; a reminder missed by then is skipped, since it can no longer help.
    Overdue is due from ``overdue_from(deadline)``; the supervision letter
    ``supervision_letter_after_days`` days later. The caller marks a step done once it has acted on
    it, and starts a fresh ``done`` set when an extension grants a new deadline.
    """
    require_aware(now, "now")
    overdue_at = overdue_from(deadline, tz_offset_hours)
    remind_at = start_of_day(deadline - timedelta(days=ladder.reminder_days_before), tz_offset_hours)
    letter_at = overdue_at + timedelta(days=ladder.supervision_letter_after_days)
    due = []
    if remind_at <= now < overdue_at:
        due.append(EscalationStep.REMINDER)
    if now >= overdue_at:
        due.append(EscalationStep.OVERDUE)
    if now >= letter_at:
        due.append(EscalationStep.SUPERVISION_LETTER)
    return [step for step in due if step not in done]


def acceptance_due_by(
    completed_at: datetime,
    ladder: EscalationLadder = DEFAULT_LADDER,
    tz_offset_hours: int = CHINA_STANDARD_TIME,
) -> date:
    """The last local day on which acceptance of work completed at ``completed_at`` is on time."""
    require_aware(completed_at, "completed_at")
    return local_date(completed_at, tz_offset_hours) + timedelta(days=ladder.acceptance_limit_days)


def acceptance_late(
    completed_at: datetime,
    accepted_at_or_now: datetime,
    ladder: EscalationLadder = DEFAULT_LADDER,
    tz_offset_hours: int = CHINA_STANDARD_TIME,
) -> bool:
    """True when acceptance falls after the ``acceptance_limit_days``-th local day after completion."""
    require_aware(completed_at, "completed_at")
    require_aware(accepted_at_or_now, "accepted_at")
    if accepted_at_or_now < completed_at:
        raise Invalid(
            f"acceptance at {accepted_at_or_now.isoformat()} precedes completion at {completed_at.isoformat()}",
            code="acceptance_before_completion",
            errors=[field_error("accepted_at", "must not be earlier than completed_at")],
        )
    return local_date(accepted_at_or_now, tz_offset_hours) > acceptance_due_by(completed_at, ladder, tz_offset_hours)


def extended_deadline(current_deadline: date, requested: date) -> date:
    """The granted new deadline; Invalid ``invalid_extension`` unless it is later than the current one."""
    if requested <= current_deadline:
        raise Invalid(
            f"an extension must move the deadline later than {current_deadline.isoformat()}, "
            f"got {requested.isoformat()}",
            code="invalid_extension",
            errors=[field_error("deadline", f"must be after {current_deadline.isoformat()}")],
        )
    return requested


def validate_notice_deadline(deadline: date, now: datetime, tz_offset_hours: int = CHINA_STANDARD_TIME) -> date:
    """A new notice's deadline; Invalid ``deadline_in_past`` when it is before today (local time)."""
    today = local_date(require_aware(now, "now"), tz_offset_hours)
    if deadline < today:
        raise Invalid(
            f"a rectification deadline cannot be in the past: {deadline.isoformat()} is before {today.isoformat()}",
            code="deadline_in_past",
            errors=[field_error("deadline", f"must be {today.isoformat()} or later")],
        )
    return deadline
