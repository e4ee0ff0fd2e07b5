"""Spreadsheet imports as jobs: read CSV (UTF-8 or GB18030) and XLSX, validate each row on its own,
process in batches, report progress and a per-row error report.

A service supplies ``process_batch(uow, rows) -> {row_number: [errors]}``: it writes the good rows of
the batch (all-or-nothing per row) and returns the reasons for the bad ones. A bad row never stops
the good ones. Jobs are rows in the service's database, so any replica can run them and the report
outlives the process; the file itself is kept with the job until it has been processed.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Column, Index, Integer, LargeBinary, MetaData, String, Table, Text, select, update

from shared.db.base import UTCDateTime
from shared.errors import Invalid, NotFound
from shared.logging import get_logger

log = get_logger("anjian.imports")

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_REPORTED_ERRORS = 10_000
_XLSX_MAGIC = b"PK\x03\x04"

RowErrors = dict[int, list[dict[str, str]]]
_CURRENT_JOB: ContextVar[str | None] = ContextVar("import_job", default=None)


def current_job_id() -> str | None:
    """The id of the import job whose batch is being processed (None outside a job), e.g. for an
    audit trail that names the job a row came from."""
    return _CURRENT_JOB.get()


BatchFn = Callable[[Any, list[tuple[int, dict[str, Any]]]], Awaitable[RowErrors]]


def import_tables(metadata: MetaData) -> tuple[Table, Table]:
    """The job table and the row-error table on a service's metadata."""
    jobs = Table(
        "import_jobs",
        metadata,
        Column("id", String(36), primary_key=True),
        Column("kind", String(40), nullable=False),
        Column("filename", String(300), nullable=False),
        Column("status", String(16), nullable=False),
        Column("total_rows", Integer(), nullable=True),
        Column("processed_rows", Integer(), nullable=False, server_default="0"),
        Column("succeeded_rows", Integer(), nullable=False, server_default="0"),
        Column("failed_rows", Integer(), nullable=False, server_default="0"),
        Column("created_by", String(100), nullable=True),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("started_at", UTCDateTime(), nullable=True),
        Column("finished_at", UTCDateTime(), nullable=True),
        Column("error", Text(), nullable=True),
    )
    # The uploaded file lives apart from the job row: progress updates rewrite the job row after
    # every batch and must not drag a 50 MB blob along. The file row goes when the job is done.
    Table(
        "import_files",
        metadata,
        Column("job_id", String(36), primary_key=True),
        Column("content", LargeBinary(), nullable=False),
    )
    errors = Table(
        "import_row_errors",
        metadata,
        Column("id", Integer(), primary_key=True, autoincrement=True),
        Column("job_id", String(36), nullable=False),
        Column("row_number", Integer(), nullable=False),
        Column("errors", Text(), nullable=False),
        Index("ix_import_row_errors_job_id_row_number", "job_id", "row_number"),
    )
    return jobs, errors


# --- reading ---------------------------------------------------------------------------------------


def _normalize_header(h: Any) -> str:
    return str(h or "").strip().lstrip("\ufeff").strip().lower()


def _clean(value: Any) -> Any:
    """Spreadsheet cells as Python values: integral floats become ints, blank strings None."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 - what Excel in China writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise Invalid(
                "the file is neither UTF-8 nor GB18030 text",
                code="unreadable_file",
                errors=[{"field": "file", "message": str(exc)[:200]}],
            ) from exc


def read_rows(data: bytes, filename: str = "") -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    """Headers and ``(row_number, {header: value})`` for a CSV or XLSX file; row 1 is the header."""
    if not data:
        raise Invalid("the file is empty", code="empty_file", errors=[{"field": "file", "message": "empty"}])
    if len(data) > MAX_FILE_BYTES:
        raise Invalid(
            f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB",
            code="file_too_large",
            errors=[{"field": "file", "message": "too large"}],
        )
    xlsx = data[:4] == _XLSX_MAGIC or filename.lower().endswith((".xlsx", ".xlsm"))
    rows = _xlsx_rows(data) if xlsx else csv.reader(io.StringIO(decode_csv(data)))
    rows = iter(rows)
    try:
        header = [_normalize_header(h) for h in next(rows)]
    except StopIteration:
        raise Invalid(
            "the file has no header row", code="empty_file", errors=[{"field": "file", "message": "no header"}]
        ) from None

    named = [(i, h) for i, h in enumerate(header) if h]
    width = len(header)

    def gen() -> Iterator[tuple[int, dict[str, Any]]]:
        for n, raw in enumerate(rows, start=2):
            # CSV cells are always text; spreadsheet cells need their numbers and blanks cleaned.
            values = [_clean(v) for v in raw] if xlsx else [v.strip() or None for v in raw]
            if all(v is None for v in values):
                continue  # blank lines are not rows
            if len(values) < width:
                values += [None] * (width - len(values))
            yield n, {h: values[i] for i, h in named}

    return header, gen()


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = wb.get_sheet_by_index(0)
    except Exception as exc:  # calamine raises its own types for corrupt files
        raise Invalid(
            f"cannot read the workbook: {exc}",
            code="unreadable_file",
            errors=[{"field": "file", "message": "not a readable XLSX"}],
        ) from exc
    return iter(sheet.iter_rows())


def require_columns(header: list[str], required: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise Invalid(
            f"missing columns: {', '.join(missing)}",
            code="missing_columns",
            errors=[{"field": c, "message": "column missing"} for c in missing],
        )


# --- jobs ------------------------------------------------------------------------------------------


@dataclass
class ImportJob:
    id: str
    kind: str
    filename: str
    status: str
    total_rows: int | None
    processed_rows: int
    succeeded_rows: int
    failed_rows: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None
    errors: list[dict[str, Any]]

    def public(self) -> dict[str, Any]:
        d = self.__dict__.copy()
        d["progress"] = (
            round(self.processed_rows / self.total_rows, 4)
            if self.total_rows
            else (1.0 if self.status == DONE else 0.0)
        )
        return d


class Importer:
    """Creates, runs and reports import jobs of one service."""

    def __init__(self, jobs: Table, errors: Table, *, batch_size: int = 1000) -> None:
        self.jobs = jobs
        self.errors = errors
        self.files = jobs.metadata.tables["import_files"]
        self.batch_size = batch_size
        self.kinds: dict[str, tuple[tuple[str, ...], BatchFn]] = {}

    def register(self, kind: str, required_columns: tuple[str, ...], process_batch: BatchFn) -> None:
        self.kinds[kind] = (required_columns, process_batch)

    async def submit(self, uow, *, kind: str, filename: str, data: bytes, created_by: str | None) -> str:
        """Check the file can be read and has the columns, then queue it; returns the job id."""
        required, _ = self.kinds[kind]
        header, _rows = read_rows(data, filename)
        require_columns(header, required)
        job_id = str(uuid.uuid4())
        await uow.session.execute(
            self.jobs.insert().values(
                id=job_id,
                kind=kind,
                filename=filename[:300] or "upload",
                status=QUEUED,
                processed_rows=0,
                succeeded_rows=0,
                failed_rows=0,
                created_by=created_by,
                created_at=uow.now(),
            )
        )
        await uow.session.execute(self.files.insert().values(job_id=job_id, content=data))
        await uow.commit()
        return job_id

    async def _claim(self, ctx, job_id: str | None) -> tuple[str, str, str, bytes] | None:
        async with ctx.uow() as uow:
            cond = self.jobs.c.status == QUEUED
            if job_id:
                cond = cond & (self.jobs.c.id == job_id)
            row = (
                await uow.session.execute(
                    select(self.jobs.c.id, self.jobs.c.kind, self.jobs.c.filename, self.files.c.content)
                    .join(self.files, self.files.c.job_id == self.jobs.c.id)
                    .where(cond)
                    .order_by(self.jobs.c.created_at)
                    .limit(1)
                )
            ).first()
            if row is None:
                return None
            res = await uow.session.execute(
                update(self.jobs)
                .where((self.jobs.c.id == row.id) & (self.jobs.c.status == QUEUED))
                .values(status=RUNNING, started_at=uow.now())
            )
            await uow.commit()
            if res.rowcount != 1:
                return None  # another replica took it
            return row.id, row.kind, row.filename, bytes(row.content)

    async def run_pending(
        self, ctx, job_id: str | None = None, progress: Callable[[int, int | None], None] | None = None
    ) -> int:
        """Run queued jobs (or the one given) to the end; returns how many ran. Idempotent."""
        ran = 0
        while (claimed := await self._claim(ctx, job_id)) is not None:
            await self._run(ctx, *claimed, progress=progress)
            ran += 1
            if job_id:
                break
        return ran

    async def _run(self, ctx, job_id: str, kind: str, filename: str, data: bytes, progress=None) -> None:
        token = _CURRENT_JOB.set(job_id)
        try:
            await self._run_job(ctx, job_id, kind, filename, data, progress)
        finally:
            _CURRENT_JOB.reset(token)

    async def _run_job(self, ctx, job_id: str, kind: str, filename: str, data: bytes, progress) -> None:
        _, process_batch = self.kinds[kind]
        done = ok = bad = reported = 0
        try:
            _header, rows = read_rows(data, filename)
            rows = list(rows)
            total = len(rows)
            await self._update(ctx, job_id, total_rows=total)
            for start in range(0, total, self.batch_size):
                batch = rows[start : start + self.batch_size]
                # The batch, its row report and the job's progress commit together: a job resumed
                # after a crash never counts a batch twice.
                async with ctx.uow() as uow:
                    async with uow.hold_commit():
                        errs = await process_batch(uow, batch)
                        await uow.commit()
                    records = [
                        {"job_id": job_id, "row_number": n, "errors": orjson.dumps(e).decode()}
                        for n, e in sorted(errs.items())
                    ][: max(0, MAX_REPORTED_ERRORS - reported)]
                    if records:
                        await uow.session.execute(self.errors.insert(), records)
                    await uow.session.execute(
                        update(self.jobs)
                        .where(self.jobs.c.id == job_id)
                        .values(
                            processed_rows=done + len(batch),
                            succeeded_rows=ok + len(batch) - len(errs),
                            failed_rows=bad + len(errs),
                        )
                    )
                    await uow.commit()
                done += len(batch)
                bad += len(errs)
                ok += len(batch) - len(errs)
                reported += len(records)
                if progress:
                    progress(done, total)
            await self._update(ctx, job_id, status=DONE, finished_at=ctx.clock.now())
        except Exception as exc:
            log.exception("import job failed", job=job_id)
            await self._update(ctx, job_id, status=FAILED, finished_at=ctx.clock.now(), error=repr(exc)[:2000])

    async def _update(self, ctx, job_id: str, **values) -> None:
        async with ctx.uow() as uow:
            await uow.session.execute(update(self.jobs).where(self.jobs.c.id == job_id).values(**values))
            if values.get("status") in (DONE, FAILED):
                await uow.session.execute(self.files.delete().where(self.files.c.job_id == job_id))
            await uow.commit()

    async def get(self, uow, job_id: str, *, errors_limit: int = 1000) -> ImportJob:
        """A job with its progress and the first ``errors_limit`` row errors (404 if unknown)."""
        j = self.jobs.c
        row = (
            await uow.session.execute(
                select(
                    j.id,
                    j.kind,
                    j.filename,
                    j.status,
                    j.total_rows,
                    j.processed_rows,
                    j.succeeded_rows,
                    j.failed_rows,
                    j.created_at,
                    j.started_at,
                    j.finished_at,
                    j.error,
                ).where(j.id == job_id)
            )
        ).first()
        if row is None:
            raise NotFound(f"no import job {job_id}", code="import_not_found")
        errs = (
            await uow.session.execute(
                select(self.errors.c.row_number, self.errors.c.errors)
                .where(self.errors.c.job_id == job_id)
                .order_by(self.errors.c.row_number)
                .limit(errors_limit)
            )
        ).all()
        return ImportJob(
            **row._asdict(), errors=[{"row": e.row_number, "errors": orjson.loads(e.errors)} for e in errs]
        )
