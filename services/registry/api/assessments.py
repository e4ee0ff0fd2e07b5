"""``/registry/v1/assessments``: the review queue, approval by a second officer, rejection."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response

from services.registry.api.responses import problems
from services.registry.schemas.assessments import AssessmentPublic, Rejection
from services.registry.service import assessments
from shared.api.deps import ReadUowDep, Roles, UowDep
from shared.api.etag import IfMatch, parse_if_match, set_etag
from shared.api.pagination import Page, PageDep

router = APIRouter(prefix="/registry/v1", tags=["assessments"])
Staff = Roles("admin", "officer")
Readers = Roles("admin", "officer", "enterprise")


@router.get("/assessments", response_model=Page[AssessmentPublic], summary="Assessments in your division")
async def list_assessments(
    uow: ReadUowDep,
    user: Staff,
    page: PageDep,
    status: Literal["submitted", "effective", "rejected"] | None = None,
) -> Page[AssessmentPublic]:
    return await assessments.list_assessments(uow=uow, user=user, page=page, status=status)


@router.get(
    "/assessments/{assessment_id}", response_model=AssessmentPublic, summary="One assessment", responses=problems(404)
)
async def get_assessment(assessment_id: str, uow: ReadUowDep, user: Readers, response: Response) -> AssessmentPublic:
    a = await assessments.get(uow=uow, user=user, assessment_id=assessment_id)
    set_etag(response, a.version)
    return a


@router.post(
    "/assessments/{assessment_id}/approve",
    response_model=AssessmentPublic,
    summary="Approve (a second officer: the author gets 403 four_eyes)",
    responses=problems(404, 409, 412),
)
async def approve(
    assessment_id: str, uow: UowDep, user: Staff, response: Response, if_match: IfMatch = None
) -> AssessmentPublic:
    a = await assessments.approve(
        uow=uow, user=user, assessment_id=assessment_id, expected_version=parse_if_match(if_match)
    )
    set_etag(response, a.version)
    return a


@router.post(
    "/assessments/{assessment_id}/reject",
    response_model=AssessmentPublic,
    summary="Send back to the author with a reason",
    responses=problems(404, 409, 412),
)
async def reject(
    assessment_id: str, body: Rejection, uow: UowDep, user: Staff, response: Response, if_match: IfMatch = None
) -> AssessmentPublic:
    a = await assessments.reject(
        uow=uow, user=user, assessment_id=assessment_id, data=body, expected_version=parse_if_match(if_match)
    )
    set_etag(response, a.version)
    return a
