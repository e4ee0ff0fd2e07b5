"""Importing 100,000 enterprises through the import job against a bare batched insert of the same rows.

The job does everything an officer's upload does: reads the CSV, checks every row (codes, labels,
scope), looks up the codes it names, upserts, and writes one outbox event per enterprise, in
transactions of ``import_batch_size`` rows. The baseline inserts the already-parsed rows with
multi-row INSERTs of the same batch size and nothing else. Both run on the same database, SQLite
and (when reachable) PostgreSQL. Goal: the job at least 0.3 of the bare rate.

    .venv/bin/python -m bench registry_import            (ROWS=20000 REPEAT=1 for a quick run)
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime

import asyncpg
from sqlalchemy import insert

from bench.common import table
from services.registry import models
from services.registry.domain.uscc import ALPHABET, org_code_check_char, uscc_check_char
from services.registry.main import build_spec
from services.registry.service import imports
from services.registry.service.imports import _new_row
from services.registry.settings import RegistrySettings
from shared.db.engine import create_engine
from shared.messaging.transport.inprocess import InProcessTransport
from shared.security.principal import Principal
from shared.service import ServiceContext

ROWS = int(os.environ.get("ROWS", "100000"))
REPEAT = int(os.environ.get("REPEAT", "3"))
PG_SERVER = os.environ.get("BENCH_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
COUNTIES = ("330502", "330503", "330521", "330522", "330523")
TOWNS = ("旧馆镇", "新市镇", "李家巷镇", "织里镇", "孝丰镇")
CATEGORIES = ("industry_trade", "hazardous_chemicals", "mining", "metallurgy", "general")


def code_for(i: int, division: str = "330503") -> str:
    """The i-th of a run of distinct valid codes (the organization part counts in base 31)."""
    digits = []
    for _ in range(8):
        i, r = divmod(i, len(ALPHABET))
        digits.append(ALPHABET[r])
    org8 = "".join(reversed(digits))
    first17 = "91" + division + org8 + org_code_check_char(org8)
    return first17 + uscc_check_char(first17)


def csv_file(n: int) -> tuple[bytes, list[dict]]:
    """A spreadsheet of ``n`` enterprises with Chinese headers, and the same rows parsed (for the baseline)."""
    header = "统一社会信用代码,企业名称,法定代表人,主要负责人,所在区划代码,乡镇,村,地址,行业类别,规模,从业人员数\n"
    lines, parsed = [], []
    now = datetime.now(UTC)
    for i in range(n):
        division = COUNTIES[i % 5]
        town = TOWNS[i % 5]
        code = code_for(i, division)
        name = f"湖州企业{i:06d}有限公司"
        category = CATEGORIES[i % 5]
        lines.append(
            f"{code},{name},张三,李四,{division},{town},第{i % 13}村,湖州市{town}{i}号,{category},small,{i % 300}"
        )
        values = {
            "uscc": code,
            "name": name,
            "legal_representative": "张三",
            "person_in_charge": "李四",
            "division_code": division,
            "township": town,
            "village": f"第{i % 13}村",
            "address": f"湖州市{town}{i}号",
            "category": category,
            "scale": "small",
            "employees": i % 300,
        }
        parsed.append(_new_row(values, now))
    return (header + "\n".join(lines) + "\n").encode(), parsed


async def _reset(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(models.metadata.drop_all)
        await conn.run_sync(models.metadata.create_all)
    await engine.dispose()


async def bare_insert(url: str, rows: list[dict], batch: int) -> float:
    """Seconds to insert the parsed rows, ``batch`` per transaction, multi-row INSERT."""
    await _reset(url)
    engine = create_engine(url)
    t0 = time.perf_counter()
    for start in range(0, len(rows), batch):
        async with engine.begin() as conn:
            await conn.execute(insert(models.Enterprise.__table__), rows[start : start + batch])
    elapsed = time.perf_counter() - t0
    await engine.dispose()
    return elapsed


async def import_job(url: str, data: bytes) -> tuple[float, float, dict]:
    """Seconds for the upload and the job to the end; then seconds to import the same file again."""
    await _reset(url)
    settings = RegistrySettings(database_url=url, env="test", log_json=False, log_level="WARNING")
    ctx = ServiceContext(build_spec(settings), settings, transport=InProcessTransport())
    importer = imports.importer_for(ctx)
    admin = Principal("bench", "admin")
    try:
        timings = []
        for _ in range(2):
            t0 = time.perf_counter()
            async with ctx.uow() as uow:
                job = await imports.submit(uow=uow, user=admin, filename="enterprises.csv", data=data, start=False)
            await importer.run_pending(ctx, job["id"])
            timings.append(time.perf_counter() - t0)
            async with ctx.uow(write=False) as uow:
                report = await imports.get(uow=uow, user=admin, job_id=job["id"])
            assert report["status"] == "done" and report["succeeded_rows"] == ROWS, report
        return timings[0], timings[1], report
    finally:
        await ctx.db.dispose()


async def _pg_database() -> tuple[str, str] | None:
    """A scratch PostgreSQL database (url, name), or None when no server answers."""
    from sqlalchemy.engine import make_url

    server = make_url(PG_SERVER)
    name = f"bench_registry_{uuid.uuid4().hex[:8]}"
    try:
        conn = await asyncpg.connect(server.set(drivername="postgresql").render_as_string(hide_password=False))
    except (OSError, asyncpg.PostgresError):
        return None
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return server.set(database=name).render_as_string(hide_password=False), name


async def _drop_pg(name: str) -> None:
    from sqlalchemy.engine import make_url

    server = make_url(PG_SERVER).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(server)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def run() -> None:
    data, parsed = csv_file(ROWS)
    batch = RegistrySettings().import_batch_size
    targets = [("sqlite", f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db", None)]
    pg = await _pg_database()
    if pg:
        targets.append(("postgresql", pg[0], pg[1]))
    results = []
    try:
        for label, url, _ in targets:
            rounds = []
            # Bare and job alternate, each on a fresh table; the best of each is compared (the least
            # disturbed by whatever else the machine runs), and the median of the rounds' ratios shown.
            for r in range(REPEAT):
                bare = await bare_insert(url, parsed, batch)
                job, again, _report = await import_job(url, data)
                rounds.append((bare, job, again))
                print(f"{label} round {r + 1}: bare {bare:.2f} s, job {job:.2f} s, re-import {again:.2f} s", flush=True)
            bare, job, again = (min(x[i] for x in rounds) for i in range(3))
            ratio = bare / job
            median = statistics.median(b / j for b, j, _ in rounds)
            results.append(
                (
                    label,
                    f"{ROWS:,}",
                    f"{ROWS / bare:,.0f}",
                    f"{ROWS / job:,.0f}",
                    f"{ratio:.2f}",
                    f"{median:.2f}",
                    "yes" if ratio >= 0.3 else "NO",
                    f"{again:.2f}",
                )
            )
    finally:
        for _, _, name in targets:
            if name:
                await _drop_pg(name)
    print(
        table(
            f"import job vs bare batched insert ({batch} rows per transaction, best of {REPEAT})",
            results,
            ("database", "rows", "bare rows/s", "job rows/s", "job/bare", "median", ">= 0.3", "re-import s (no-op)"),
        )
    )
    if not pg:
        print("PostgreSQL not reachable at BENCH_PG: only SQLite measured")


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
