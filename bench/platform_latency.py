"""Commit-to-consume latency, p50 and p99, in-process and on Kafka (Tansu), at 100 and 1,000 events/s.

Each event's clock starts when its transaction commits and stops when a consumer's handler sees
it (relay woken by the commit, broker, consumer, inbox, handler). Goal (issue 2): p99 under 200 ms
on Kafka. The in-process figures are the baseline of the same run.
"""

from __future__ import annotations

import asyncio
import time

from bench._platform import BenchEventV1, BenchSettings, Databases, pg_available, spec
from bench.common import percentile, table
from shared.messaging.dispatcher import Handlers
from shared.messaging.transport.inprocess import InProcessTransport
from shared.messaging.transport.kafka import KafkaTransport
from shared.service import ServiceContext
from shared.testing.broker import TansuBroker

DURATION_S = 5.0


async def measure(db_url: str, transport, rate: int) -> list[float]:
    committed: dict[int, float] = {}
    latencies: list[float] = []
    handlers = Handlers()

    @handlers.on(BenchEventV1)
    async def on_event(uow, event, data: BenchEventV1) -> None:
        t = committed.get(data.n)
        if t is not None:
            latencies.append(time.perf_counter() - t)

    settings = BenchSettings(database_url=db_url, log_json=False, log_level="WARNING", relay_poll_interval_s=1.0)
    ctx = ServiceContext(spec(handlers), settings, transport=transport)
    await ctx.start(background=True)
    # Warm up: the consumer joins its group and the first fetch completes before timing starts.
    warm = -1
    async with ctx.uow() as uow:
        uow.publish(BenchEventV1(uscc="warmup", n=warm))
        await uow.commit()
    committed[warm] = time.perf_counter()
    while not latencies:
        await asyncio.sleep(0.01)
    latencies.clear()

    per_tick = max(1, rate // 100)  # commit every 10 ms; 1 event per commit at 100/s, 10 at 1,000/s
    total = int(rate * DURATION_S)
    n = 0
    start = time.perf_counter()
    while n < total:
        async with ctx.uow() as uow:
            batch = list(range(n, min(total, n + per_tick)))
            for i in batch:
                uow.publish(BenchEventV1(uscc=f"91330500{i % 97:010d}", n=i))
            await uow.commit()
        now = time.perf_counter()
        for i in batch:
            committed[i] = now
        n += len(batch)
        next_at = start + n / rate
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
    deadline = time.perf_counter() + 30
    while len(latencies) < total and time.perf_counter() < deadline:
        await asyncio.sleep(0.02)
    await ctx.stop()
    if len(latencies) < total:
        raise RuntimeError(f"only {len(latencies)} of {total} events arrived")
    return latencies


async def run() -> None:
    dbs = Databases()
    pg = await pg_available()
    rows = []
    try:
        for rate in (100, 1000):
            for name in ("in-process", "kafka"):
                broker = None
                if name == "kafka":
                    broker = TansuBroker().start()
                    transport = KafkaTransport(
                        broker.bootstrap,
                        enable_idempotence=False,
                        fetch_max_wait_ms=20,
                        session_timeout_ms=6000,
                        heartbeat_interval_ms=500,
                        linger_ms=2,
                    )
                    await transport.start()
                else:
                    transport = InProcessTransport()
                url = await (dbs.postgres(pg, "lat") if pg else dbs.sqlite("lat"))
                try:
                    lat = await measure(url, transport, rate)
                finally:
                    await transport.stop()
                    if broker:
                        broker.stop()
                p50, p99 = percentile(lat, 50) * 1000, percentile(lat, 99) * 1000
                rows.append((f"{rate:,}/s", name, len(lat), f"{p50:.1f}", f"{p99:.1f}", f"{max(lat) * 1000:.1f}"))
    finally:
        await dbs.cleanup()
    db = "PostgreSQL" if pg else "SQLite"
    print(
        table(
            f"Commit-to-consume latency ({db} outbox and inbox, {DURATION_S:.0f} s per row; goal: Kafka p99 < 200 ms)",
            rows,
            ("rate", "transport", "events", "p50 ms", "p99 ms", "max ms"),
        )
    )


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
