"""The public lists are rate-limited per client address."""

import httpx

from services.registry import models
from shared.clock import ControlledClock
from shared.messaging.transport.inprocess import InProcessTransport
from shared.testing.fixtures import running
from tests.registry.conftest import START, make_app, problem


async def test_a_client_over_its_limit_gets_429_with_retry_after(db_factory):
    url = await db_factory.create("registry", models.metadata)
    app, settings = make_app(url, ControlledClock(START), InProcessTransport())
    settings.public_rate_limit_per_minute = 6  # a burst of one, then one every 10 seconds
    async with running(app) as client:
        assert (await client.get("/public/v1/blacklist")).status_code == 200
        r = await client.get("/public/v1/honour-roll")
        body = problem(r, 429, "rate_limited")
        assert int(r.headers["retry-after"]) >= 1 and "retry" in body["detail"]
        # A forwarded header is not trusted: the key is the connection's address.
        r = await client.get("/public/v1/blacklist", headers={"x-forwarded-for": "10.0.0.9"})
        assert r.status_code == 429
        # Another address has its own allowance.
        other = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("10.0.0.9", 40000)), base_url="http://t"
        )
        async with other:
            assert (await other.get("/public/v1/blacklist")).status_code == 200


async def test_public_lists_are_pages(registry):
    r = await registry.client.get("/public/v1/blacklist", params={"limit": 500})
    assert r.json() == {"items": [], "total": 0, "limit": 200, "offset": 0}
