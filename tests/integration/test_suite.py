"""The embedded suite: every service's lifespan runs inside the suite's, and stops with it."""

import asyncio

import httpx
import pytest

from services.suite import SERVICE_NAMES, create_suite, migrate_all


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("ANJIAN_JWT_SIGNING_KEY", raising=False)
    return tmp_path / "data"


async def test_suite_starts_every_service_and_stops_cleanly(data_dir):
    await asyncio.to_thread(migrate_all, data_dir)
    suite = create_suite(data_dir, demo=False, console=False)
    async with suite:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=suite), base_url="http://suite") as c:
            for name in SERVICE_NAMES:
                ctx = suite.ctx(name)
                assert ctx.started and "relay" in ctx.runtime.tasks
                assert all(t.alive for t in ctx.runtime.tasks.values())
                assert all(con.sub is not None for con in ctx.consumers)
                r = await c.get(f"/{name}/health/ready")
                assert r.status_code == 200, r.text
                assert (await c.get(f"/{name}/openapi.json")).json()["openapi"].startswith("3.")
            assert (await c.get("/health")).status_code == 200
            r = await c.get("/no-such-service/x")
            assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
        tasks = [t.task for name in SERVICE_NAMES for t in suite.ctx(name).runtime.tasks.values()]
    assert all(t.done() for t in tasks)
    for name in SERVICE_NAMES:
        assert not suite.ctx(name).started
        assert all(con.sub is None for con in suite.ctx(name).consumers)


async def test_first_start_creates_the_documented_demo_accounts_once(data_dir):
    await asyncio.to_thread(migrate_all, data_dir)
    for _ in range(2):  # the second start finds the accounts and seeds nothing again
        suite = create_suite(data_dir, demo=True, console=False)
        async with suite:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=suite), base_url="http://suite") as c:
                r = await c.post("/auth/v1/token", data={"username": "admin", "password": "Anjian-admin-1"})
                assert r.status_code == 200, r.text
                token = r.json()["access_token"]
                r = await c.get("/registry/v1/users", headers={"Authorization": f"Bearer {token}"})
                names = [u["username"] for u in r.json()]
                assert names.count("admin") == 1 and {"officer", "officer2", "nanxun", "sanqiao"} <= set(names)
                assert names.count("sanqiao") == 1
                # The demo grid worker sees their village cell, its enterprises and the work done there.
                r = await c.post("/auth/v1/token", data={"username": "sanqiao", "password": "Anjian-sanqiao-1"})
                worker = {"Authorization": f"Bearer {r.json()['access_token']}"}
                [cell] = (await c.get("/grid/v1/cells", headers=worker)).json()["items"]
                assert (cell["name"], cell["level"]) == ("三桥村", 2)
                stats = (await c.get("/grid/v1/stats", headers=worker, params={"cell_id": cell["id"]})).json()
                assert stats["total"]["enterprises"] > 0
                plan = (await c.get("/grid/v1/inspection-plan", headers=worker, params={"due_only": "false"})).json()
                assert plan["total"] == stats["total"]["enterprises"]
                bad = await c.post("/auth/v1/token", data={"username": "admin", "password": "wrong"})
                assert bad.status_code == 401 and bad.json()["code"] == "invalid_credentials"
