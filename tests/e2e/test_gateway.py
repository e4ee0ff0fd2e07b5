"""The gateway (services/gateway.py): the console and one base URL in front of services running alone.

The four service apps run as real HTTP servers on free ports (uvicorn, in a thread with its own event
loop, over one in-process transport); the gateway runs in the test, in-process or on uvicorn where the
wire matters (streaming both ways).
"""

from __future__ import annotations

import asyncio
import csv
import io
import random
import socket
import threading
import time
from contextlib import asynccontextmanager

import httpx
import orjson
import pytest
import uvicorn
from pydantic import ValidationError

from services import suite as suite_mod
from services.gateway import PREFIXES, SERVER_OPTIONS, Gateway, GatewaySettings
from shared.testing.broker import free_port
from shared.testing.fixtures import running

PROBLEM = "application/problem+json"


class Servers:
    """ASGI apps served by uvicorn on free ports, in a thread with its own event loop."""

    def __init__(self, make_apps, after_start=None) -> None:
        self.make_apps, self.after_start = make_apps, after_start
        self.apps: dict = {}
        self.urls: dict[str, str] = {}
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="upstreams", daemon=True)

    def start(self) -> Servers:
        self._thread.start()
        if not self._ready.wait(120):
            raise AssertionError("the upstream servers did not start in 120 s")
        if self._error is not None:
            raise AssertionError(f"the upstream servers failed to start: {self._error!r}")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(60)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # reported to start()
            self._error = exc
            self._ready.set()

    async def _main(self) -> None:
        self._loop, self._stopping = asyncio.get_running_loop(), asyncio.Event()
        self.apps = self.make_apps()
        servers = {}
        for name, app in self.apps.items():
            port = free_port()
            servers[name] = uvicorn.Server(
                uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="on", log_config=None, access_log=False)
            )
            self.urls[name] = f"http://127.0.0.1:{port}"
        tasks = [asyncio.create_task(s.serve()) for s in servers.values()]
        try:
            while not all(s.started for s in servers.values()):
                if any(t.done() for t in tasks):
                    raise RuntimeError("a server stopped while starting")
                await asyncio.sleep(0.05)
            if self.after_start is not None:
                await self.after_start(self.apps)
            self._ready.set()
            await self._stopping.wait()
        finally:
            for s in servers.values():
                s.should_exit = True
            await asyncio.gather(*tasks, return_exceptions=True)


class Echo:
    """An upstream that answers with what it received, and streams slowly on request."""

    def __init__(self) -> None:
        self.first_chunk = threading.Event()
        self.release = threading.Event()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        path = scope["path"]
        if path.endswith("/stream"):
            # The second half waits for the client to hold the first: only a streaming gateway passes it on.
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"first|", "more_body": True})
            released = await asyncio.to_thread(self.release.wait, 10)
            await send({"type": "http.response.body", "body": b"second" if released else b"TIMEOUT"})
            return
        size = chunks = 0
        while True:
            message = await receive()
            if message.get("body"):
                size, chunks = size + len(message["body"]), chunks + 1
                self.first_chunk.set()
            if not message.get("more_body"):
                break
        body = orjson.dumps(
            {
                "method": scope["method"],
                "raw_path": scope["raw_path"].decode(),
                "query_string": scope["query_string"].decode(),
                "headers": [[k.decode(), v.decode()] for k, v in scope["headers"]],
                "size": size,
            }
        )
        headers = [
            (b"content-type", b"application/json"),
            (b"etag", b'"7"'),
            (b"x-upstream", b"echo"),
            (b"set-cookie", b"a=1; Path=/"),
            (b"keep-alive", b"timeout=5"),
        ]
        await send({"type": "http.response.start", "status": 201, "headers": headers})
        await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def upstreams(tmp_path_factory):
    """The four services on their own ports (SQLite in a fresh folder, demo accounts), and an echo."""
    data_dir = tmp_path_factory.mktemp("gateway-data")
    suite_mod.migrate_all(data_dir)
    echo = Echo()

    def make_apps():
        from shared.messaging.transport.inprocess import InProcessTransport

        transport = InProcessTransport()
        apps = {
            name: suite_mod.service_module(name).create_app(
                suite_mod.service_settings(name, data_dir, log_json=False), transport=transport
            )
            for name in suite_mod.SERVICE_NAMES
        }
        apps["echo"] = echo
        return apps

    async def seed(apps):
        from services.demo import seed_accounts

        await seed_accounts(apps["registry"].state.ctx)

    servers = Servers(make_apps, seed).start()
    servers.echo = echo
    yield servers
    servers.stop()


def settings_for(upstreams, **overrides) -> GatewaySettings:
    urls = {f"{name}_url": upstreams.urls[name] for name in PREFIXES}
    return GatewaySettings(**{**urls, "log_json": False, **overrides})


@asynccontextmanager
async def gateway(upstreams, **overrides):
    """The gateway in-process (its lifespan run), with a client bound to it."""
    async with running(Gateway(settings_for(upstreams, **overrides))) as client:
        yield client


@asynccontextmanager
async def served(app):
    """An app on uvicorn on a free port, in this event loop; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False, **SERVER_OPTIONS)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not task.done(), "the gateway did not start"
            await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def sign_in(client, username="officer", password="Anjian-officer-1") -> dict[str, str]:
    r = await client.post("/auth/v1/token", data={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def assert_problem(r: httpx.Response, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM), r.headers
    body = r.json()
    assert body["status"] == status and body["code"] == code, body
    assert body["type"] and body["title"] and body["detail"], body
    return body


def test_the_gateway_routes_the_prefixes_the_services_own(upstreams):
    for name in suite_mod.SERVICE_NAMES:
        assert PREFIXES[name] == tuple(upstreams.apps[name].state.path_prefixes), name


async def test_every_prefix_reaches_the_service_that_owns_it(upstreams):
    async with gateway(upstreams) as c:
        for name in suite_mod.SERVICE_NAMES:
            r = await c.get(f"/{name}/openapi.json")
            assert r.status_code == 200 and r.json()["info"]["title"] == f"anjian {name}", r.text[:200]
            r = await c.get(f"/{name}/health/ready")
            assert r.status_code == 200 and r.json()["service"] == name, r.text
        staff = await sign_in(c)  # /auth -> registry
        r = await c.get("/public/v1/blacklist")  # /public -> registry
        assert r.status_code == 200 and "items" in r.json(), r.text
        r = await c.get("/partner/v1/enterprises/91330100799655058B")  # /partner -> incentives, needs a key
        assert_problem(r, 401, "missing_api_key")
        for path in ("/registry/v1/enterprises", "/grid/v1/cells", "/hazard/v1/hazards", "/incentives/v1/measures"):
            r = await c.get(path, headers=staff)
            assert r.status_code == 200, (path, r.text[:300])
        r = await c.get("/hazard/v1/nothing-here", headers=staff)
        assert_problem(r, 404, "not_found")  # the hazard service's own 404, passed through
        r = await c.get("/registry/v1/enterprises/", headers=staff)  # the service's slash redirect names the gateway
        assert r.status_code == 307 and r.headers["location"] == "http://testserver/registry/v1/enterprises"


async def test_the_console_and_the_root_redirect(upstreams):
    async with gateway(upstreams) as c:
        r = await c.get("/")
        assert r.status_code == 307 and r.headers["location"] == "/console/"
        r = await c.get("/console")
        assert r.status_code == 307 and r.headers["location"] == "/console/"
        r = await c.get("/console/")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), r.text[:200]
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-request-id"] and r.headers["date"]
        r = await c.get("/console/templates/enterprises.csv")
        assert r.status_code == 200 and "统一社会信用代码" in r.content.decode("utf-8-sig")


async def test_an_unknown_first_segment_is_a_404_problem(upstreams):
    async with gateway(upstreams) as c:
        for path in ("/nothing", "/registryx/v1/enterprises", "/gateway/nothing", "/v1/enterprises"):
            body = assert_problem(await c.get(path), 404, "not_found")
            assert path in body["detail"]


async def test_a_spreadsheet_import_streams_through_the_gateway_to_the_registry(upstreams):
    from services.console.app import TEMPLATES
    from services.registry.domain.uscc import generate_uscc

    header, example = TEMPLATES["enterprises"]
    rng = random.Random(20260101)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    codes = []
    for i in range(1500):
        codes.append(generate_uscc(rng, division_code="330503"))
        writer.writerow([codes[-1], f"网关导入测试{i}有限公司", *example[2:]])
    data = out.getvalue().encode("utf-8")
    boundary = "anjian-gateway-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="enterprises.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    sent = []

    async def body():  # no Content-Length: the upload goes out chunked, piece by piece
        for part in (head, *(data[i : i + 32768] for i in range(0, len(data), 32768)), f"\r\n--{boundary}--\r\n"):
            sent.append(part)
            yield part if isinstance(part, bytes) else part.encode()

    async with gateway(upstreams) as c:
        staff = await sign_in(c)
        r = await c.post(
            "/registry/v1/imports",
            content=body(),
            headers={**staff, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert r.status_code == 202, r.text
        assert len(sent) > 10
        job_id = r.json()["id"]
        deadline = time.monotonic() + 120
        while True:
            job = (await c.get(f"/registry/v1/imports/{job_id}", headers=staff)).json()
            if job["status"] in ("done", "failed"):
                break
            assert time.monotonic() < deadline, job
            await asyncio.sleep(0.2)
        assert job["status"] == "done" and job["succeeded_rows"] == 1500, job
        r = await c.get(f"/registry/v1/enterprises/{codes[-1]}", headers=staff)
        assert r.status_code == 200 and r.json()["name"] == "网关导入测试1499有限公司"


async def test_staff_headers_pass_both_ways(upstreams):
    from services.registry.domain.uscc import generate_uscc

    uscc = generate_uscc(random.Random(), division_code="330503")
    enterprise = {
        "uscc": uscc,
        "name": "网关测试有限公司",
        "legal_representative": "钱七",
        "division_code": "330503",
        "township": "旧馆镇",
        "village": "三桥村",
        "address": "湖州市南浔区旧馆镇",
        "category": "general",
        "scale": "small",
        "employees": 8,
    }
    async with gateway(upstreams) as c:
        staff = await sign_in(c)
        assert_problem(await c.post("/registry/v1/enterprises", json=enterprise), 401, "unauthorized")
        key = {**staff, "Idempotency-Key": f"gw-{uscc}"}
        first = await c.post("/registry/v1/enterprises", json=enterprise, headers=key)
        assert first.status_code == 201 and first.headers["etag"] == '"1"', first.text
        again = await c.post("/registry/v1/enterprises", json=enterprise, headers=key)
        assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()
        r = await c.get(f"/registry/v1/enterprises/{uscc}", headers={**staff, "X-Request-ID": "gw-test-rid-1"})
        assert r.headers["etag"] == '"1"'
        assert r.headers.get_list("x-request-id") == ["gw-test-rid-1"]  # the service's, the same id
        url = f"/registry/v1/enterprises/{uscc}"
        assert_problem(await c.patch(url, json={"employees": 9}, headers=staff), 428, "precondition_required")
        stale = await c.patch(url, json={"employees": 9}, headers={**staff, "If-Match": '"5"'})
        assert_problem(stale, 412, "version_mismatch")
        r = await c.patch(url, json={"employees": 9}, headers={**staff, "If-Match": '"1"'})
        assert r.status_code == 200 and r.headers["etag"] == '"2"' and r.json()["employees"] == 9, r.text


async def test_the_request_as_the_service_receives_it(upstreams):
    """Path and query as sent, the client's headers without hop-by-hop ones, X-Forwarded-* set."""
    async with gateway(upstreams, registry_url=upstreams.urls["echo"]) as c:
        r = await c.post(
            "/registry/echo/a%2Fb?q=%E6%B9%96%E5%B7%9E&a=1&a=2",
            content=b"hello",
            headers={
                "Authorization": "Bearer abc",
                "X-API-Key": "key-1",
                "X-Forwarded-For": "203.0.113.9",
                "X-Forwarded-Host": "evil.example",
                "Connection": "keep-alive, X-Hop",
                "X-Hop": "dropped",
                "Proxy-Authorization": "Basic dropped",
                "X-Custom": "kept",
            },
        )
        assert r.status_code == 201, r.text
        seen = r.json()
        headers = dict(seen["headers"])
        assert seen["method"] == "POST" and seen["size"] == 5
        assert seen["raw_path"] == "/registry/echo/a%2Fb"
        assert seen["query_string"] == "q=%E6%B9%96%E5%B7%9E&a=1&a=2"
        assert headers["authorization"] == "Bearer abc" and headers["x-api-key"] == "key-1"
        assert headers["x-custom"] == "kept"
        assert "x-hop" not in headers and "proxy-authorization" not in headers
        assert headers["x-forwarded-for"] == "203.0.113.9, 127.0.0.1"  # the hop the gateway saw, appended
        assert headers["x-forwarded-proto"] == "http"
        assert headers["host"] == headers["x-forwarded-host"] == "testserver"
        assert headers["x-request-id"]  # made by the gateway when the client sends none
        # The answer comes back as the service gave it, minus its hop-by-hop headers.
        assert r.headers["etag"] == '"7"' and r.headers["x-upstream"] == "echo"
        assert r.headers["set-cookie"] == "a=1; Path=/"
        assert "keep-alive" not in r.headers


async def test_bodies_stream_both_ways_through_the_gateway(upstreams):
    echo = upstreams.echo
    echo.first_chunk.clear()
    echo.release.clear()
    app = Gateway(settings_for(upstreams, registry_url=upstreams.urls["echo"]))
    async with served(app) as base, httpx.AsyncClient(base_url=base, timeout=30) as c:
        arrived_before_the_rest = []

        async def upload():
            yield b"x" * 1000
            # The service holds the first piece before the client sends the second.
            arrived_before_the_rest.append(await asyncio.to_thread(echo.first_chunk.wait, 10))
            yield b"y" * 1000

        r = await c.post("/registry/upload", content=upload())
        assert r.status_code == 201 and r.json()["size"] == 2000
        assert arrived_before_the_rest == [True]

        async with c.stream("GET", "/registry/stream") as r:
            assert r.status_code == 200
            chunks = r.aiter_raw()
            assert await chunks.__anext__() == b"first|"  # before the service has finished its answer
            echo.release.set()
            rest = b"".join([chunk async for chunk in chunks])
        assert rest == b"second"
        assert len(r.headers.get_list("date")) == 1 and len(r.headers.get_list("server")) == 1  # the service's


async def test_a_service_that_is_down_is_a_502_problem_and_the_gateway_not_ready(upstreams):
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    async with gateway(upstreams, hazard_url=dead) as c:
        body = assert_problem(await c.get("/hazard/v1/hazards"), 502, "upstream_unavailable")
        assert "hazard" in body["detail"] and body["service"] == "hazard" and body["request_id"]
        assert (await c.get("/registry/health/ready")).status_code == 200  # the others still answer
        r = await c.get("/gateway/health/ready")
        assert r.status_code == 503, r.text
        states = r.json()
        assert states["status"] == "unavailable"
        assert states["upstreams"]["hazard"]["ready"] is False and states["upstreams"]["hazard"]["error"]
        assert all(states["upstreams"][n]["ready"] for n in ("registry", "grid", "incentives")), states
        assert (await c.get("/gateway/health/live")).status_code == 200
        assert (await c.get("/health")).status_code == 503


async def test_a_service_that_does_not_answer_is_a_504_problem(upstreams):
    silent = socket.socket()  # accepts connections (the backlog) and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        async with gateway(upstreams, grid_url=url, read_timeout_s=0.5) as c:
            body = assert_problem(await c.get("/grid/v1/cells"), 504, "upstream_timeout")
            assert "grid" in body["detail"]
    finally:
        silent.close()


async def test_the_gateway_is_ready_when_every_service_is(upstreams):
    async with gateway(upstreams) as c:
        r = await c.get("/gateway/health/ready")
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "ok"
        for name in suite_mod.SERVICE_NAMES:
            state = r.json()["upstreams"][name]
            assert state["ready"] is True and state["status_code"] == 200 and state["url"] == upstreams.urls[name]
        r = await c.get("/health")  # the suite's aggregate, the same URL
        assert r.status_code == 200 and set(r.json()) == set(suite_mod.SERVICE_NAMES)
        text = (await c.get("/metrics")).text
        assert 'anjian_http_requests_total{method="GET",route="/gateway/health/ready",service="gateway"' in text


def test_upstream_urls_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("ANJIAN_GATEWAY_HAZARD_URL", "http://hazard:8003/")
    monkeypatch.setenv("ANJIAN_LOG_LEVEL", "WARNING")
    s = GatewaySettings()
    assert s.upstreams() == {
        "registry": "http://127.0.0.1:8001",
        "grid": "http://127.0.0.1:8002",
        "hazard": "http://hazard:8003",
        "incentives": "http://127.0.0.1:8004",
    }
    assert s.log_level == "WARNING"
    monkeypatch.setenv("ANJIAN_GATEWAY_GRID_URL", "grid:8002")
    with pytest.raises(ValidationError):
        GatewaySettings()
