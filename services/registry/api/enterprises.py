"""``/registry/v1/enterprises``: register, read, list, update; credit history; assessments of one enterprise."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from services.registry.api.responses import problems
from services.registry.domain.enterprise_fields import Category
from services.registry.schemas.assessments import AssessmentCreate, AssessmentPublic
from services.registry.schemas.enterprises import (
    CreditChangePublic,
    EnterpriseChangePublic,
    EnterpriseCreate,
    EnterprisePublic,
    EnterpriseUpdate,
)
from services.registry.service import assessments, changes, enterprises
from services.registry.service.access import PROFILE_READERS
from shared.api.deps import ReadUowDep, Roles, UowDep
from shared.api.etag import IdempotencyKey, IfMatch, required_version, set_etag
from shared.api.idempotency import run_idempotent
from shared.api.pagination import Page, PageDep

router = APIRouter(prefix="/registry/v1", tags=["enterprises"])
Staff = Roles("admin", "officer")
Readers = Roles("admin", "officer", "enterprise")
ProfileReaders = Roles("admin", "officer", "enterprise", *PROFILE_READERS)


@router.post(
    "/enterprises",
    status_code=201,
    response_model=EnterprisePublic,
    summary="Register an enterprise",
    responses=problems(409),
)
async def register(
    body: EnterpriseCreate, uow: UowDep, user: Staff, idempotency_key: IdempotencyKey = None
) -> Response:
    response = await run_idempotent(
        uow,
        key=idempotency_key,
        scope=f"registry.enterprises:{user.sub}",
        payload=body,
        fn=lambda u: enterprises.register(uow=u, user=user, data=body),
    )
    set_etag(response, 1)
    return response


@router.get("/enterprises", response_model=Page[EnterprisePublic], summary="Enterprises in your scope")
async def list_enterprises(
    uow: ReadUowDep,
    user: Readers,
    page: PageDep,
    division_code: Annotated[
        str | None, Query(pattern=r"^[0-9]{6}$", description="nested: 330500 covers its counties")
    ] = None,
    township: Annotated[str | None, Query(max_length=100)] = None,
    category: Category | None = None,
    credit_class: Literal["A", "B", "C", "D"] | None = None,
    blacklisted: bool | None = None,
    standardization_status: Literal["valid", "expiring", "expired", "none", "revoked"] | None = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=100, description="part of the name, or the start of the code")
    ] = None,
) -> Page[EnterprisePublic]:
    filters = enterprises.EnterpriseFilters(
        division_code=division_code,
        township=township,
        category=category,
        credit_class=credit_class,
        blacklisted=blacklisted,
        standardization_status=standardization_status,
        q=q,
    )
    return await enterprises.list_enterprises(uow=uow, user=user, filters=filters, page=page)


@router.get("/enterprises/{uscc}", response_model=EnterprisePublic, summary="One enterprise", responses=problems(404))
async def get_enterprise(uscc: str, uow: ReadUowDep, user: ProfileReaders, response: Response) -> EnterprisePublic:
    ent = await enterprises.get(uow=uow, user=user, uscc=uscc)
    set_etag(response, ent.version)
    return ent


@router.patch(
    "/enterprises/{uscc}",
    response_model=EnterprisePublic,
    summary="Update an enterprise (If-Match required)",
    responses=problems(404, 409, 412, 428),
)
async def update_enterprise(
    uscc: str, body: EnterpriseUpdate, uow: UowDep, user: Staff, response: Response, if_match: IfMatch = None
) -> EnterprisePublic:
    expected = required_version(if_match)
    ent = await enterprises.update(uow=uow, user=user, uscc=uscc, data=body, expected_version=expected)
    set_etag(response, ent.version)
    return ent


@router.get(
    "/enterprises/{uscc}/credit-history",
    response_model=Page[CreditChangePublic],
    summary="Every class change with its reason",
    responses=problems(404),
)
async def credit_history(uscc: str, uow: ReadUowDep, user: Readers, page: PageDep) -> Page[CreditChangePublic]:
    return await enterprises.credit_history(uow=uow, user=user, uscc=uscc, page=page)


@router.get(
    "/enterprises/{uscc}/changes",
    response_model=Page[EnterpriseChangePublic],
    summary="Changes of the base data (registration, updates, import rows), newest first",
    responses=problems(404),
)
async def enterprise_changes(uscc: str, uow: ReadUowDep, user: Readers, page: PageDep) -> Page[EnterpriseChangePublic]:
    return await changes.list_changes(uow=uow, user=user, uscc=uscc, page=page)


@router.post(
    "/enterprises/{uscc}/assessments",
    status_code=201,
    response_model=AssessmentPublic,
    summary="Submit an assessment (one assessment, two results)",
    responses=problems(404, 409),
)
async def submit_assessment(
    uscc: str, body: AssessmentCreate, uow: UowDep, user: Staff, response: Response
) -> AssessmentPublic:
    a = await assessments.submit(uow=uow, user=user, uscc=uscc, data=body)
    set_etag(response, a.version)
    return a


@router.get(
    "/enterprises/{uscc}/assessments",
    response_model=Page[AssessmentPublic],
    summary="Assessments of one enterprise",
    responses=problems(404),
)
async def enterprise_assessments(uscc: str, uow: ReadUowDep, user: Readers, page: PageDep) -> Page[AssessmentPublic]:
    return await assessments.list_assessments(uow=uow, user=user, page=page, uscc=uscc)
