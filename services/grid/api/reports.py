"""``/grid/v1/reports``: what the grid reports upward, and its handling."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.grid.domain.reports import ReportKind, ReportStatus
from services.grid.schemas.grid import ReportCreate, ReportDetail, ReportMoveIn, ReportPublic, ReportResolve
from services.grid.service import reports
from shared.api.deps import CurrentUser, ReadUowDep, UowDep
from shared.api.etag import IdempotencyKey, IfMatch, parse_if_match, set_etag
from shared.api.idempotency import run_idempotent
from shared.api.pagination import Page, PageDep

router = APIRouter(prefix="/grid/v1/reports", tags=["reports"])


@router.post("", status_code=201, response_model=ReportPublic, summary="File a report; it goes one level up")
async def file_report(body: ReportCreate, uow: UowDep, user: CurrentUser, key: IdempotencyKey = None) -> Response:
    return await run_idempotent(
        uow,
        key=key,
        scope=f"grid.report:{user.sub}",
        payload=body,
        fn=lambda u: reports.file_report(uow=u, user=user, data=body),
    )


@router.get("", response_model=Page[ReportPublic], summary="Reports in your scope, newest first")
async def list_reports(
    uow: ReadUowDep,
    user: CurrentUser,
    page: PageDep,
    cell_id: str | None = None,
    status: ReportStatus | None = None,
    kind: ReportKind | None = None,
    uscc: str | None = None,
    waiting_for_me: Annotated[bool, Query(description="open reports routed to your cells")] = False,
) -> Page[ReportPublic]:
    return await reports.list_reports(
        uow=uow,
        user=user,
        page=page,
        cell_id=cell_id,
        status=status,
        kind=kind,
        uscc=uscc,
        waiting_for_me=waiting_for_me,
    )


@router.get("/{report_id}", response_model=ReportDetail, summary="A report with its history (with ETag)")
async def get_report(report_id: str, uow: ReadUowDep, user: CurrentUser, response: Response) -> ReportDetail:
    r = await reports.get_report(uow=uow, user=user, report_id=report_id)
    set_etag(response, r.version)
    return r


@router.post(
    "/{report_id}/acknowledge",
    response_model=ReportPublic,
    summary="Acknowledge a report routed to you (If-Match optional: 412 when stale)",
)
async def acknowledge(
    report_id: str,
    uow: UowDep,
    user: CurrentUser,
    response: Response,
    body: ReportMoveIn | None = None,
    if_match: IfMatch = None,
) -> ReportPublic:
    note = body.note if body else None
    r = await reports.act(
        uow=uow,
        user=user,
        report_id=report_id,
        action="acknowledge",
        note=note,
        expected_version=parse_if_match(if_match),
    )
    set_etag(response, r.version)
    return r


@router.post(
    "/{report_id}/resolve",
    response_model=ReportPublic,
    summary="Resolve an acknowledged report (If-Match optional: 412 when stale)",
)
async def resolve(
    report_id: str, body: ReportResolve, uow: UowDep, user: CurrentUser, response: Response, if_match: IfMatch = None
) -> ReportPublic:
    r = await reports.act(
        uow=uow,
        user=user,
        report_id=report_id,
        action="resolve",
        note=body.resolution,
        expected_version=parse_if_match(if_match),
    )
    set_etag(response, r.version)
    return r
