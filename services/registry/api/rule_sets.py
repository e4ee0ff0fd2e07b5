"""``/registry/v1/rule-sets``: assessment rule sets (versions an admin publishes) and blacklist rule sets."""

from __future__ import annotations

from fastapi import APIRouter

from services.registry.api.responses import problems
from services.registry.schemas.rule_sets import AssessmentRuleSetCreate, RuleSetList, RuleSetPublic
from services.registry.service import rule_sets
from shared.api.deps import CurrentUser, ReadUowDep, Roles, UowDep

router = APIRouter(prefix="/registry/v1", tags=["rule sets"])
Admin = Roles("admin")


@router.get("/rule-sets", response_model=RuleSetList, summary="Every rule set, with its version and situations")
async def list_rule_sets(uow: ReadUowDep, _: CurrentUser) -> RuleSetList:
    return await rule_sets.list_rule_sets(uow=uow, default_code=uow.ctx.settings.assessment_rule_set)


@router.post(
    "/rule-sets",
    status_code=201,
    response_model=RuleSetPublic,
    summary="Publish the next version of an assessment rule set (422 when unsound)",
    responses=problems(409),
)
async def create_rule_set(body: AssessmentRuleSetCreate, uow: UowDep, user: Admin) -> RuleSetPublic:
    return await rule_sets.create(uow=uow, user=user, data=body)
