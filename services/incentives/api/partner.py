"""``/partner/v1``: what partner agencies call with ``X-API-Key`` (their domains only; every query audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from services.incentives.api.deps import PartnerCallDep, PartnerDep
from services.incentives.schemas.catalogue import MeasurePublic
from services.incentives.schemas.feedback import FeedbackCreate, MeasureLifePublic
from services.incentives.schemas.partners import ChecksAnswer, ChecksRequest, EnterpriseAnswer
from services.incentives.service import partner
from shared.api.deps import ReadUowDep, UowDep
from shared.api.etag import IdempotencyKey
from shared.api.idempotency import run_idempotent
from shared.api.pagination import Page, PageDep

router = APIRouter(prefix="/partner/v1", tags=["partner"])
#: The hot lookup served as a plain Starlette route, ahead of its documented twin below: no dependency
#: injection or response-model machinery per request (bench/incentives_partner.py measures it).
fast = APIRouter()
_JSON = "application/json"
_UNAUTHORIZED = {401: {"description": "no valid, unrevoked, unexpired API key"}}


@router.get(
    "/enterprises/{uscc}",
    response_model=None,
    summary="One enterprise's standing and the measures of your domains",
    responses={200: {"model": EnterpriseAnswer}, 404: {"description": "unknown code"}, **_UNAUTHORIZED},
)
async def enterprise(uscc: str, call: PartnerCallDep) -> Response:
    return Response(await partner.lookup(runtime=call.runtime, caller=call.key, uscc=uscc), media_type=_JSON)


async def enterprise_fast(request: Request) -> Response:
    runtime = request.app.state.ctx.state["partner"]
    key = await runtime.keys.verify(request.headers.get("x-api-key"))
    body = await partner.lookup(runtime=runtime, caller=key, uscc=request.path_params["uscc"])
    return Response(body, media_type=_JSON)


fast.add_route("/partner/v1/enterprises/{uscc}", enterprise_fast, methods=["GET"], include_in_schema=False)


@router.post(
    "/checks",
    response_model=None,
    summary="Up to 1,000 enterprises at once, in the order asked",
    responses={200: {"model": ChecksAnswer}, **_UNAUTHORIZED},
)
async def checks(body: ChecksRequest, call: PartnerCallDep) -> Response:
    return Response(await partner.checks(runtime=call.runtime, caller=call.key, usccs=body.usccs), media_type=_JSON)


@router.post(
    "/feedback",
    response_model=MeasureLifePublic,
    status_code=201,
    summary="Report what you did about a pushed measure (Idempotency-Key)",
    responses={404: {"description": "measure never pushed to you"}, 409: {"description": "not allowed now"}},
)
async def feedback(
    body: FeedbackCreate, caller: PartnerDep, uow: UowDep, idempotency_key: IdempotencyKey = None
) -> Response:
    return await run_idempotent(
        uow,
        key=idempotency_key,
        scope=f"feedback:{caller.agency_id}",
        payload=body,
        fn=lambda u: partner.record_feedback(uow=u, caller=caller, data=body),
    )


@router.get("/measures", response_model=list[MeasurePublic], summary="The catalogue's measures of your domains")
async def measures(caller: PartnerDep, uow: ReadUowDep) -> list[MeasurePublic]:
    return await partner.partner_measures(uow=uow, caller=caller)


@router.get(
    "/measure-lives", response_model=Page[MeasureLifePublic], summary="Measures pushed to you and where they stand"
)
async def measure_lives(
    caller: PartnerDep,
    uow: ReadUowDep,
    page: PageDep,
    status: Annotated[str | None, Query(description="e.g. pushed (still to act on) or lift_pushed")] = None,
    uscc: Annotated[str | None, Query()] = None,
) -> Page[MeasureLifePublic]:
    items, total = await partner.list_lives(
        uow=uow, agency_id=caller.agency_id, status=status, uscc=uscc, limit=page.limit, offset=page.offset
    )
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)
