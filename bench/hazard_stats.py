"""The hazard statistics query (``/hazard/v1/stats``) at 100,000 and at 5,000,000 hazards on PostgreSQL.

    .venv/bin/python -m bench hazard_stats
    HAZARD_BENCH_SIZES=100000,5000000 BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres ...

For each size it creates its own database, loads ten years of hazards with COPY (asyncpg
``copy_records_to_table``), builds the indexes, VACUUM ANALYZEs, then times the exact statement the
endpoint runs (``services.hazard.service.stats.hazard_stats_query``) for one year at three levels:
the whole table, the city (330500) and one county (330503). The cost must grow no worse than
linearly: the ratio of times for 50x the rows must be at most 50.

Why it holds: each of the four counts is a range scan over its own index whose first column is
the count's time column and whose second is the division, so a count reads only the index
entries of the period (one year of ten here) and checks the area inside the index; the due /
on-time / late / overdue count reads ``overdue_at`` and ``closed_at`` from the INCLUDE columns of
``ix_hazards_deadline_division_code``. After VACUUM the visibility map is set and every scan is
an Index Only Scan that never touches the table (the EXPLAIN printed at the end shows it).
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta, timezone

import asyncpg
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url
from sqlalchemy.schema import CreateIndex

from bench.common import table
from services.hazard.domain.deadlines import overdue_from
from services.hazard.models import Hazard
from services.hazard.service.stats import hazard_stats_query
from shared.db.engine import create_engine
from shared.testing.databases import create_schema

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/postgres"
CST = timezone(timedelta(hours=8))
START = datetime(2016, 1, 1, 8, 0, tzinfo=CST)
YEARS = 10
HUZHOU = ["330502", "330503", "330521", "330522", "330523"]
ELSEWHERE = ["330102", "330203", "330602"]
PERIOD = (date(2024, 1, 1), date(2024, 12, 31))
NOW = datetime(2026, 6, 1, tzinfo=UTC)
QUERIES = {"all areas": None, "city 330500": "330500", "county 330503": "330503"}
RUNS = 9
MAX_RATIO = 50


def _server_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or PG_DEFAULT
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _rows(n: int, seed: int = 5):
    """``n`` hazard rows over ten years, in time order, as tuples in the table's column order."""
    rng = random.Random(seed)
    rand = rng.random
    span = YEARS * 365 * 86400
    step = span / n
    one_hour, one_day = timedelta(hours=1), timedelta(days=1)
    columns = [c.name for c in Hazard.__table__.columns]
    for i in range(n):
        found = START + timedelta(seconds=int(i * step + rand() * step))
        r = rand()
        division = HUZHOU[int(r * 5)] if r < 0.8 else ELSEWHERE[int((r - 0.8) * 15)]
        major = rand() < 0.01
        row = dict.fromkeys(columns)
        row.update(
            id=f"b{i:035d}",
            uscc=f"9133{division[2:]}{i % 100000:010d}",
            division_code=division,
            source="routine_check",
            description="bench",
            level="major" if major else "general",
            major_standard="应急管理部令第10号" if major else None,
            major_clause="第四条" if major else None,
            found_at=found,
            status="closed",
            listed=False,
            plan_submitted=major,
            extension_pending=False,
            work_suspended=False,
            imported=True,
            version=1,
            created_at=found,
            updated_at=found,
        )
        if major and rand() < 0.5:
            row["listed_at"] = found + one_day
        if major or rand() < 0.44:  # under a rectification notice, with a deadline
            issued = found + one_day
            deadline = (issued + timedelta(days=7 + int(rand() * 24))).astimezone(CST).date()
            due = overdue_from(deadline)
            fate = rand()
            closed = issued + (due - issued) * 0.8 if fate < 0.97 else (due + one_day if fate < 0.99 else None)
            if closed is not None and closed > NOW:
                closed = None
            row.update(
                notice_issued_at=issued,
                notice_number=f"B{i}",
                deadline=deadline,
                overdue_at=due,
                status="closed" if closed else "notice_issued",
                plan_submitted=major and closed is not None,
                completed_at=closed,
                accepted_at=closed,
                closed_at=closed,
            )
        else:  # fixed on the spot
            row.update(completed_at=found + one_hour, accepted_at=found + one_hour, closed_at=found + one_hour)
        yield tuple(row[c] for c in columns)


async def _load(admin: asyncpg.Connection, server: str, name: str, n: int) -> tuple[str, float]:
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server).set(drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)
    await create_schema(url, Hazard.metadata)
    conn = await asyncpg.connect(make_url(server).set(database=name).render_as_string(hide_password=False))
    try:
        t0 = time.perf_counter()
        # Bulk load without the secondary indexes, then build them once: far faster than upkeep per row.
        indexes = list(Hazard.__table__.indexes)
        for idx in indexes:
            await conn.execute(f'DROP INDEX "{idx.name}"')
        await conn.copy_records_to_table(
            "hazards", records=_rows(n), columns=[c.name for c in Hazard.__table__.columns]
        )
        for idx in indexes:
            await conn.execute(str(CreateIndex(idx).compile(dialect=postgresql.dialect())))
        await conn.execute("VACUUM (ANALYZE) hazards")
        return url, time.perf_counter() - t0
    finally:
        await conn.close()


async def _time_queries(url: str) -> tuple[dict[str, float], dict[str, tuple], str]:
    engine = create_engine(url, pool_size=1, max_overflow=0)
    timings, figures = {}, {}
    try:
        async with engine.connect() as conn:
            for label, division in QUERIES.items():
                stmt = hazard_stats_query(
                    first_day=PERIOD[0], last_day=PERIOD[1], division_code=division, now=NOW, tz_offset_hours=8
                )
                for _ in range(2):  # warm the cache and the plan
                    row = (await conn.execute(stmt)).one()
                samples = []
                for _ in range(RUNS):
                    t0 = time.perf_counter()
                    row = (await conn.execute(stmt)).one()
                    samples.append(time.perf_counter() - t0)
                timings[label] = statistics.median(samples)
                figures[label] = tuple(row)
            compiled = stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
            plan = await conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {compiled}")
            explain = "\n".join(r[0] for r in plan.all())
    finally:
        await engine.dispose()
    return timings, figures, explain


async def run() -> bool:
    sizes = [int(s) for s in os.environ.get("HAZARD_BENCH_SIZES", "100000,5000000").split(",")]
    server = _server_url()
    admin = await asyncpg.connect(server)
    results = {}
    try:
        for n in sizes:
            name = f"anjian_bench_hazard_{n}_{os.getpid()}"
            try:
                print(f"loading {n:,} hazards ...", flush=True)
                url, load_s = await _load(admin, server, name, n)
                timings, figures, explain = await _time_queries(url)
                results[n] = (timings, figures, explain, load_s)
                print(f"  loaded and indexed in {load_s:.1f} s", flush=True)
            finally:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()

    print(f"\nperiod {PERIOD[0]}..{PERIOD[1]} (one year of {YEARS}); median of {RUNS} runs")
    rows = []
    for n, (timings, figures, _, _) in results.items():
        for label, t in timings.items():
            hazards, notices, due, on_time, late, overdue, listed = figures[label]
            rows.append((f"{n:,}", label, f"{t * 1000:.2f}", hazards, notices, due, on_time, late, overdue, listed))
    print(
        table(
            "statistics query",
            rows,
            ("rows", "area", "ms", "hazards", "notices", "due", "on_time", "late", "overdue", "listed"),
        )
    )
    ok = True
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        factor = large / small
        print(f"\nratio of times for {factor:.0f}x the rows (must be at most {MAX_RATIO}):")
        for label in QUERIES:
            ratio = results[large][0][label] / results[small][0][label]
            ok &= ratio <= MAX_RATIO
            print(f"  {label:14} {ratio:6.1f}  {'ok' if ratio <= MAX_RATIO else 'TOO SLOW'}")
        print(f"\nEXPLAIN ANALYZE at {large:,} rows, county 330503:\n{results[large][2]}")
    return ok


def main() -> None:
    ok = asyncio.run(run())
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
