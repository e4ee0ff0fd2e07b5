"""Partner lookup: ``GET /partner/v1/enterprises/{uscc}`` against a bare Starlette app, same DB, same JSON.

    .venv/bin/python -m bench incentives_partner        (needs PostgreSQL; BENCH_DATABASE_URL or
                                                         TEST_DATABASE_URL, default the local server)

Creates its own database with 100,000 enterprises (about half with measures), starts both apps
under uvicorn as subprocesses with the same number of workers on free ports, and loads each with
``wrk`` (an httpx load generator in a separate process when wrk is missing), random codes, keep-alive.
The bare app does the same single-row lookup (asyncpg, prepared) and returns the same JSON bytes; the
service also verifies the key (cached), checks the per-key rate limit and queues the audit row.
Then one batch check of 1,000 codes against 1,000 single calls over one keep-alive connection.
Goals: ratio >= 0.5; batch >= 20x faster.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import asyncpg
import httpx
import orjson
from sqlalchemy.engine import make_url

from bench.common import median, table
from shared.testing.broker import free_port, wait_port

N_ENTERPRISES = int(os.environ.get("BENCH_ENTERPRISES", "100000"))
DURATION_S = int(os.environ.get("BENCH_DURATION_S", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))
DOMAINS = frozenset({"loans"})
COLUMNS = "uscc, name, credit_class, blacklisted, honour_roll, measures, as_of"


def code(i: int) -> str:
    """The i-th benchmark enterprise's credit code (the right shape; check characters are the registry's)."""
    return f"91330503{i:09d}X"


# --- the baseline: a bare Starlette app doing the same lookup ---------------------------------


def bare_app():
    """The baseline (``uvicorn bench.incentives_partner:bare_app --factory``): one prepared lookup, same JSON."""
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    dsn = os.environ["BENCH_DSN"]
    state: dict = {}

    async def lookup(request):
        async with state["pool"].acquire() as conn:
            row = await conn.fetchrow(f"SELECT {COLUMNS} FROM standings WHERE uscc = $1", request.path_params["uscc"])
        if row is None:
            return Response(b'{"code":"enterprise_not_found"}', status_code=404, media_type="application/json")
        body = {
            "uscc": row["uscc"],
            "name": row["name"],
            "credit_class": row["credit_class"],
            "blacklisted": row["blacklisted"],
            "honour_roll": row["honour_roll"],
            "measures": [m for m in orjson.loads(row["measures"]) if m["domain"] in DOMAINS],
            "as_of": row["as_of"],
        }
        return Response(orjson.dumps(body, option=orjson.OPT_UTC_Z), media_type="application/json")

    @asynccontextmanager
    async def lifespan(app):
        state["pool"] = await asyncpg.create_pool(dsn, min_size=1, max_size=10)
        yield
        await state["pool"].close()

    return Starlette(routes=[Route("/partner/v1/enterprises/{uscc}", lookup)], lifespan=lifespan)


# --- set-up ----------------------------------------------------------------------------------


def _server_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    return url or "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


async def _create_database(server: str, name: str) -> str:
    admin = await asyncpg.connect(make_url(server).set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return make_url(server).set(drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)


async def _drop_database(server: str, name: str) -> None:
    admin = await asyncpg.connect(make_url(server).set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def _fill(url: str) -> str:
    """Schema by the service's migrations, 100,000 standings by COPY, one bank and its key; returns the key."""
    from services.incentives.domain.measures import SEED_MEASURES, MeasureKind
    from shared.security.apikeys import generate_api_key

    now = datetime(2026, 1, 1, tzinfo=UTC)
    rewards = [m for m in SEED_MEASURES if m.kind is MeasureKind.INCENTIVE]
    restrictions = [m for m in SEED_MEASURES if m.kind is MeasureKind.RESTRICTION]

    def measures_json(ms) -> str:
        return orjson.dumps(
            [
                {
                    "code": m.code,
                    "domain": m.domain.value,
                    "kind": m.kind.value,
                    "text": m.text,
                    "basis": m.basis,
                    "since": now,
                }
                for m in ms
            ],
            option=orjson.OPT_UTC_Z,
        ).decode()

    by_class = {"A": measures_json(rewards), "B": "[]", "C": "[]", "D": measures_json(restrictions)}
    rng = random.Random(7)
    records = []
    for i in range(N_ENTERPRISES):
        cls = rng.choices("ABCD", weights=(885, 4703, 144, 9))[0]
        listed = rng.random() < 0.01
        measures = by_class["D"] if listed else by_class[cls]
        state = orjson.dumps({"uscc": code(i), "credit_class": cls, "blacklist_entries": {}}).decode()
        records.append((code(i), f"湖州第{i}号企业有限公司", cls, listed, False, state, measures, now))
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.copy_records_to_table(
            "standings",
            records=records,
            columns=["uscc", "name", "credit_class", "blacklisted", "honour_roll", "state", "measures", "as_of"],
        )
        await conn.execute("ANALYZE standings")
        key = generate_api_key()
        await conn.execute(
            "INSERT INTO agencies (id, name, kind, domains, version, created_at, updated_at)"
            " VALUES ('bench-bank', '基准测试银行', 'bank', '[\"loans\"]', 1, $1, $1)",
            now,
        )
        await conn.execute(
            "INSERT INTO api_keys (id, agency_id, prefix, digest, rate_limit_per_minute, created_at)"
            " VALUES ('bench-key', 'bench-bank', $1, $2, 1000000000, $3)",
            key.prefix,
            key.digest,
            now,
        )
    finally:
        await conn.close()
    return key.key


def _start(args: list[str], env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            *args,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(WORKERS),
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    wait_port(port, timeout=60)
    return proc


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()


# --- load ------------------------------------------------------------------------------------

_WRK_SCRIPT = """
math.randomseed(os.time())
wrk.headers["X-API-Key"] = "{key}"
request = function()
  return wrk.format("GET", string.format("/partner/v1/enterprises/91330503%09dX", math.random(0, {n} - 1)))
end
"""


def _wrk(port: int, key: str, seconds: int) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(_WRK_SCRIPT.format(key=key, n=N_ENTERPRISES))
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", f.name, f"http://127.0.0.1:{port}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    if "Non-2xx" in out:
        raise RuntimeError(f"non-2xx answers under load:\n{out}")
    return float(next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec")))


def _httpx_load(port: int, key: str, seconds: int) -> float:
    """Fallback load generator (a separate process): CONNECTIONS keep-alive workers for ``seconds``."""
    script = f"""
import asyncio, random, time, httpx
async def main():
    done = 0
    async with httpx.AsyncClient(base_url="http://127.0.0.1:{port}", headers={{"X-API-Key": "{key}"}},
                                 limits=httpx.Limits(max_connections={CONNECTIONS})) as c:
        end = time.perf_counter() + {seconds}
        async def worker():
            nonlocal done
            while time.perf_counter() < end:
                r = await c.get("/partner/v1/enterprises/91330503%09dX" % random.randrange({N_ENTERPRISES}))
                assert r.status_code == 200, r.text
                done += 1
        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range({CONNECTIONS})))
        print(done / (time.perf_counter() - t0))
asyncio.run(main())
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    return float(out.strip())


def _load(port: int, key: str, seconds: int) -> float:
    return _wrk(port, key, seconds) if shutil.which("wrk") else _httpx_load(port, key, seconds)


def _batch_vs_singles(port: int, key: str, rounds: int = 5) -> tuple[float, float]:
    """Seconds for one 1,000-code check and for 1,000 single lookups (medians over rounds)."""
    rng = random.Random(11)
    batch_t, singles_t = [], []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"X-API-Key": key}, timeout=60) as c:
        for _ in range(rounds):
            codes = [code(rng.randrange(N_ENTERPRISES)) for _ in range(1000)]
            t0 = time.perf_counter()
            r = c.post("/partner/v1/checks", json={"usccs": codes})
            batch_t.append(time.perf_counter() - t0)
            assert r.status_code == 200 and len(r.json()["items"]) == 1000, r.text[:300]
            t0 = time.perf_counter()
            for uscc in codes:
                assert c.get(f"/partner/v1/enterprises/{uscc}").status_code == 200
            singles_t.append(time.perf_counter() - t0)
    return median(batch_t), median(singles_t)


def main() -> None:
    server = _server_url()
    name = f"anjian_bench_incentives_{os.getpid()}"
    url = asyncio.run(_create_database(server, name))
    procs: list[subprocess.Popen] = []
    try:
        from services.suite import migrations_dir
        from shared.db.migrations import upgrade

        upgrade(migrations_dir("incentives"), url)
        t0 = time.perf_counter()
        key = asyncio.run(_fill(url))
        print(f"{N_ENTERPRISES} enterprises loaded in {time.perf_counter() - t0:.1f} s", flush=True)
        env = dict(
            os.environ,
            ANJIAN_INCENTIVES_DATABASE_URL=url,
            ANJIAN_LOG_LEVEL="WARNING",
            # The hourly measures refresh would make its first full pass over every enterprise during the run.
            ANJIAN_JOBS_ENABLED="false",
            ANJIAN_JWT_SIGNING_KEY="bench-signing-key-that-is-long-enough-0123456789",
            BENCH_DSN=make_url(url).set(drivername="postgresql").render_as_string(hide_password=False),
        )
        ours_port, bare_port = free_port(), free_port()
        procs.append(_start(["services.incentives.main:create_app", "--factory"], env, ours_port))
        procs.append(_start(["bench.incentives_partner:bare_app", "--factory"], env, bare_port))
        ours_body = httpx.get(
            f"http://127.0.0.1:{ours_port}/partner/v1/enterprises/{code(1)}", headers={"X-API-Key": key}
        )
        bare_body = httpx.get(f"http://127.0.0.1:{bare_port}/partner/v1/enterprises/{code(1)}")
        assert ours_body.status_code == 200 and ours_body.content == bare_body.content, (ours_body.text, bare_body.text)
        for port in (ours_port, bare_port):
            _load(port, key, 2)  # warm-up: pools, prepared statements, key cache
        ours, bare = [], []
        for _ in range(2):  # alternate, so that drift on a shared machine hits both
            bare.append(_load(bare_port, key, DURATION_S))
            ours.append(_load(ours_port, key, DURATION_S))
        batch_s, singles_s = _batch_vs_singles(ours_port, key)
        ratio = max(ours) / max(bare)
        print(
            table(
                f"partner lookup, {N_ENTERPRISES} enterprises, {WORKERS} worker(s), {CONNECTIONS} connections, "
                f"{'wrk' if shutil.which('wrk') else 'httpx'} {DURATION_S} s x2",
                [
                    ("bare Starlette + asyncpg", f"{max(bare):,.0f}", "1.00", ""),
                    ("incentives service", f"{max(ours):,.0f}", f"{ratio:.2f}", "goal >= 0.5"),
                ],
                ("app", "req/s (best of 2)", "ratio", ""),
            )
        )
        print(
            table(
                "batch check of 1,000 codes vs 1,000 single calls (one keep-alive connection, median of 5)",
                [
                    ("1,000 single GETs", f"{singles_s * 1000:.0f} ms", "1.0x", ""),
                    (
                        "one POST /partner/v1/checks",
                        f"{batch_s * 1000:.0f} ms",
                        f"{singles_s / batch_s:.1f}x",
                        "goal >= 20x",
                    ),
                ],
                ("calls", "time", "speed-up", ""),
            ),
            flush=True,
        )
    finally:
        for p in procs:
            _stop(p)
        asyncio.run(_drop_database(server, name))


if __name__ == "__main__":
    main()
