"""``/hazard/v1/imports``: historical hazard ledgers (CSV in UTF-8 or GB18030, XLSX) as jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile

from services.hazard.schemas.imports import ImportAccepted, ImportJobPublic
from services.hazard.service import imports
from shared.api.deps import CtxDep, CurrentUser, ReadUowDep, UowDep

router = APIRouter(prefix="/hazard/v1", tags=["imports"])


@router.post("/imports", status_code=202, response_model=ImportAccepted, summary="Import a hazard ledger")
async def submit(
    file: Annotated[UploadFile, File(description="CSV (UTF-8 or GB18030) or XLSX")],
    uow: UowDep,
    user: CurrentUser,
    ctx: CtxDep,
) -> ImportAccepted:
    data = await file.read()
    accepted = await imports.submit_ledger(uow=uow, user=user, filename=file.filename or "ledger", data=data)
    ctx.runtime.spawn_oneoff(f"import:{accepted.id}", lambda: imports.importer.run_pending(ctx, accepted.id))
    return accepted


@router.get("/imports/{job_id}", response_model=ImportJobPublic, summary="An import job: progress and row report")
async def get_job(job_id: str, uow: ReadUowDep, user: CurrentUser) -> ImportJobPublic:
    return await imports.get_job(uow=uow, user=user, job_id=job_id)
