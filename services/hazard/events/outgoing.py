"""Domain -> integration events: what the hazard service tells others (contract.md, safety.hazard.v1)."""

from __future__ import annotations

from services.hazard.models import Accident, Hazard
from services.hazard.service.money import yuan
from shared.contracts.hazard import (
    AccidentRecordedV1,
    HazardClosedV1,
    HazardOverdueV1,
    HazardRegisteredV1,
    MajorHazardDelistedV1,
    MajorHazardListedV1,
)


def _common(h: Hazard) -> dict:
    return {"hazard_id": h.id, "uscc": h.uscc, "level": h.level, "division_code": h.division_code}


def hazard_registered(h: Hazard) -> HazardRegisteredV1:
    """hazard.hazard.registered.v1 for a new hazard."""
    basis = {"standard": h.major_standard, "clause": h.major_clause} if h.major_standard else None
    return HazardRegisteredV1(
        **_common(h),
        source=h.source,
        description=h.description,
        found_at=h.found_at,
        found_by=h.found_by,
        major_basis=basis,
        cell_id=h.cell_id,
        finding_id=h.finding_id,
    )


def hazard_overdue(h: Hazard, *, step: str, rule: str) -> HazardOverdueV1:
    """hazard.hazard.overdue.v1 for one ladder step (overdue or supervision_letter)."""
    return HazardOverdueV1(
        **_common(h),
        deadline=h.deadline,
        overdue_since=h.overdue_at,
        step=step,
        operating=not h.work_suspended,
        listed=h.listed,
        rule=rule,
    )


def hazard_closed(h: Hazard) -> HazardClosedV1:
    """hazard.hazard.closed.v1, saying whether the hazard closed by its deadline."""
    on_time = None if h.overdue_at is None else h.closed_at < h.overdue_at
    return HazardClosedV1(**_common(h), closed_at=h.closed_at, on_time=on_time, deadline=h.deadline)


def major_listed(h: Hazard) -> MajorHazardListedV1:
    """hazard.major.listed.v1 when listed supervision (挂牌督办) begins."""
    return MajorHazardListedV1(**_common(h), listed_at=h.listed_at)


def major_delisted(h: Hazard) -> MajorHazardDelistedV1:
    """hazard.major.delisted.v1 when a closed major hazard is delisted (摘牌)."""
    return MajorHazardDelistedV1(**_common(h), delisted_at=h.delisted_at)


def accident_recorded(a: Accident) -> AccidentRecordedV1:
    """hazard.accident.recorded.v1 with the computed grade."""
    return AccidentRecordedV1(
        accident_id=a.id,
        uscc=a.uscc,
        occurred_at=a.occurred_at,
        kind=a.kind,
        is_fire=a.is_fire,
        deaths=a.deaths,
        serious_injuries=a.serious_injuries,
        direct_loss=yuan(a.direct_loss_fen),
        grade=a.grade,
        grading_rule=a.grading_rule,
        division_code=a.division_code,
    )
