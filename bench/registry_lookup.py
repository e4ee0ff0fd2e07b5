"""Enterprise lookup by code through the app (GET /registry/v1/enterprises/{uscc}) at 10,000 and 1,000,000.

Each population is bulk-loaded into its own database (SQLite, and PostgreSQL when reachable), then
the same number of lookups of random known codes runs through the registry app in process (ASGI,
the officer's token, the access check, the JSON answer). Goal: p50 at 1,000,000 within 1.5x of p50
at 10,000 (the unique index on the code keeps a lookup flat).

    .venv/bin/python -m bench registry_lookup           (BIG=200000 for a quicker run)
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import time
from datetime import UTC, datetime

import httpx
from asgi_lifespan import LifespanManager
from sqlalchemy import insert

from bench.common import percentile, table
from bench.registry_import import COUNTIES, _drop_pg, _pg_database, _reset, code_for
from services.registry import models
from services.registry.main import create_app
from services.registry.settings import RegistrySettings
from shared.db.engine import create_engine
from shared.messaging.transport.inprocess import InProcessTransport
from shared.testing.fixtures import auth

SMALL = 10_000
BIG = int(os.environ.get("BIG", "1000000"))
LOOKUPS = int(os.environ.get("LOOKUPS", "3000"))
SIGNING_KEY = "bench-signing-key-that-is-long-enough-0123456789"
CHUNK = 20_000


def rows(start: int, stop: int, now: datetime) -> list[dict]:
    return [
        {
            "uscc": code_for(i, COUNTIES[i % 5]),
            "name": f"湖州企业{i:07d}有限公司",
            "legal_representative": "张三",
            "person_in_charge": "李四",
            "person_in_charge_phone": None,
            "safety_lead": None,
            "safety_lead_phone": None,
            "division_code": COUNTIES[i % 5],
            "township": "旧馆镇",
            "village": None,
            "address": None,
            "category": "industry_trade",
            "scale": "small",
            "employees": i % 300,
            "status": "operating",
            "credit_class": "ABCD"[i % 4],
            "credit_score": None,
            "last_class": "ABCD"[i % 4],
            "last_assessment_id": None,
            "blacklisted": False,
            "standardization_grade": None,
            "standardization_valid_until": None,
            "standardization_revoked": False,
            "honour_roll": False,
            "honour_roll_since": None,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(start, stop)
    ]


async def load(url: str, n: int) -> None:
    """``n`` enterprises, in chunks (COPY on PostgreSQL, multi-row INSERT on SQLite)."""
    await _reset(url)
    engine = create_engine(url)
    now = datetime.now(UTC)
    table_ = models.Enterprise.__table__
    columns = [c.name for c in table_.columns if c.name != "id"]
    for start in range(0, n, CHUNK):
        batch = rows(start, min(n, start + CHUNK), now)
        async with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                driver = (await conn.get_raw_connection()).driver_connection
                await driver.copy_records_to_table(
                    table_.name, columns=columns, records=[tuple(r[c] for c in columns) for r in batch]
                )
            else:
                await conn.execute(insert(table_), batch)
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.exec_driver_sql("ANALYZE enterprises")
        else:
            await conn.exec_driver_sql("ANALYZE")
    await engine.dispose()


async def lookups(url: str, n: int) -> list[float]:
    """Seconds per GET of ``LOOKUPS`` random known codes (after a warm-up)."""
    settings = RegistrySettings(
        database_url=url, env="test", jwt_signing_key=SIGNING_KEY, log_json=False, log_level="WARNING"
    )
    app = create_app(settings, transport=InProcessTransport(), background=False)
    headers = auth(settings, "officer", "bench-officer", division_code="330500")
    rng = random.Random(n)
    codes = [code_for(i, COUNTIES[i % 5]) for i in (rng.randrange(n) for _ in range(LOOKUPS + 300))]
    times = []
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for i, code in enumerate(codes):
                t0 = time.perf_counter()
                r = await client.get(f"/registry/v1/enterprises/{code}", headers=headers)
                elapsed = time.perf_counter() - t0
                assert r.status_code == 200, r.text
                if i >= 300:
                    times.append(elapsed)
    return times


async def run() -> None:
    targets = [("sqlite", lambda n: (f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/lookup-{n}.db", None))]
    if await _pg_available():
        targets.append(("postgresql", None))
    results = []
    for label, make in targets:
        p50s = {}
        for n in (SMALL, BIG):
            if make is not None:
                url, name = make(n)
            else:
                url, name = await _pg_database()
            try:
                t0 = time.perf_counter()
                await load(url, n)
                loaded = time.perf_counter() - t0
                times = await lookups(url, n)
            finally:
                if name:
                    await _drop_pg(name)
            p50s[n] = percentile(times, 50)
            print(f"{label} {n:,}: loaded in {loaded:.1f} s; p50 {p50s[n] * 1000:.2f} ms", flush=True)
            results.append(
                (
                    label,
                    f"{n:,}",
                    f"{percentile(times, 50) * 1000:.2f}",
                    f"{percentile(times, 95) * 1000:.2f}",
                    f"{percentile(times, 99) * 1000:.2f}",
                )
            )
        ratio = p50s[BIG] / p50s[SMALL]
        results.append(
            (label, f"p50 {BIG:,} / {SMALL:,}", f"{ratio:.2f}", "goal <= 1.5", "ok" if ratio <= 1.5 else "NO")
        )
    print(
        table(
            f"GET /registry/v1/enterprises/{{uscc}}, {LOOKUPS} lookups each",
            results,
            ("database", "enterprises", "p50 ms", "p95 ms", "p99 ms"),
        )
    )


async def _pg_available() -> bool:
    pg = await _pg_database()
    if pg is None:
        return False
    await _drop_pg(pg[1])
    return True


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
