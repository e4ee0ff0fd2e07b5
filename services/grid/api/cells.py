"""``/grid/v1/cells``: the grid tree and its members (named, read, changed and removed with If-Match)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.grid.schemas.grid import (
    CellCreate,
    CellDetail,
    CellPublic,
    CellTree,
    MemberCreate,
    MemberPublic,
    MemberUpdate,
)
from services.grid.service import cells
from shared.api.deps import CurrentUser, ReadUowDep, UowDep
from shared.api.etag import IdempotencyKey, IfMatch, set_etag
from shared.api.idempotency import run_idempotent
from shared.api.pagination import Page, PageDep

router = APIRouter(prefix="/grid/v1/cells", tags=["cells"])


@router.post("", status_code=201, response_model=CellPublic, summary="Add a cell to the grid tree")
async def create_cell(body: CellCreate, uow: UowDep, user: CurrentUser, key: IdempotencyKey = None) -> Response:
    return await run_idempotent(
        uow,
        key=key,
        scope=f"grid.cell:{user.sub}",
        payload=body,
        fn=lambda u: cells.create_cell(uow=u, user=user, data=body),
    )


@router.get("", response_model=Page[CellPublic], summary="Cells in your scope: roots, children of a cell, or a search")
async def list_cells(
    uow: ReadUowDep,
    user: CurrentUser,
    page: PageDep,
    parent_id: str | None = None,
    roots: Annotated[bool, Query(description="only cells without a parent")] = False,
    q: Annotated[str | None, Query(max_length=100, description="part of the name or code")] = None,
) -> Page[CellPublic]:
    return await cells.list_cells(uow=uow, user=user, page=page, parent_id=parent_id, roots=roots, q=q)


@router.get("/{cell_id}", response_model=CellDetail, summary="A cell with its members")
async def get_cell(cell_id: str, uow: ReadUowDep, user: CurrentUser) -> CellDetail:
    return await cells.get_cell(uow=uow, user=user, cell_id=cell_id)


@router.get("/{cell_id}/tree", response_model=CellTree, summary="A cell and everything under it")
async def get_tree(
    cell_id: str,
    uow: ReadUowDep,
    user: CurrentUser,
    depth: Annotated[int | None, Query(ge=0, le=9, description="levels below the cell; all when absent")] = None,
) -> CellTree:
    return await cells.tree(uow=uow, user=user, cell_id=cell_id, depth=depth)


@router.post("/{cell_id}/members", status_code=201, response_model=MemberPublic, summary="Name a responsible person")
async def add_member(
    cell_id: str, body: MemberCreate, uow: UowDep, user: CurrentUser, key: IdempotencyKey = None
) -> Response:
    response = await run_idempotent(
        uow,
        key=key,
        scope=f"grid.member:{user.sub}:{cell_id}",
        payload=body,
        fn=lambda u: cells.add_member(uow=u, user=user, cell_id=cell_id, data=body),
    )
    set_etag(response, 1)
    return response


@router.get("/{cell_id}/members/{member_id}", response_model=MemberPublic, summary="A responsible person (with ETag)")
async def get_member(
    cell_id: str, member_id: str, uow: ReadUowDep, user: CurrentUser, response: Response
) -> MemberPublic:
    m = await cells.get_member(uow=uow, user=user, cell_id=cell_id, member_id=member_id)
    set_etag(response, m.version)
    return m


@router.patch(
    "/{cell_id}/members/{member_id}",
    response_model=MemberPublic,
    summary="Change a responsible person (If-Match required: 428 without it, 412 when stale)",
)
async def update_member(
    cell_id: str,
    member_id: str,
    body: MemberUpdate,
    uow: UowDep,
    user: CurrentUser,
    response: Response,
    if_match: IfMatch = None,
) -> MemberPublic:
    m = await cells.update_member(
        uow=uow, user=user, cell_id=cell_id, member_id=member_id, data=body, if_match=if_match
    )
    set_etag(response, m.version)
    return m


@router.delete(
    "/{cell_id}/members/{member_id}",
    status_code=204,
    summary="Remove a responsible person (If-Match optional: 412 when stale)",
)
async def remove_member(
    cell_id: str, member_id: str, uow: UowDep, user: CurrentUser, if_match: IfMatch = None
) -> Response:
    await cells.remove_member(uow=uow, user=user, cell_id=cell_id, member_id=member_id, if_match=if_match)
    return Response(status_code=204)
