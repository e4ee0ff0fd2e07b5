"""Bulk import of enterprises from officers' spreadsheets (CSV in UTF-8 or GB18030, XLSX) as jobs.

Upsert by code: a new code registers the enterprise, a known one updates the fields the file gives
that differ, and a row that changes nothing writes nothing (no version, no event, no change-log
row), so importing the same file again is a no-op. Each batch costs a handful of statements
whatever its size: one SELECT of the codes it names, one bulk INSERT (COPY on PostgreSQL), one
UPDATE per shape of change, one bulk INSERT of the change log (``import:<job id>``), and the outbox
rows in bulk; the ORM is used only for the rare row whose change moves the honour roll.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import defaultdict
from functools import lru_cache, partial
from typing import Any

import asyncpg
import orjson
from sqlalchemy import JSON, Table, bindparam, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.registry.domain.divisions import division_covers, is_valid_division_code
from services.registry.domain.enterprise_fields import IMPORT_COLUMNS, canonical_column, canonical_columns, parse_row
from services.registry.events import outgoing
from services.registry.models import Enterprise, EnterpriseChange, import_jobs, import_row_errors
from services.registry.service import changes, standing
from shared.db.uow import UnitOfWork
from shared.errors import Forbidden, NotFound
from shared.imports import Importer, RowErrors, current_job_id, read_rows
from shared.security.principal import Principal

KIND = "enterprises"
_T = Enterprise.__table__
_STANDARDIZATION = ("standardization_grade", "standardization_valid_until")
#: What the batch compares a row against: the fields a file may give and what decides the path.
_READ = [_T.c.id, _T.c.version, _T.c.credit_class, _T.c.honour_roll, _T.c.blacklisted, _T.c.standardization_revoked]
_READ += [_T.c[c] for c in IMPORT_COLUMNS]
_INSERT_COLUMNS = tuple(c.name for c in _T.columns if c.name != "id")
_C = EnterpriseChange.__table__
_CHANGE_COLUMNS = ("uscc", "at", "by", "kind", "fields")
#: A duplicate code as SQLAlchemy reports it, and as the drivers do under the bulk insert.
_DUPLICATE = (IntegrityError, asyncpg.UniqueViolationError, sqlite3.IntegrityError)


def _insert_sql(table: Table, columns: tuple[str, ...]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(columns))})'


_INSERT_SQL = {_T.name: _insert_sql(_T, _INSERT_COLUMNS), _C.name: _insert_sql(_C, _CHANGE_COLUMNS)}


class _ScopedKinds(dict):
    """Import kinds by name: ``enterprises`` (anywhere) and ``enterprises@<division>`` (an officer's scope).

    The scope travels in the job's kind, so whichever replica runs a queued job, even after a
    restart, checks each row against the division of the officer who uploaded it.
    """

    def __missing__(self, kind: str):
        base, _, scope = kind.partition("@")
        if base != KIND or not is_valid_division_code(scope):
            raise KeyError(kind)
        self[kind] = ((), partial(process_batch, scope=scope))
        return self[kind]


def importer_for(ctx) -> Importer:
    """The service's importer (one per context; its batch size comes from the settings)."""
    importer = ctx.state.get("importer")
    if importer is None:
        importer = Importer(import_jobs, import_row_errors, batch_size=ctx.settings.import_batch_size)
        importer.kinds = _ScopedKinds()
        importer.register(KIND, (), process_batch)
        ctx.state["importer"] = importer
    return importer


async def run_pending(ctx) -> int:
    """The scheduled job: run import jobs left queued (e.g. by a restart)."""
    return await importer_for(ctx).run_pending(ctx)


async def submit(*, uow: UnitOfWork, user: Principal, filename: str, data: bytes, start: bool = True) -> dict[str, Any]:
    """Check the file (readable, the required columns) and queue it; the job starts at once unless told not to."""
    header, _rows = read_rows(data, filename)
    canonical_columns(header)
    if user.role == "officer":
        if not user.division_code:
            raise Forbidden("an officer without a division may not import", code="outside_division")
        kind = f"{KIND}@{user.division_code}"
    else:
        kind = KIND
    importer = importer_for(uow.ctx)
    job_id = await importer.submit(uow, kind=kind, filename=filename, data=data, created_by=user.sub)
    if start:
        ctx = uow.ctx
        ctx.runtime.spawn_oneoff(f"import:{job_id}", lambda: importer.run_pending(ctx, job_id))
    return {"id": job_id, "status": "queued"}


async def get(*, uow: UnitOfWork, user: Principal, job_id: str) -> dict[str, Any]:
    """A job's progress and row errors: admins see every job, officers their own."""
    j = import_jobs.c
    owner = (await uow.session.execute(select(j.created_by).where(j.id == job_id))).first()
    if owner is None or (user.role != "admin" and owner[0] != user.sub):
        raise NotFound(f"no import job {job_id}", code="import_not_found")
    job = (await importer_for(uow.ctx).get(uow, job_id)).public()
    job["kind"] = KIND
    return job


@lru_cache(maxsize=64)
def _mapping(headers: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((h, c) for h in headers if (c := canonical_column(h)) is not None)


async def process_batch(
    uow: UnitOfWork, rows: list[tuple[int, dict[str, Any]]], *, scope: str | None = None, by: str | None = None
) -> RowErrors:
    """Write the good rows of a batch in bulk; return the reasons for the bad ones (by row number).

    ``by`` names the writer in the change log: by default ``import:<job id>`` of the job running.
    """
    by = by or f"import:{current_job_id() or 'direct'}"
    try:
        return await _process(uow, rows, scope, by)
    except _DUPLICATE:
        # A code was registered by someone else between our SELECT and our INSERT (on PostgreSQL the
        # SELECT cannot lock a row that does not exist yet). Undo the batch and do it again: it now
        # finds that enterprise and updates it instead. Cheaper than ON CONFLICT ... RETURNING on
        # every batch for a race that almost never happens.
        await uow.rollback()
        return await _process(uow, rows, scope, by)


async def _process(uow: UnitOfWork, rows: list[tuple[int, dict[str, Any]]], scope: str | None, by: str) -> RowErrors:
    errors: RowErrors = {}
    latest: dict[str, tuple[int, dict[str, Any]]] = {}
    mapping = _mapping(tuple(rows[0][1])) if rows else ()  # every row of a file has the file's headers
    for n, raw in rows:
        values, errs = parse_row({c: raw[h] for h, c in mapping})
        if not errs and scope and not division_covers(scope, values["division_code"]):
            errs = [{"field": "division_code", "message": f"outside your division {scope}"}]
        if errs:
            errors[n] = errs
            continue
        code = values["uscc"]
        if code in latest:
            message = f"the same code is on row {n}; only the last row of a code is imported"
            errors[latest[code][0]] = [{"field": "uscc", "message": message}]
        latest[code] = (n, values)
    if not latest:
        return errors

    now = uow.now()
    existing = await _existing(uow, list(latest))
    inserts: list[tuple[int, dict[str, Any]]] = []
    updates: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    one_by_one: list[tuple[int, str, dict[str, Any]]] = []
    log = _ChangeLog(now, by)
    for code, (n, values) in latest.items():
        row = existing.get(code)
        if row is None:
            new = _new_row(values, now)
            inserts.append((n, new))
            log.add(code, changes.REGISTERED, changes.registered_fields(new))
            continue
        changed = {k: v for k, v in values.items() if k != "uscc" and row[k] != v}
        if not changed:
            continue
        problem = _refusal(row, changed, scope)
        if problem:
            errors[n] = [problem]
            continue
        log.add(code, changes.UPDATED, changes.changed_fields(changed))
        if any(k in changed for k in _STANDARDIZATION):
            changed["standardization_revoked"] = False
            if row["credit_class"] == "A" or row["honour_roll"]:
                one_by_one.append((n, code, changed))  # may move the honour roll: the full path
                continue
        updates[tuple(sorted(changed))].append({"_id": row["id"], "_version": row["version"], **changed})
        uow.publish(outgoing.updated(code, {k: v for k, v in changed.items() if k != "standardization_revoked"}))

    if inserts:
        new = [r for _, r in inserts]
        if uow.db.dialect == "postgresql":
            # The server copies the rows in while the events are built here.
            await asyncio.gather(_bulk_insert(uow, _T, _INSERT_COLUMNS, _records(new)), _announce(uow, new))
        else:
            # SQLite works in a thread of this process that needs the GIL for every row: building
            # the events meanwhile would only make the two take turns.
            await _bulk_insert(uow, _T, _INSERT_COLUMNS, _records(new))
            await _announce(uow, new)
    for params in updates.values():
        await uow.session.execute(
            update(_T)
            .where(_T.c.id == bindparam("_id"), _T.c.version == bindparam("_version"))
            .values(version=_T.c.version + 1, updated_at=now),
            params,
        )
    for _n, code, changed in one_by_one:
        ent = (await uow.session.exec(select(Enterprise).where(Enterprise.uscc == code))).one()
        await standing.save(uow, ent, changed, by=by)
    if log.rows:
        await _bulk_insert(uow, _C, _CHANGE_COLUMNS, log.rows)
    return errors


class _ChangeLog:
    """The change-log rows of a batch, as the bulk insert takes them (``_CHANGE_COLUMNS``; ``fields`` as JSON text)."""

    def __init__(self, at, by: str) -> None:
        self.at, self.by = at, by
        self.rows: list[list[Any]] = []
        self._json: dict[tuple[str, ...], str] = {}  # most rows of a file change the same fields

    def add(self, uscc: str, kind: str, fields: list[str]) -> None:
        key = tuple(fields)
        text = self._json.get(key)
        if text is None:
            text = self._json[key] = orjson.dumps(fields).decode()
        self.rows.append([uscc, self.at, self.by, kind, text])


async def _existing(uow: UnitOfWork, codes: list[str]) -> dict[str, Any]:
    stmt = select(*_READ).where(_T.c.uscc.in_(codes))
    if uow.db.dialect == "postgresql":
        # Hold the rows to the end of the batch: no API write slips between our read and our update.
        stmt = stmt.with_for_update()
    return {r.uscc: r._mapping for r in (await uow.session.execute(stmt)).all()}


def _refusal(row: Any, changed: dict[str, Any], scope: str | None) -> dict[str, str] | None:
    if scope and not division_covers(scope, row["division_code"]):
        # Same words as for a new code: the answer does not tell whether the code exists elsewhere.
        return {"field": "division_code", "message": f"outside your division {scope}"}
    if row["blacklisted"] and any(k in changed for k in _STANDARDIZATION):
        return {"field": "standardization_grade", "message": "the enterprise is listed: its review is suspended"}
    return None


def _new_row(values: dict[str, Any], now) -> dict[str, Any]:
    row = dict.fromkeys(IMPORT_COLUMNS) | {"status": "operating"} | values
    return row | {
        "credit_class": None,
        "credit_score": None,
        "last_class": None,
        "last_assessment_id": None,
        "blacklisted": False,
        "standardization_revoked": False,
        "honour_roll": False,
        "honour_roll_since": None,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def _records(rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [[r[c] for c in _INSERT_COLUMNS] for r in rows]


async def _bulk_insert(uow: UnitOfWork, table: Table, columns: tuple[str, ...], records: list[list[Any]]) -> None:
    """Insert rows (values in the order of ``columns``) in one round trip: COPY on PostgreSQL, executemany on SQLite.

    Below SQLAlchemy's per-row parameter handling, the largest statement of a batch costs half as
    much (architecture.md: bulk loads use batched inserts, COPY on PostgreSQL). On SQLite the values
    go through SQLAlchemy's own bind processors first, so the rows read back as ORM writes would; the
    values that repeat across the batch (timestamps, flags) are converted once.
    """
    conn = await uow.session.connection()
    driver = (await conn.get_raw_connection()).driver_connection
    if uow.db.dialect == "postgresql":
        await driver.copy_records_to_table(table.name, columns=columns, records=records)
        return
    dialect = conn.dialect
    # JSON arrives as text already (its processor would encode it again).
    processors = [
        None if isinstance(table.c[c].type, JSON) else table.c[c].type.dialect_impl(dialect).bind_processor(dialect)
        for c in columns
    ]
    # Most converted values repeat across a batch (the timestamps, the flags): convert each once.
    memo: list[dict[Any, Any]] = [{} for _ in processors]
    converted = [(i, p, memo[i]) for i, p in enumerate(processors) if p is not None]
    for values in records:  # converted in place: the lists are the caller's, made for this insert
        for i, p, seen in converted:
            v = values[i]
            if v is not None:
                values[i] = seen[v] if v in seen else seen.setdefault(v, p(v))
    await driver.executemany(_INSERT_SQL[table.name], records)


async def _announce(uow: UnitOfWork, rows: list[dict[str, Any]]) -> None:
    """Record a registration event per new enterprise (undone with the batch if the INSERT fails)."""
    for r in rows:
        uow.publish(outgoing.registered(r))
