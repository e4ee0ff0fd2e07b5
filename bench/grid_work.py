"""The grid's read paths at the city's scale and at ten times it (a province's slice).

    .venv/bin/python -m bench grid_work          (SCALE=10 by default)

The city (mission.md): about 5,800 enterprises in some 70 townships and 1,100 villages, 36,773
inspections and about 2,000 reports a year. The bigger grid has SCALE times as many of each. Each
is bulk-loaded into its own database (SQLite, and PostgreSQL when reachable); then, through the
grid app in process (ASGI, the token, the scope, the JSON), the benchmark times:

- ``GET /grid/v1/stats?cell_id=<township>`` - one township's quarter, its villages listed;
- ``GET /grid/v1/inspection-plan?cell_id=<village>`` - one village's due list;
- ``GET /grid/v1/cells/<township>/tree`` - one township's subtree with members;
- ``GET /grid/v1/stats`` - the whole grid's quarter (an admin's view: everything in scope).

A township or village is the same size in both grids, so its reads should not grow with the
grid (goal: p50 ratio <= 1.5); the whole-grid statistics may grow at most linearly (ratio <=
SCALE).
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta

import httpx
from asgi_lifespan import LifespanManager
from sqlalchemy import insert

from bench.common import percentile, table
from bench.registry_import import _drop_pg, _pg_database
from services.grid import models
from services.grid.main import create_app
from services.grid.settings import GridSettings
from shared.db.engine import create_engine
from shared.messaging.transport.inprocess import InProcessTransport
from shared.testing.fixtures import auth

SCALE = int(os.environ.get("SCALE", "10"))
TOWNS, VILLAGES_PER_TOWN, ENTERPRISES, INSPECTIONS, REPORTS = 70, 16, 5_800, 36_773, 2_000
RUNS = int(os.environ.get("RUNS", "40"))
SIGNING_KEY = "bench-signing-key-that-is-long-enough-0123456789"
NOW = datetime(2026, 11, 15, 4, 0, tzinfo=UTC)
CHUNK = 10_000
COUNTIES = ["330502", "330503", "330521", "330522", "330523"]


def _grid(scale: int, seed: int = 3):
    """Rows of every table for ``scale`` cities' worth of grid."""
    rng = random.Random(seed)
    cells, members, enterprises, inspections, reports = [], [], [], [], []
    villages = []
    for t in range(TOWNS * scale):
        division = COUNTIES[t % 5]
        tid = f"t{t:06d}-" + "0" * 28
        cells.append(
            dict(
                id=tid,
                code=f"T{t:06d}",
                name=f"镇{t}",
                level=1,
                parent_id=None,
                division_code=division,
                scope_code=division,
                path=f"/{tid}/",
                created_at=NOW,
                created_by="bench",
            )
        )
        members.append(
            dict(
                id=f"m{t:06d}-" + "0" * 28,
                cell_id=tid,
                name="站长",
                phone="13900000000",
                role="station_chief",
                duties="x",
                username=None,
                created_at=NOW,
            )
        )
        for v in range(VILLAGES_PER_TOWN):
            vid = f"v{t:06d}{v:02d}-" + "0" * 26
            cells.append(
                dict(
                    id=vid,
                    code=f"V{t:06d}{v:02d}",
                    name=f"村{v}",
                    level=2,
                    parent_id=tid,
                    division_code=None,
                    scope_code=division,
                    path=f"/{tid}/{vid}/",
                    created_at=NOW,
                    created_by="bench",
                )
            )
            villages.append((vid, division))
    for e in range(ENTERPRISES * scale):
        vid, division = villages[e % len(villages)]
        enterprises.append(
            dict(
                uscc=f"91{division}{e:010d}",
                name=f"企业{e}",
                division_code=division,
                township=None,
                village=None,
                category="industry_trade",
                credit_class="ABCD"[e % 4],
                blacklisted=e % 97 == 0,
                blacklist_entries={},
                cell_id=vid,
                placement="auto",
                last_inspected_at=None,
                as_of=NOW,
                class_as_of=NOW,
                updated_at=NOW,
            )
        )
    for i in range(INSPECTIONS * scale):
        ent = enterprises[rng.randrange(len(enterprises))]
        at = NOW - timedelta(seconds=rng.randrange(365 * 86400))
        inspections.append(
            dict(
                id=f"i{i:09d}-" + "0" * 25,
                uscc=ent["uscc"],
                cell_id=ent["cell_id"],
                inspected_at=at,
                inspector="x",
                checklist=[],
                note=None,
                recorded_by="bench",
                recorded_at=at,
            )
        )
        if ent["last_inspected_at"] is None or at > ent["last_inspected_at"]:
            ent["last_inspected_at"] = at
    for r in range(REPORTS * scale):
        vid, _ = villages[rng.randrange(len(villages))]
        at = NOW - timedelta(seconds=rng.randrange(365 * 86400))
        reports.append(
            dict(
                id=f"r{r:09d}-" + "0" * 25,
                cell_id=vid,
                uscc=None,
                kind="other",
                description="x",
                status="filed" if r % 3 else "resolved",
                routed_to=vid[1:7] and None,
                routed_at=at,
                escalations=r % 5 == 0,
                filed_at=at,
                filed_by="bench",
                acknowledged_at=None,
                acknowledged_by=None,
                resolved_at=None,
                resolved_by=None,
                resolution=None,
                version=1,
            )
        )
    return [
        (models.Cell.__table__, cells),
        (models.Member.__table__, members),
        (models.Enterprise.__table__, enterprises),
        (models.Inspection.__table__, inspections),
        (models.Report.__table__, reports),
    ]


async def load(url: str, scale: int) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(models.metadata.drop_all)
        await conn.run_sync(models.metadata.create_all)
    for tbl, rows in _grid(scale):
        for start in range(0, len(rows), CHUNK):
            async with engine.begin() as conn:
                await conn.execute(insert(tbl), rows[start : start + CHUNK])
    async with engine.begin() as conn:
        await conn.exec_driver_sql("ANALYZE")
    await engine.dispose()


async def measure(url: str) -> dict[str, list[float]]:
    settings = GridSettings(
        database_url=url, env="test", jwt_signing_key=SIGNING_KEY, log_json=False, log_level="WARNING"
    )
    app = create_app(settings, transport=InProcessTransport(), background=False)
    admin = auth(settings, "admin", "bench")
    town = "t000007-" + "0" * 28
    village = "v00000703-" + "0" * 26
    paths = {
        "township stats": (f"/grid/v1/stats?cell_id={town}&from=2026-10-01&to=2026-12-31", admin),
        "village plan": (f"/grid/v1/inspection-plan?cell_id={village}&from=2026-10-01&to=2026-12-31", admin),
        "township tree": (f"/grid/v1/cells/{town}/tree", admin),
        "whole-grid stats": ("/grid/v1/stats?from=2026-10-01&to=2026-12-31", admin),
    }
    out: dict[str, list[float]] = {}
    async with LifespanManager(app) as manager:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://b") as client:
            for label, (path, headers) in paths.items():
                runs = RUNS if label != "whole-grid stats" else max(5, RUNS // 8)
                times = []
                for i in range(runs + 3):
                    t0 = time.perf_counter()
                    r = await client.get(path, headers=headers)
                    elapsed = time.perf_counter() - t0
                    assert r.status_code == 200, r.text
                    if i >= 3:
                        times.append(elapsed)
                out[label] = times
    return out


async def run() -> None:
    rows = []
    for label in ("sqlite", "postgresql"):
        p50 = {}
        for scale in (1, SCALE):
            name = None
            if label == "sqlite":
                url = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/grid-{scale}.db"
            else:
                pg = await _pg_database()
                if pg is None:
                    print("postgresql: no server, skipped")
                    break
                url, name = pg
            try:
                t0 = time.perf_counter()
                await load(url, scale)
                print(f"{label} x{scale}: loaded in {time.perf_counter() - t0:.1f} s", flush=True)
                times = await measure(url)
            finally:
                if name:
                    await _drop_pg(name)
            for what, ts in times.items():
                p50[(what, scale)] = percentile(ts, 50)
                rows.append(
                    (label, f"x{scale}", what, f"{percentile(ts, 50) * 1000:.1f}", f"{percentile(ts, 95) * 1000:.1f}")
                )
        if len(p50) == 8:
            for what in ("township stats", "village plan", "township tree", "whole-grid stats"):
                ratio = p50[(what, SCALE)] / p50[(what, 1)]
                goal = SCALE if what == "whole-grid stats" else 1.5
                rows.append(
                    (
                        label,
                        f"x{SCALE} / x1",
                        what,
                        f"{ratio:.2f}",
                        f"goal <= {goal}: {'ok' if ratio <= goal else 'NO'}",
                    )
                )
    print(table(f"grid reads, city scale and x{SCALE}", rows, ("database", "scale", "read", "p50 ms", "p95 ms")))


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
