"""``/registry/v1/imports``: upload an officer's spreadsheet of enterprises; follow the job."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile

from services.registry.api.responses import problems
from services.registry.schemas.imports import ImportJobPublic, ImportQueued
from services.registry.service import imports
from shared.api.deps import ReadUowDep, Roles, UowDep
from shared.imports import MAX_FILE_BYTES

router = APIRouter(prefix="/registry/v1", tags=["imports"])
Staff = Roles("admin", "officer")


@router.post(
    "/imports",
    status_code=202,
    response_model=ImportQueued,
    summary="Import enterprises from CSV (UTF-8 or GB18030) or XLSX; multipart field `file`",
)
async def submit(file: Annotated[UploadFile, File()], uow: UowDep, user: Staff) -> ImportQueued:
    # One byte past the limit is enough for the reader to refuse the file as too large.
    data = await file.read(MAX_FILE_BYTES + 1)
    return ImportQueued(**await imports.submit(uow=uow, user=user, filename=file.filename or "upload", data=data))


@router.get(
    "/imports/{job_id}",
    response_model=ImportJobPublic,
    summary="Progress and the per-row error report",
    responses=problems(404),
)
async def get_import(job_id: str, uow: ReadUowDep, user: Staff) -> ImportJobPublic:
    return ImportJobPublic(**await imports.get(uow=uow, user=user, job_id=job_id))
