"""Historical hazard ledgers (隐患台账) loaded as import jobs, with their own times.

An imported hazard is an ordinary row of ``hazards`` (with ``imported`` set), its notice an
ordinary ``rectification_notices`` row, so statistics count it exactly like a hazard that went
through the loop here. Imports publish no events: the ledger is history the other services
have no use for, and a year of old registrations would flood the topic; an imported hazard that
is still open and overdue is picked up by the deadline job like any other.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import insert, select
from sqlmodel import col

from services.hazard.domain.deadlines import overdue_from
from services.hazard.domain.hazards import HazardLevel, HazardStatus
from services.hazard.domain.ledger import (
    REQUIRED_COLUMNS,
    LedgerEntry,
    canonical_column,
    ledger_key,
    parse_entry,
)
from services.hazard.domain.numbering import format_notice_number
from services.hazard.models import (
    Enterprise,
    Hazard,
    HazardTransition,
    RectificationNotice,
    import_jobs,
    import_row_errors,
)
from services.hazard.schemas.imports import ImportAccepted, ImportJobPublic
from services.hazard.service import access
from services.hazard.service.numbering import raise_counter
from shared.db.uow import UnitOfWork
from shared.errors import Invalid, field_error
from shared.ids import new_id
from shared.imports import Importer, RowErrors, current_job_id, read_rows, require_columns
from shared.security.principal import Principal

KIND = "hazard_ledger"
importer = Importer(import_jobs, import_row_errors)


async def submit_ledger(*, uow: UnitOfWork, user: Principal, filename: str, data: bytes) -> ImportAccepted:
    """Check the ledger can be read and has the columns (English or Chinese headers), then queue it."""
    access.require_role(user, access.STAFF, "import hazard ledgers")
    header, _rows = read_rows(data, filename)
    require_columns([canonical_column(h) for h in header], REQUIRED_COLUMNS)
    job_id = await importer.submit(uow, kind=KIND, filename=filename, data=data, created_by=user.sub)
    return ImportAccepted(id=job_id, status="queued")


async def get_job(*, uow: UnitOfWork, user: Principal, job_id: str) -> ImportJobPublic:
    """An import job with its progress and per-row error report."""
    access.require_role(user, access.STAFF, "read hazard imports")
    job = await importer.get(uow, job_id)
    return ImportJobPublic.model_validate(job.public())


def _notice_identity(entry: LedgerEntry) -> tuple[str, str | None, int | None, int | None]:
    """(stored number, issuer, year, seq): standard numbers in their canonical spelling."""
    n = entry.notice
    if n.issuer is not None:
        try:
            return format_notice_number(n.issuer, n.year, n.seq), n.issuer, n.year, n.seq
        except Invalid:
            pass
    return n.number, None, None, None


async def process_ledger_batch(uow: UnitOfWork, rows: list[tuple[int, dict[str, Any]]]) -> RowErrors:
    """Write the good rows of a batch in bulk; return the reasons for the bad ones."""
    settings = uow.ctx.settings
    now, tz = uow.now(), settings.tz_offset_hours
    errors: RowErrors = {}
    parsed: list[tuple[int, LedgerEntry]] = []
    for n, raw in rows:
        try:
            entry = parse_entry({canonical_column(k): v for k, v in raw.items()}, now=now, tz_offset_hours=tz)
        except Invalid as exc:
            errors[n] = exc.errors or [field_error("row", exc.detail)]
            continue
        parsed.append((n, entry))

    usccs = {e.uscc for _, e in parsed}
    known = {
        ent.uscc: ent
        for ent in (await uow.session.execute(select(Enterprise).where(col(Enterprise.uscc).in_(usccs))))
        .scalars()
        .all()
        if ent.known
    }
    keys = {ledger_key(e) for _, e in parsed}
    seen_keys = set(
        (await uow.session.execute(select(Hazard.ledger_key).where(col(Hazard.ledger_key).in_(keys)))).scalars().all()
    )
    numbers = {_notice_identity(e)[0] for _, e in parsed if e.notice}
    seen_numbers = set(
        (
            await uow.session.execute(
                select(RectificationNotice.number).where(col(RectificationNotice.number).in_(numbers))
            )
        )
        .scalars()
        .all()
    )

    hazards, notices, transitions = [], [], []
    counters: dict[tuple[str, int], int] = {}
    for n, e in parsed:
        ent = known.get(e.uscc)
        key = ledger_key(e)
        identity = _notice_identity(e) if e.notice else None
        row_errors = []
        if ent is None:
            row_errors.append(field_error("uscc", f"unknown enterprise {e.uscc}"))
        if key in seen_keys:
            row_errors.append(field_error("row", "this hazard was already imported"))
        if identity and identity[0] in seen_numbers:
            row_errors.append(field_error("notice_number", f"notice {identity[0]} already exists"))
        if row_errors:
            errors[n] = row_errors
            continue
        seen_keys.add(key)
        hazard_id = new_id()
        hazards.append(_hazard_row(hazard_id, e, ent, key, now, tz))
        transitions.append(
            {
                "hazard_id": hazard_id,
                "action": "import",
                "from_status": None,
                "to_status": e.status.value,
                "at": now,
                "by": "import",
                "by_role": None,
                "reason": "loaded from a historical ledger",
                "details": orjson.dumps({"row": n}).decode(),
            }
        )
        if identity:
            number, issuer, year, seq = identity
            seen_numbers.add(number)
            notices.append(
                {
                    "id": new_id(),
                    "hazard_id": hazard_id,
                    "number": number,
                    "issuer": issuer,
                    "year": year,
                    "seq": seq,
                    "issued_at": e.notice.issued_at,
                    "issued_by": None,
                    "deadline": e.notice.deadline,
                    "measures": e.measures,
                    "imported": True,
                }
            )
            if issuer is not None:
                counters[(issuer, year)] = max(counters.get((issuer, year), 0), seq)

    if hazards:
        await uow.session.execute(insert(Hazard.__table__), hazards)
        await uow.session.execute(insert(HazardTransition.__table__), transitions)
    if notices:
        await uow.session.execute(insert(RectificationNotice.__table__), notices)
    for (issuer, year), seq in sorted(counters.items()):
        # Numbers drawn here later must come after the imported ones of the same issuer and year.
        await raise_counter(uow, issuer=issuer, year=year, seq=seq)
    return errors


def _hazard_row(hazard_id: str, e: LedgerEntry, ent: Enterprise, key: str, now, tz: int) -> dict[str, Any]:
    status = e.status
    closed = status == HazardStatus.CLOSED
    return {
        "id": hazard_id,
        "uscc": ent.uscc,
        "division_code": ent.division_code,
        "cell_id": None,
        "source": e.source.value,
        "description": e.description,
        "level": e.level.value,
        "major_standard": e.major_basis.standard if e.major_basis else None,
        "major_clause": e.major_basis.clause if e.major_basis else None,
        "found_at": e.found_at,
        "found_by": e.found_by,
        "created_by": "import",
        "status": status.value,
        "listed": False,
        "listed_at": None,
        "delisted_at": None,
        # The state machine holds a closed major hazard to have had a plan; a ledger keeps it on paper.
        "plan_submitted": e.level == HazardLevel.MAJOR and closed,
        "extension_pending": False,
        "work_suspended": False,
        "notice_issued_at": e.notice.issued_at if e.notice else None,
        "notice_number": _notice_identity(e)[0] if e.notice else None,
        "deadline": e.notice.deadline if e.notice else None,
        "overdue_at": overdue_from(e.notice.deadline, tz) if e.notice else None,
        "reminder_sent_at": None,
        "overdue_since": None,
        "supervision_letter_at": None,
        "completed_at": e.closed_at,
        "evidence": None,
        "acceptance_overdue_at": None,
        "acceptance_late": None,
        "accepted_at": e.closed_at,
        "closed_at": e.closed_at,
        "imported": True,
        "import_job_id": current_job_id(),
        "ledger_key": key,
        "finding_id": None,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


importer.register(KIND, (), process_ledger_batch)
