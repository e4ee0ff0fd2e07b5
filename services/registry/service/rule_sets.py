"""Rule sets as data: assessment rule sets are stored versions; blacklist rule sets come from the domain."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.registry.domain.blacklist import DEFAULT_RULE_SET, RULE_SETS
from services.registry.domain.scoring import (
    DEFAULT_ASSESSMENT_RULE_SET,
    AssessmentRuleSet,
    CreditClass,
    validate_rule_set,
)
from services.registry.domain.standardization import StandardizationRules
from services.registry.models import AssessmentRuleSetRecord
from services.registry.schemas.rule_sets import AssessmentRuleSetCreate, RuleSetList, RuleSetPublic, SituationPublic
from shared.db.uow import UnitOfWork
from shared.errors import Conflict, NotFound
from shared.security.principal import Principal

DEFAULT_TITLE = "湖州市安全生产诚信等级评定 (one assessment, two results)"


def to_domain(rec: AssessmentRuleSetRecord) -> AssessmentRuleSet:
    """The stored version as the domain's rule set (numbers are kept as decimal text)."""
    std = rec.standardization
    return AssessmentRuleSet(
        code=rec.code,
        version=rec.version,
        effective_from=rec.effective_from,
        weights=MappingProxyType({k: Decimal(v) for k, v in rec.weights.items()}),
        class_lines=MappingProxyType({k: Decimal(v) for k, v in rec.class_lines.items()}),
        commitment_downgrade=rec.commitment_downgrade,
        fatal_accident_cap=CreditClass(rec.fatal_accident_cap),
        penalty_cap=CreditClass(rec.penalty_cap),
        standardization=StandardizationRules(
            code=std["code"],
            version=std["version"],
            effective_from=date.fromisoformat(std["effective_from"]),
            validity_years=std["validity_years"],
            renewal_window_months=std["renewal_window_months"],
            grade_lines=MappingProxyType(
                {
                    cat: MappingProxyType({int(g): Decimal(v) for g, v in lines.items()})
                    for cat, lines in std["grade_lines"].items()
                }
            ),
        ),
    )


def _standardization_data(rules: StandardizationRules) -> dict[str, Any]:
    return {
        "code": rules.code,
        "version": rules.version,
        "effective_from": rules.effective_from.isoformat(),
        "validity_years": rules.validity_years,
        "renewal_window_months": rules.renewal_window_months,
        "grade_lines": {cat: {str(g): str(v) for g, v in lines.items()} for cat, lines in rules.grade_lines.items()},
    }


def _record(rs: AssessmentRuleSet, *, title: str, by: str, now) -> AssessmentRuleSetRecord:
    return AssessmentRuleSetRecord(
        code=rs.code,
        version=rs.version,
        effective_from=rs.effective_from,
        title=title,
        weights={k: str(v) for k, v in rs.weights.items()},
        class_lines={k: str(v) for k, v in rs.class_lines.items()},
        commitment_downgrade=rs.commitment_downgrade,
        fatal_accident_cap=rs.fatal_accident_cap.value,
        penalty_cap=rs.penalty_cap.value,
        standardization=_standardization_data(rs.standardization),
        created_by=by,
        created_at=now,
    )


async def ensure_default(ctx) -> None:
    """Store the default assessment rule set (version 1) once; every replica may try at start."""
    rs = DEFAULT_ASSESSMENT_RULE_SET
    async with ctx.uow() as uow:
        found = await by_version(uow, rs.code, rs.version, missing_ok=True)
        if found is not None:
            return
        uow.session.add(_record(rs, title=DEFAULT_TITLE, by="system", now=uow.now()))
        try:
            await uow.commit()
        except IntegrityError:
            await uow.rollback()  # another replica stored it first


async def by_version(
    uow: UnitOfWork, code: str, version: int, *, missing_ok: bool = False
) -> AssessmentRuleSetRecord | None:
    """One stored version (404 ``rule_set_not_found`` unless ``missing_ok``)."""
    # Versions are never edited once stored, so the context may keep what it has read.
    cache = uow.ctx.state.setdefault("assessment_rule_sets", {}) if uow.ctx else {}
    if (code, version) in cache:
        return cache[code, version]
    rec = (
        await uow.session.exec(
            select(AssessmentRuleSetRecord).where(
                AssessmentRuleSetRecord.code == code, AssessmentRuleSetRecord.version == version
            )
        )
    ).first()
    if rec is None and not missing_ok:
        raise NotFound(f"no assessment rule set {code} v{version}", code="rule_set_not_found")
    if rec is not None:
        cache[code, version] = rec
    return rec


async def in_force(uow: UnitOfWork, code: str, on: date) -> AssessmentRuleSetRecord:
    """The version of ``code`` in force on a day: the latest to take effect, then the highest version."""
    rec = (
        await uow.session.exec(
            select(AssessmentRuleSetRecord)
            .where(AssessmentRuleSetRecord.code == code, AssessmentRuleSetRecord.effective_from <= on)
            .order_by(AssessmentRuleSetRecord.effective_from.desc(), AssessmentRuleSetRecord.version.desc())
            .limit(1)
        )
    ).first()
    if rec is None:
        raise Conflict(f"no assessment rule set {code} is in force on {on.isoformat()}", code="no_rule_set_in_force")
    return rec


async def create(*, uow: UnitOfWork, user: Principal, data: AssessmentRuleSetCreate) -> RuleSetPublic:
    """Publish the next version of an assessment rule set, refusing unsound weights and lines (422)."""
    latest = (
        await uow.session.exec(
            select(AssessmentRuleSetRecord)
            .where(AssessmentRuleSetRecord.code == data.code)
            .order_by(AssessmentRuleSetRecord.version.desc())
            .limit(1)
        )
    ).first()
    version = (latest.version if latest else 0) + 1
    if data.standardization is not None:
        s = data.standardization
        standardization = StandardizationRules(
            code=s.code,
            version=version,
            effective_from=s.effective_from,
            validity_years=s.validity_years,
            renewal_window_months=s.renewal_window_months,
            grade_lines=MappingProxyType(
                {cat: MappingProxyType({int(g): v for g, v in lines.items()}) for cat, lines in s.grade_lines.items()}
            ),
        )
    elif latest is not None:
        standardization = to_domain(latest).standardization
    else:
        standardization = DEFAULT_ASSESSMENT_RULE_SET.standardization
    rs = AssessmentRuleSet(
        code=data.code,
        version=version,
        effective_from=data.effective_from,
        weights=MappingProxyType(dict(data.weights)),
        class_lines=MappingProxyType(dict(data.class_lines)),
        commitment_downgrade=data.commitment_downgrade,
        fatal_accident_cap=CreditClass(data.fatal_accident_cap),
        penalty_cap=CreditClass(data.penalty_cap),
        standardization=standardization,
    )
    validate_rule_set(rs)
    rec = _record(rs, title=data.title, by=user.sub, now=uow.now())
    uow.session.add(rec)
    try:
        await uow.commit()
    except IntegrityError:
        await uow.rollback()
        raise Conflict(
            f"version {version} of {data.code} was published meanwhile; try again", code="conflict"
        ) from None
    return _assessment_public(rec, default=False)


def _assessment_public(rec: AssessmentRuleSetRecord, *, default: bool) -> RuleSetPublic:
    return RuleSetPublic(
        kind="assessment",
        code=rec.code,
        version=rec.version,
        effective_from=rec.effective_from,
        title=rec.title,
        weights=rec.weights,
        class_lines=rec.class_lines,
        overrides={
            "commitment_downgrade": rec.commitment_downgrade,
            "fatal_accident_cap": rec.fatal_accident_cap,
            "penalty_cap": rec.penalty_cap,
        },
        standardization=rec.standardization,
        default=default,
    )


async def list_rule_sets(*, uow: UnitOfWork, default_code: str) -> RuleSetList:
    """Every assessment rule set version, then the blacklist rule sets (the default one first)."""
    records = (
        await uow.session.exec(
            select(AssessmentRuleSetRecord).order_by(AssessmentRuleSetRecord.code, AssessmentRuleSetRecord.version)
        )
    ).all()
    items = [_assessment_public(r, default=r.code == default_code) for r in records]
    blacklist = sorted(RULE_SETS.values(), key=lambda rs: (rs is not DEFAULT_RULE_SET, rs.code))
    items += [
        RuleSetPublic(
            kind="blacklist",
            code=rs.code,
            version=rs.version,
            effective_from=rs.effective_from,
            title=rs.title,
            basis=rs.basis,
            situations=[SituationPublic(code=s.code, text=s.text_zh) for s in rs.situations],
            term_months=rs.term_months,
            repeat_term_months=rs.repeat_term_months,
            repeat_window_months=rs.repeat_window_months,
            repair_min_months=rs.repair_min_months,
            default=rs is DEFAULT_RULE_SET,
        )
        for rs in blacklist
    ]
    return RuleSetList(items=items)
