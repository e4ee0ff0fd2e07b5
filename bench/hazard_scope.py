"""A grid worker's hazard list (``GET /hazard/v1/hazards``: one page and the total) at 100,000 and
1,000,000 hazards on PostgreSQL.

    .venv/bin/python -m bench hazard_scope
    HAZARD_SCOPE_SIZES=100000,1000000 BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres ...

A grid worker sees the hazards recorded in their cells, found there by the grid (``hazard_cells``)
and those of the enterprises placed there (``enterprise_cells``). The village and the township of
this bench hold the same number of hazards at both sizes (about 100 and 1,500); only the rest of
the table grows. So the time should stay flat: the ratio for 10x the table must be at most 2. (At
the small size the same hazards spread over ten times as many enterprises - each has fewer - so
the township's placement join is larger there; that is why its ratio falls below 1.)

The baseline, timed in the same run on the same data, is the scope written as an OR of three IN
conditions (the shape before ``access.grid_hazard_ids``): PostgreSQL walks the found_at index
and tests every row, so the page and above all the total grow with the whole table.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time

import asyncpg
from sqlalchemy import func, or_, select
from sqlmodel import col

from bench.common import table
from bench.hazard_stats import _load, _server_url
from services.hazard.models import EnterpriseCell, Hazard, HazardCell
from services.hazard.service import access
from shared.db.engine import create_engine
from shared.security.principal import Principal

RUNS = 9
MAX_RATIO = 2.0
#: Hazards the worker's cells hold at every size: the village's and the township's (village included).
TARGETS = {"village": 100, "township": 1500}


def _or_scope(ids: list[str]):
    """The baseline: the same scope as an OR of three IN conditions."""
    under = select(HazardCell.hazard_id).where(col(HazardCell.cell_id).in_(ids))
    placed = select(EnterpriseCell.uscc).where(col(EnterpriseCell.cell_id).in_(ids))
    return [or_(col(Hazard.cell_id).in_(ids), col(Hazard.id).in_(under), col(Hazard.uscc).in_(placed))]


SHAPES = {
    "union (access.hazard_scope)": lambda ids: access.hazard_scope(
        Principal(sub="bench", role="grid_worker", grid_cell_ids=tuple(ids))
    ),
    "or of IN (baseline)": _or_scope,
}


async def _place(url: str) -> dict[str, int]:
    """Place enterprises of county 330503 so that the village and the township hold TARGETS hazards."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        per = await conn.fetch(
            "SELECT uscc, count(*) AS n FROM hazards WHERE division_code = '330503' GROUP BY uscc ORDER BY uscc"
        )
        rows, held, it = [], {"village": 0, "township": 0}, iter(per)
        for r in it:  # the village first (its enterprises are in the township too)
            if held["village"] >= TARGETS["village"]:
                held["township"] = held["village"]
                break
            rows += [(r["uscc"], "town"), (r["uscc"], "village")]
            held["village"] += r["n"]
        for r in it:
            if held["township"] >= TARGETS["township"]:
                break
            rows.append((r["uscc"], "town"))
            held["township"] += r["n"]
        await conn.copy_records_to_table("enterprise_cells", records=rows, columns=["uscc", "cell_id"])
        await conn.execute("VACUUM (ANALYZE) enterprise_cells")
        return held
    finally:
        await conn.close()


async def _time(url: str) -> dict[tuple[str, str], float]:
    engine = create_engine(url, pool_size=1, max_overflow=0)
    out = {}
    try:
        async with engine.connect() as conn:
            for shape, scope in SHAPES.items():
                for label, cell in (("village", "village"), ("township", "town")):
                    conds = scope([cell])
                    page = (
                        select(Hazard.id, Hazard.found_at)
                        .where(*conds)
                        .order_by(col(Hazard.found_at).desc(), col(Hazard.id).desc())
                        .limit(50)
                    )
                    total = select(func.count()).select_from(select(Hazard.id).where(*conds).subquery())
                    for _ in range(2):
                        await conn.execute(page)
                        await conn.execute(total)
                    samples = []
                    for _ in range(RUNS):
                        t0 = time.perf_counter()
                        (await conn.execute(page)).all()
                        (await conn.execute(total)).one()
                        samples.append(time.perf_counter() - t0)
                    out[(shape, label)] = statistics.median(samples)
    finally:
        await engine.dispose()
    return out


async def run() -> bool:
    sizes = [int(s) for s in os.environ.get("HAZARD_SCOPE_SIZES", "100000,1000000").split(",")]
    server = _server_url()
    admin = await asyncpg.connect(server)
    results, held = {}, {}
    try:
        for n in sizes:
            name = f"anjian_bench_scope_{n}_{os.getpid()}"
            try:
                print(f"loading {n:,} hazards ...", flush=True)
                url, _ = await _load(admin, server, name, n)
                held[n] = await _place(url)
                results[n] = await _time(url)
            finally:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()

    rows = [
        (f"{n:,}", shape, label, held[n][label], f"{t * 1000:.2f}")
        for n, timings in results.items()
        for (shape, label), t in timings.items()
    ]
    print(
        table(
            f"grid worker's list: page of 50 + total, median of {RUNS}",
            rows,
            ("rows", "scope", "cells", "hazards", "ms"),
        )
    )
    ok = True
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        print(f"\nratio of times for {large / small:.0f}x the table (the scope must stay at most {MAX_RATIO}):")
        for shape in SHAPES:
            for label in TARGETS:
                ratio = results[large][(shape, label)] / results[small][(shape, label)]
                verdict = ("ok" if ratio <= MAX_RATIO else "TOO SLOW") if shape.startswith("union") else "baseline"
                ok &= ratio <= MAX_RATIO or not shape.startswith("union")
                print(f"  {shape:28} {label:9} {ratio:6.2f}  {verdict}")
        for label in TARGETS:
            speedup = (
                results[large][("or of IN (baseline)", label)] / results[large][("union (access.hazard_scope)", label)]
            )
            print(f"  at {large:,} rows the union is {speedup:.1f}x faster than the baseline for the {label}")
    return ok


def main() -> None:
    if not asyncio.run(run()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
