"""``/registry/v1/proposals``: listings the recorded facts suggest, for an officer to accept or dismiss."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response

from services.registry.api.responses import problems
from services.registry.schemas.proposals import ProposalAccept, ProposalDismiss, ProposalPublic
from services.registry.service import proposals
from shared.api.deps import ReadUowDep, Roles, UowDep
from shared.api.etag import IfMatch, parse_if_match, set_etag
from shared.api.pagination import Page, PageDep

router = APIRouter(prefix="/registry/v1", tags=["listing proposals"])
Staff = Roles("admin", "officer")


@router.get("/proposals", response_model=Page[ProposalPublic], summary="Listing proposals in your division")
async def list_proposals(
    uow: ReadUowDep,
    user: Staff,
    page: PageDep,
    status: Literal["pending", "accepted", "dismissed"] | None = None,
    uscc: str | None = None,
) -> Page[ProposalPublic]:
    return await proposals.list_proposals(uow=uow, user=user, page=page, status=status, uscc=uscc)


@router.get("/proposals/{proposal_id}", response_model=ProposalPublic, summary="One proposal", responses=problems(404))
async def get_proposal(proposal_id: str, uow: ReadUowDep, user: Staff, response: Response) -> ProposalPublic:
    p = await proposals.get(uow=uow, user=user, proposal_id=proposal_id)
    set_etag(response, p.version)
    return p


@router.post(
    "/proposals/{proposal_id}/accept",
    response_model=ProposalPublic,
    summary="Accept: the listing is created (entry_id names it)",
    responses=problems(404, 409, 412),
)
async def accept(
    proposal_id: str, body: ProposalAccept, uow: UowDep, user: Staff, response: Response, if_match: IfMatch = None
) -> ProposalPublic:
    p = await proposals.accept(
        uow=uow, user=user, proposal_id=proposal_id, data=body, expected_version=parse_if_match(if_match)
    )
    set_etag(response, p.version)
    return p


@router.post(
    "/proposals/{proposal_id}/dismiss",
    response_model=ProposalPublic,
    summary="Dismiss with a reason",
    responses=problems(404, 409, 412),
)
async def dismiss(
    proposal_id: str, body: ProposalDismiss, uow: UowDep, user: Staff, response: Response, if_match: IfMatch = None
) -> ProposalPublic:
    p = await proposals.dismiss(
        uow=uow, user=user, proposal_id=proposal_id, data=body, expected_version=parse_if_match(if_match)
    )
    set_etag(response, p.version)
    return p
