"""Assessments: one assessment per enterprise and period gives the credit class and the standardization result."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.registry.domain.calendar import check_period_started, local_date, period_bounds
from services.registry.domain.reviews import ASSESSMENT, check_four_eyes
from services.registry.domain.scoring import AssessmentFacts, assess
from services.registry.domain.standardization import valid_until
from services.registry.models import Assessment, Enterprise, RecordedAccident
from services.registry.schemas.assessments import AssessmentCreate, AssessmentPublic, Rejection
from services.registry.service import access, rule_sets, standing
from shared.api.etag import check_version
from shared.api.pagination import Page, PageParams, paginate
from shared.db.uow import UnitOfWork
from shared.errors import Conflict, NotFound
from shared.ids import new_id
from shared.security.principal import Principal


def to_public(a: Assessment) -> AssessmentPublic:
    return AssessmentPublic.model_validate(a, from_attributes=True)


def _listed(ent: Enterprise) -> Conflict:
    return Conflict(
        f"{ent.uscc} is blacklisted: its review is suspended until the listing ends", code="enterprise_blacklisted"
    )


async def submit(*, uow: UnitOfWork, user: Principal, uscc: str, data: AssessmentCreate) -> AssessmentPublic:
    """Score an assessment with the rule set in force and submit it for a second officer's approval."""
    ent = await access.staff_enterprise(uow, user, uscc)
    now = uow.now()
    check_period_started(data.period, now)
    if ent.blacklisted:
        raise _listed(ent)
    if await _open_assessment(uow, ent.uscc, data.period) is not None:
        raise Conflict(f"{ent.uscc} already has an assessment for {data.period}", code="assessment_exists")
    record = await rule_sets.in_force(uow, uow.ctx.settings.assessment_rule_set, local_date(now))
    facts, sources = await _facts(uow, ent.uscc, data)
    scores = data.scores.model_dump()
    result = assess(scores, facts, rule_sets.to_domain(record), ent.category)
    facts_shown = {
        "fatal_accidents": facts.fatal_accidents,
        "penalties": facts.penalties,
        "public_commitment_signed": facts.public_commitment_signed,
        "sources": sources,
    }
    row = Assessment(
        id=new_id(),
        uscc=ent.uscc,
        period=data.period,
        scores={k: str(v) for k, v in scores.items()},
        facts=facts_shown,
        total_score=result.total_score,
        credit_class=result.credit_class.value,
        standardization_result=result.standardization_result,
        breakdown=result.breakdown | {"facts": facts_shown},
        rule_set=result.rule_set,
        rule_set_version=result.version,
        status="submitted",
        author=user.sub,
        submitted_at=now,
    )
    uow.session.add(row)
    try:
        await uow.commit()
    except IntegrityError:
        # Another officer submitted the same period between our check and our insert.
        await uow.rollback()
        raise Conflict(f"{ent.uscc} already has an assessment for {data.period}", code="assessment_exists") from None
    return to_public(row)


async def _open_assessment(uow: UnitOfWork, uscc: str, period: str) -> Assessment | None:
    return (
        await uow.session.exec(
            select(Assessment).where(
                Assessment.uscc == uscc, Assessment.period == period, Assessment.status != "rejected"
            )
        )
    ).first()


async def _facts(uow: UnitOfWork, uscc: str, data: AssessmentCreate) -> tuple[AssessmentFacts, dict]:
    """The period's facts: what the officer gives, else fatal accidents on record, else neutral.

    Accidents reach the registry from the hazard service, so an officer need not re-enter them; the
    registry learns of penalties only through listings, and a listed enterprise is not assessed, so
    penalties stay neutral unless given.
    """
    given = data.facts
    sources: dict = {}
    if given.fatal_accidents is not None:
        fatal = given.fatal_accidents
        sources["fatal_accidents"] = "given"
    else:
        start, end = period_bounds(data.period)
        ids = (
            await uow.session.exec(
                select(RecordedAccident.accident_id)
                .where(
                    RecordedAccident.uscc == uscc,
                    RecordedAccident.deaths > 0,
                    RecordedAccident.occurred_at >= start,
                    RecordedAccident.occurred_at < end,
                )
                .order_by(RecordedAccident.occurred_at)
            )
        ).all()
        fatal = len(ids)
        sources["fatal_accidents"] = "recorded"
        sources["recorded_accident_ids"] = list(ids)
    sources["penalties"] = "given" if given.penalties is not None else "default"
    sources["public_commitment_signed"] = "given" if given.public_commitment_signed is not None else "default"
    facts = AssessmentFacts(
        fatal_accidents=fatal,
        penalties=given.penalties if given.penalties is not None else 0,
        public_commitment_signed=given.public_commitment_signed if given.public_commitment_signed is not None else True,
    )
    return facts, sources


async def _decidable(uow: UnitOfWork, user: Principal, assessment_id: str) -> tuple[Assessment, Enterprise]:
    """The assessment and its enterprise, locked for a decision (404 outside the officer's division)."""
    uscc = (await uow.session.exec(select(Assessment.uscc).where(Assessment.id == assessment_id))).first()
    if uscc is None:
        raise NotFound(f"no assessment {assessment_id}", code="assessment_not_found")
    try:
        ent = await access.staff_enterprise(uow, user, uscc)
    except NotFound:
        raise NotFound(f"no assessment {assessment_id}", code="assessment_not_found") from None
    # Read after the enterprise's lock: a decision taken meanwhile is seen.
    a = (
        await uow.session.exec(
            select(Assessment).where(Assessment.id == assessment_id).execution_options(populate_existing=True)
        )
    ).one()
    return a, ent


async def _decide(uow: UnitOfWork, a: Assessment, action: str, user: Principal, **values) -> None:
    status = ASSESSMENT.next(a.status, action)
    result = await uow.session.execute(
        update(Assessment)
        .where(Assessment.id == a.id, Assessment.status == a.status, Assessment.version == a.version)
        .values(status=status, decided_by=user.sub, decided_at=uow.now(), version=a.version + 1, **values)
        .execution_options(synchronize_session="evaluate")
    )
    if result.rowcount != 1:
        raise Conflict(f"assessment {a.id} was decided meanwhile", code="invalid_transition", state=a.status)


async def approve(
    *, uow: UnitOfWork, user: Principal, assessment_id: str, expected_version: int | None = None
) -> AssessmentPublic:
    """A second officer approves: the assessment takes effect and the enterprise's standing follows it."""
    a, ent = await _decidable(uow, user, assessment_id)
    check_version(a.version, expected_version)
    check_four_eyes(a.author, user.sub)
    ASSESSMENT.next(a.status, "approve")
    if ent.blacklisted:
        raise _listed(ent)
    await _decide(uow, a, "approve", user)
    latest = (
        await uow.session.exec(
            select(Assessment)
            .where(Assessment.uscc == ent.uscc, Assessment.status == "effective")
            .order_by(Assessment.period.desc(), Assessment.decided_at.desc())
            .limit(1)
        )
    ).one()
    if latest.id == a.id:
        # An older period approved late does not undo a newer one: the class follows the latest period.
        values = {
            "credit_class": a.credit_class,
            "last_class": a.credit_class,
            "credit_score": a.total_score,
            "last_assessment_id": a.id,
        }
        if a.standardization_result is not None:
            record = await rule_sets.by_version(uow, a.rule_set, a.rule_set_version)
            std = rule_sets.to_domain(record).standardization
            values |= {
                "standardization_grade": a.standardization_result,
                "standardization_valid_until": valid_until(local_date(uow.now()), std),
                "standardization_revoked": False,
            }
        reason = f"assessment {a.period} approved: total {a.total_score}, class {a.credit_class}"
        await standing.save(uow, ent, values, by=user.sub, reason=reason, assessment_id=a.id)
    await uow.commit()
    return to_public(a)


async def reject(
    *, uow: UnitOfWork, user: Principal, assessment_id: str, data: Rejection, expected_version: int | None = None
) -> AssessmentPublic:
    """A second officer sends the assessment back to its author with a reason."""
    a, _ent = await _decidable(uow, user, assessment_id)
    check_version(a.version, expected_version)
    check_four_eyes(a.author, user.sub)
    await _decide(uow, a, "reject", user, rejection_reason=data.reason)
    await uow.commit()
    return to_public(a)


async def get(*, uow: UnitOfWork, user: Principal, assessment_id: str) -> AssessmentPublic:
    """One assessment, if the caller may see its enterprise."""
    a = (await uow.session.exec(select(Assessment).where(Assessment.id == assessment_id))).first()
    if a is None:
        raise NotFound(f"no assessment {assessment_id}", code="assessment_not_found")
    try:
        await access.visible_enterprise(uow, user, a.uscc)
    except NotFound:
        raise NotFound(f"no assessment {assessment_id}", code="assessment_not_found") from None
    return to_public(a)


async def list_assessments(
    *, uow: UnitOfWork, user: Principal, page: PageParams, uscc: str | None = None, status: str | None = None
) -> Page[AssessmentPublic]:
    """Assessments of the enterprises in the caller's scope, newest first (e.g. those awaiting approval)."""
    stmt = select(Assessment).join(Enterprise, Enterprise.uscc == Assessment.uscc).where(access.scope_condition(user))
    if uscc is not None:
        ent = await access.visible_enterprise(uow, user, uscc)
        stmt = stmt.where(Assessment.uscc == ent.uscc)
    if status is not None:
        stmt = stmt.where(Assessment.status == status)
    rows, total = await paginate(uow.session, stmt.order_by(Assessment.submitted_at.desc(), Assessment.id.desc()), page)
    return Page(items=[to_public(r[0]) for r in rows], total=total, limit=page.limit, offset=page.offset)
