"""``/grid/v1/enterprises``: where an enterprise sits in the grid and who answers for it."""

from __future__ import annotations

from fastapi import APIRouter

from services.grid.schemas.grid import EnterprisePublic, Placement
from services.grid.service import enterprises
from shared.api.deps import CurrentUser, ReadUowDep, UowDep

router = APIRouter(prefix="/grid/v1/enterprises", tags=["enterprises"])


@router.get("/{uscc}", response_model=EnterprisePublic, summary="An enterprise's cell and responsible people")
async def get_enterprise(uscc: str, uow: ReadUowDep, user: CurrentUser) -> EnterprisePublic:
    return await enterprises.get_enterprise(uow=uow, user=user, uscc=uscc)


@router.put("/{uscc}/cell", response_model=EnterprisePublic, summary="Place an enterprise in a cell by hand")
async def place(uscc: str, body: Placement, uow: UowDep, user: CurrentUser) -> EnterprisePublic:
    return await enterprises.place(uow=uow, user=user, uscc=uscc, cell_id=body.cell_id)
