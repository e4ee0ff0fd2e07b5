"""The transactional outbox: what commits is published, exactly; what rolls back never is."""

import asyncio

import pytest
from sqlalchemy import func, insert, select, update

from shared.messaging.outbox import DEAD, PENDING, PUBLISHED, OutboxRelay
from shared.messaging.transport.inprocess import InProcessTransport

from .conftest import TOPIC, PingV1, outbox, totals


async def leases(ctx):
    async with ctx.db.read() as s:
        return (await s.execute(select(outbox.metadata.tables["outbox_leases"]))).all()


async def rows(ctx, status=None):
    async with ctx.db.read() as s:
        q = select(outbox)
        if status:
            q = q.where(outbox.c.status == status)
        return (await s.execute(q.order_by(outbox.c.id))).all()


async def test_a_change_that_rolls_back_leaves_no_outbox_row(make_ctx, inprocess):
    ctx = make_ctx(inprocess, consume=False)
    with pytest.raises(RuntimeError):
        async with ctx.uow() as uow:
            await uow.session.execute(insert(totals).values(key="A", count=1))
            uow.publish(PingV1(uscc="A", n=1))
            raise RuntimeError("the use case failed after publishing")
    async with ctx.uow() as uow:
        uow.publish(PingV1(uscc="A", n=2))
        await uow.rollback()
    assert await rows(ctx) == []
    assert await ctx.relay.drain() == 0
    assert inprocess.messages(TOPIC) == []
    await ctx.db.dispose()


async def test_a_committed_change_publishes_exactly_its_events(make_ctx, transport):
    ctx = make_ctx(transport, consume=False)
    await transport.create_topics([TOPIC])
    sub = await transport.subscribe([TOPIC], "observer")
    async with ctx.uow() as uow:
        await uow.session.execute(insert(totals).values(key="B", count=0))
        sent = [uow.publish(PingV1(uscc="B", n=i)) for i in range(3)]
        await uow.commit()
    committed = await rows(ctx)
    assert [r.event_id for r in committed] == [e.id for e in sent]
    assert all(r.status == PENDING for r in committed)
    assert await ctx.relay.drain() == 3
    assert await ctx.relay.drain() == 0  # nothing twice
    got = []
    while len(got) < 3:
        got += await sub.fetch(10, 1.0)
    assert [d.message.header("ce_id") for d in got] == [e.id for e in sent]
    m = got[0].message
    assert m.key == b"B" and m.header("ce_type") == "test.ping.v1" and m.header("ce_subject") == "B"
    assert m.header("ce_source") == "/services/platformtest" and m.header("content-type") == "application/json"
    assert all(r.status == PUBLISHED and r.published_at for r in await rows(ctx))
    await sub.close()
    await ctx.db.dispose()


async def test_relay_keeps_per_key_order_when_a_row_is_backing_off(make_ctx, inprocess, clock):
    ctx = make_ctx(inprocess, consume=False)
    ctx.relay.clock = clock
    for n in range(3):
        async with ctx.uow() as uow:
            uow.publish(PingV1(uscc="K", n=n))
            uow.publish(PingV1(uscc=f"other{n}", n=n))
            await uow.commit()
    first = (await rows(ctx))[0]
    async with ctx.db.session() as s:  # the first row of key K waits for a retry
        await s.execute(
            update(outbox).where(outbox.c.id == first.id).values(available_at=clock.now().replace(year=2100))
        )
        await s.commit()
    await ctx.relay.drain()
    published_keys = [m.key for m in inprocess.messages(TOPIC)]
    assert b"K" not in published_keys, "a later row of K went out before the earlier one"
    assert sorted(published_keys) == [b"other0", b"other1", b"other2"]
    async with ctx.db.session() as s:
        await s.execute(update(outbox).where(outbox.c.id == first.id).values(available_at=None))
        await s.commit()
    await ctx.relay.drain()
    ks = [
        int(m.value.split(b'"n":')[1].split(b"}")[0].split(b",")[0]) for m in inprocess.messages(TOPIC) if m.key == b"K"
    ]
    assert ks == [0, 1, 2]
    await ctx.db.dispose()


async def test_a_row_that_cannot_be_serialized_is_dead_lettered_and_redriven(make_ctx, inprocess):
    ctx = make_ctx(inprocess, consume=False)
    async with ctx.uow() as uow:
        uow.publish(PingV1(uscc="D", n=1))
        uow.publish(PingV1(uscc="E", n=2))
        await uow.commit()
    bad = (await rows(ctx))[0]
    async with ctx.db.session() as s:
        await s.execute(update(outbox).where(outbox.c.id == bad.id).values(payload=b"{not json"))
        await s.commit()
    assert await ctx.relay.drain() == 1
    dead = await rows(ctx, DEAD)
    assert [r.id for r in dead] == [bad.id] and "cannot serialize" in dead[0].last_error
    b = await ctx.relay.backlog()
    assert b.dead == 1 and b.pending == 0
    async with ctx.db.session() as s:  # an operator repairs the row, then redrives it
        await s.execute(update(outbox).where(outbox.c.id == bad.id).values(payload=b'{"uscc": "D", "n": 1}'))
        await s.commit()
    assert await ctx.relay.redrive() == 1
    assert await ctx.relay.drain() == 1
    assert len(inprocess.messages(TOPIC)) == 2
    await ctx.db.dispose()


async def test_transport_errors_are_retried_until_the_transport_is_back(make_ctx, inprocess, clock):
    ctx = make_ctx(inprocess, consume=False)
    ctx.relay.clock = clock
    async with ctx.uow() as uow:
        uow.publish(PingV1(uscc="F", n=1))
        await uow.commit()
    inprocess.down = True
    from shared.messaging.transport import TransportError

    with pytest.raises(TransportError):
        await ctx.relay.run_once()
    (row,) = await rows(ctx)
    assert row.status == PENDING and row.attempts == 1 and row.available_at > clock.now()
    assert await leases(ctx) == []
    assert "down" in row.last_error
    inprocess.down = False
    clock.advance(__import__("datetime").timedelta(minutes=1))
    assert await ctx.relay.drain() == 1
    await ctx.db.dispose()


async def test_two_relays_never_publish_a_row_twice_or_out_of_order(make_ctx, db_factory):
    transport = InProcessTransport()
    ctx = make_ctx(transport, consume=False)
    for batch in range(20):
        async with ctx.uow() as uow:
            for i in range(25):
                uow.publish(PingV1(uscc=f"k{i % 4}", n=batch * 25 + i))
            await uow.commit()
    other = OutboxRelay(db=ctx.db, table=outbox, transport=transport, service="platformtest", batch_size=37)
    ctx.relay.batch_size = 23
    await asyncio.gather(ctx.relay.drain(), other.drain(), ctx.relay.drain())
    msgs = transport.messages(TOPIC)
    assert len(msgs) == 500
    assert len({m.header("ce_id") for m in msgs}) == 500
    for k in range(4):
        ns = [int(m.value.split(b'"n":')[1].split(b",")[0].split(b"}")[0]) for m in msgs if m.key == f"k{k}".encode()]
        assert ns == sorted(ns)
    async with ctx.db.read() as s:
        assert (await s.execute(select(func.count()).where(outbox.c.status == PUBLISHED))).scalar() == 500
    assert await leases(ctx) == []
    await ctx.db.dispose()
