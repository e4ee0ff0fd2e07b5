"""Service lifespans start and stop the relay and consumers; readiness reports a dead task."""

import asyncio

from shared.api.app import create_service_app
from shared.testing.fixtures import running, settings_for

from .conftest import PingV1, PlatformSettings, make_spec, total


async def test_lifespan_starts_and_stops_relay_and_consumers(platform_db, inprocess):
    settings = settings_for(PlatformSettings, platform_db)
    app = create_service_app(spec=make_spec(), settings=settings, routers=[], title="t", transport=inprocess)
    ctx = app.state.ctx
    async with running(app) as client:
        assert set(ctx.runtime.tasks) == {"relay", "consumer:platformtest"}
        assert all(t.alive for t in ctx.runtime.tasks.values())
        r = await client.get("/platformtest/health/ready")
        assert r.status_code == 200 and r.json()["tasks"]["relay"]["alive"] is True
        async with ctx.uow() as uow:  # the running relay and consumer carry an event end to end
            uow.publish(PingV1(uscc="L", n=1))
            await uow.commit()
        for _ in range(200):
            if await total(ctx, "L") == 1:
                break
            await asyncio.sleep(0.01)
        assert await total(ctx, "L") == 1
        tasks = [t.task for t in ctx.runtime.tasks.values()]
    assert all(t.done() for t in tasks), "background tasks outlived the lifespan"
    assert ctx.runtime.tasks == {} and ctx.consumers[0].sub is None


async def test_ready_turns_false_when_a_background_task_dies(platform_db, inprocess):
    settings = settings_for(PlatformSettings, platform_db)
    app = create_service_app(spec=make_spec(), settings=settings, routers=[], title="t", transport=inprocess)
    ctx = app.state.ctx
    async with running(app) as client:
        assert (await client.get("/platformtest/health/ready")).status_code == 200

        async def crash():
            raise RuntimeError("consumer blew up")

        ctx.runtime.spawn("doomed", crash)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        r = await client.get("/platformtest/health/ready")
        assert r.status_code == 503
        body = r.json()
        assert body["status"] == "unavailable"
        assert body["tasks"]["doomed"] == {"alive": False, "error": "RuntimeError('consumer blew up')"}
        assert (await client.get("/platformtest/health/live")).status_code == 200


async def test_ready_reports_the_outbox_backlog_and_its_age(platform_db, inprocess):
    settings = settings_for(PlatformSettings, platform_db)
    app = create_service_app(
        spec=make_spec(consume=False), settings=settings, routers=[], title="t", transport=inprocess, background=False
    )
    ctx = app.state.ctx
    async with running(app) as client:
        async with ctx.uow() as uow:
            uow.publish(PingV1(uscc="M", n=1))
            await uow.commit()
        body = (await client.get("/platformtest/health/ready")).json()
        assert body["outbox"]["pending"] == 1 and body["outbox"]["oldest_age_s"] >= 0
        await ctx.relay.drain()
        body = (await client.get("/platformtest/health/ready")).json()
        assert body["outbox"] == {"pending": 0, "dead": 0, "oldest_age_s": None}
        metrics = (await client.get("/platformtest/metrics")).text
        assert 'anjian_outbox_published_total{service="platformtest"}' in metrics
