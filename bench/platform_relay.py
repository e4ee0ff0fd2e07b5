"""Relay throughput: outbox -> Kafka (Tansu) against raw aiokafka publishing of the same messages.

Goal (issue 2): the relay reaches at least 0.5 of raw publishing. Both run in the same process
against the same broker, so the ratio holds on a noisy machine where absolute rates do not.
"""

from __future__ import annotations

import asyncio
import time

from aiokafka import AIOKafkaProducer

from bench._platform import TOPIC, BenchEventV1, BenchSettings, Databases, outbox, pg_available, spec
from bench.common import table
from shared.messaging.outbox import row_message
from shared.messaging.transport.kafka import KafkaTransport
from shared.service import ServiceContext
from shared.testing.broker import TansuBroker

N = 50_000
KEYS = 500


async def fill(ctx: ServiceContext, n: int) -> None:
    batch = 1000
    for start in range(0, n, batch):
        async with ctx.uow() as uow:
            for i in range(start, min(n, start + batch)):
                uow.publish(BenchEventV1(uscc=f"9133050{i % KEYS:011d}", n=i, payload="x" * 120))
            await uow.commit()


async def raw_publish(bootstrap: str, messages) -> float:
    p = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5, max_batch_size=256 * 1024)
    await p.start()
    try:
        t0 = time.perf_counter()
        futs = [await p.send(m.topic, m.value, key=m.key, headers=list(m.headers)) for m in messages]
        await asyncio.gather(*futs)
        return time.perf_counter() - t0
    finally:
        await p.stop()


async def one(db_url: str, label: str, broker: TansuBroker) -> tuple:
    transport = KafkaTransport(broker.bootstrap, enable_idempotence=False, linger_ms=5)
    await transport.start()
    await transport.create_topics([TOPIC])
    ctx = ServiceContext(spec(), BenchSettings(database_url=db_url, log_json=False), transport=transport)
    await fill(ctx, N)
    async with ctx.db.read() as s:
        from sqlalchemy import select

        messages = [row_message(r) for r in (await s.execute(select(outbox).order_by(outbox.c.id))).all()]
    raw_s = await raw_publish(broker.bootstrap, messages)  # the same messages, straight to the broker
    t0 = time.perf_counter()
    published = await ctx.relay.drain()
    relay_s = time.perf_counter() - t0
    assert published == N, published
    await transport.stop()
    await ctx.db.dispose()
    raw_rate, relay_rate = N / raw_s, N / relay_s
    return (label, f"{raw_rate:,.0f}", f"{relay_rate:,.0f}", f"{relay_rate / raw_rate:.2f}")


async def run() -> None:
    broker = TansuBroker().start()
    dbs = Databases()
    rows = []
    try:
        rows.append(await one(await dbs.sqlite("relay"), "SQLite", broker))
        pg = await pg_available()
        if pg:
            rows.append(await one(await dbs.postgres(pg, "relay"), "PostgreSQL", broker))
    finally:
        await dbs.cleanup()
        broker.stop()
    print(
        table(
            f"Relay throughput, {N:,} events of ~200 bytes over {KEYS} keys, Tansu broker (goal: ratio >= 0.5)",
            rows,
            ("outbox database", "raw aiokafka ev/s", "relay ev/s", "relay / raw"),
        )
    )


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
