"""The gateway: the console and every service's paths on one base URL in front of distributed services.

Embedded, ``services/suite.py`` routes paths by prefix to the service apps in one process. Distributed,
each service runs alone (ports 8001-8004) and this app routes the same prefixes to them over HTTP, so
the same URLs work on port 8000 in both modes: ``/registry``, ``/auth``, ``/public`` -> registry;
``/grid``; ``/hazard``; ``/incentives``, ``/partner`` -> incentives; ``/console`` is served here; ``/``
redirects to the console. Requests and answers are streamed through (an upload is never held whole),
over one pool of keep-alive connections. The gateway checks nothing itself: every service verifies its
own tokens and keys, as it does when called directly.
"""

from __future__ import annotations

import asyncio
import time
from email.utils import formatdate
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any
from urllib.parse import quote

import httpx
import orjson
from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared import metrics
from shared.api.middleware import _SAFE_ID
from shared.api.problems import problem
from shared.ids import new_id
from shared.logging import configure_logging, get_logger, request_id_var

log = get_logger("anjian.gateway")

#: The path prefixes each service owns: its ``ServiceSpec.path_prefixes``, which the embedded suite
#: routes by (kept here so that the gateway imports no service; a test holds the two equal).
PREFIXES: dict[str, tuple[str, ...]] = {
    "registry": ("/registry", "/auth", "/public"),
    "grid": ("/grid",),
    "hazard": ("/hazard",),
    "incentives": ("/incentives", "/partner"),
}
CONSOLE_PREFIX = "/console"

#: Headers that belong to one connection, never forwarded (RFC 9110 7.6.1), and ``expect``: the
#: gateway answers ``100-continue`` to its client itself.
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"expect",
    }
)
_REQUEST_ID = b"x-request-id"
_SET_BY_GATEWAY = frozenset({b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host", _REQUEST_ID})


#: How the gateway's server must run: the services' answers pass through with their own ``date`` and
#: ``server`` headers, so the server adds none (``_OwnResponse`` dates the gateway's own answers).
SERVER_OPTIONS: dict[str, Any] = {"date_header": False, "server_header": False}


class GatewaySettings(BaseSettings):
    """Gateway settings (env prefix ``ANJIAN_GATEWAY_``; the log settings fall back to ``ANJIAN_``)."""

    model_config = SettingsConfigDict(
        env_prefix="ANJIAN_GATEWAY_", extra="ignore", populate_by_name=True, use_attribute_docstrings=True
    )

    registry_url: str = "http://127.0.0.1:8001"
    """Base URL of the registry service (``/registry``, ``/auth``, ``/public``)."""
    grid_url: str = "http://127.0.0.1:8002"
    """Base URL of the grid service (``/grid``)."""
    hazard_url: str = "http://127.0.0.1:8003"
    """Base URL of the hazard service (``/hazard``)."""
    incentives_url: str = "http://127.0.0.1:8004"
    """Base URL of the incentives service (``/incentives``, ``/partner``)."""
    connect_timeout_s: float = 5.0
    """How long connecting to a service may take before the answer is 504."""
    read_timeout_s: float = 120.0
    """Longest wait for the next bytes of a service's answer before the answer is 504 (imports, batch checks)."""
    write_timeout_s: float = 120.0
    """Longest wait to hand the next bytes of a request to a service."""
    pool_timeout_s: float = 10.0
    """Longest wait for a free connection when the pool is full."""
    max_connections: int = 200
    """Connections to the services, all of them together."""
    max_keepalive_connections: int = 50
    """Idle connections kept open for reuse."""
    keepalive_expiry_s: float = 4.0
    """Idle connections close after this; below uvicorn's 5 s keep-alive so the gateway never reuses one a
    service is closing."""
    ready_timeout_s: float = 3.0
    """Timeout of each service's readiness probe (``/gateway/health/ready``, ``/health``)."""
    log_level: str = Field(
        "INFO", validation_alias=AliasChoices("log_level", "ANJIAN_GATEWAY_LOG_LEVEL", "ANJIAN_LOG_LEVEL")
    )
    """Log level."""
    log_json: bool = Field(
        True, validation_alias=AliasChoices("log_json", "ANJIAN_GATEWAY_LOG_JSON", "ANJIAN_LOG_JSON")
    )
    """JSON logs (one object per line) instead of console output."""

    @field_validator("registry_url", "grid_url", "hazard_url", "incentives_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        url = httpx.URL(value)
        if url.scheme not in ("http", "https") or not url.host or url.query:
            raise ValueError(f"an upstream must be an http(s) base URL without a query, got {value!r}")
        return value.rstrip("/")

    def upstreams(self) -> dict[str, str]:
        """The base URL of every service by name."""
        return {name: getattr(self, f"{name}_url") for name in PREFIXES}


class _ClientGone(Exception):
    """The client disconnected while its request body was being forwarded."""


class Gateway:
    """An ASGI app that serves the console and forwards every other path to the service that owns it."""

    def __init__(
        self,
        settings: GatewaySettings | None = None,
        *,
        console: Any = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings or GatewaySettings()
        self.upstreams = self.settings.upstreams()
        if console is None:
            from services.console.app import create_console

            console = create_console()
        self.console = console
        # Longest prefix first, as the suite matches them.
        self.routes = sorted(
            ((prefix, name) for name, prefixes in PREFIXES.items() for prefix in prefixes), key=lambda r: -len(r[0])
        )
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    # -- the connection pool -------------------------------------------------------------------

    def client(self) -> httpx.AsyncClient:
        """The pooled client (made on first use, closed by the lifespan's shutdown)."""
        if self._client is None:
            s = self.settings
            self._client = httpx.AsyncClient(
                transport=self._transport,
                timeout=httpx.Timeout(
                    connect=s.connect_timeout_s, read=s.read_timeout_s, write=s.write_timeout_s, pool=s.pool_timeout_s
                ),
                limits=httpx.Limits(
                    max_connections=s.max_connections,
                    max_keepalive_connections=s.max_keepalive_connections,
                    keepalive_expiry=s.keepalive_expiry_s,
                ),
                follow_redirects=False,
                trust_env=False,  # never send the services' traffic through an HTTP_PROXY from the environment
                cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),  # keep no client's cookies
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    # -- ASGI ----------------------------------------------------------------------------------

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        if scope["type"] != "http":
            if scope["type"] == "websocket":  # no service speaks WebSocket
                await send({"type": "websocket.close", "code": 1000})
            return
        incoming = _header(scope, _REQUEST_ID)
        # The id the services would accept (the same check); anything else gets a fresh one, which the
        # service then logs and answers with too.
        rid = incoming if incoming and _SAFE_ID.match(incoming) else new_id()
        token = request_id_var.set(rid)
        start = time.perf_counter()
        route, status = "unmatched", 500
        try:
            route, status = await self._dispatch(scope, receive, send, rid)
        finally:
            elapsed = time.perf_counter() - start
            method = scope.get("method", "")
            metrics.HTTP_REQUESTS.labels("gateway", method, route, str(status)).inc()
            metrics.HTTP_LATENCY.labels("gateway", method, route).observe(elapsed)
            path = scope.get("path", "")
            if status >= 500 or not path.endswith(("/health/live", "/health/ready", "/metrics", "/health")):
                log.info(
                    "request",
                    method=method,
                    path=path,
                    route=route,
                    status=status,
                    ms=round(elapsed * 1000, 2),
                )
            request_id_var.reset(token)

    async def _dispatch(self, scope, receive, send, rid: str) -> tuple[str, int]:
        """Answer one request; returns the route label (for metrics and logs) and the status sent."""
        path = scope.get("path", "")
        for prefix, name in self.routes:
            if path == prefix or path.startswith(prefix + "/"):
                return f"{prefix}/*", await self._forward(name, scope, receive, send, rid)
        own = _OwnResponse(send, rid)
        if path == CONSOLE_PREFIX or path.startswith(CONSOLE_PREFIX + "/"):
            await self.console(scope, receive, own)
            return f"{CONSOLE_PREFIX}/*", own.status
        if path in ("", "/"):
            await own.respond(307, b"", [(b"location", f"{CONSOLE_PREFIX}/".encode())])
            return "/", 307
        if path in ("/metrics", "/gateway/metrics"):
            body, ctype = metrics.render()
            await own.respond(200, body, [(b"content-type", ctype.encode())])
            return path, 200
        if path == "/gateway/health/live":
            await own.json(200, {"status": "ok", "service": "gateway"})
            return path, 200
        if path == "/gateway/health/ready":
            states = await self.upstream_states()
            ok = all(s["ready"] for s in states.values())
            await own.json(200 if ok else 503, {"status": "ok" if ok else "unavailable", "upstreams": states})
            return path, 200 if ok else 503
        if path == "/health":
            # The suite's /health: every service's readiness details, 503 unless all are ready.
            states = await self.upstream_states()
            ok = all(s["ready"] for s in states.values())
            await own.json(200 if ok else 503, {name: s.get("details", s) for name, s in states.items()})
            return path, 200 if ok else 503
        response = problem(404, "not_found", f"no service answers {path}", instance=path)
        await response(scope, receive, own)
        return "unmatched", 404

    async def _lifespan(self, receive, send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                configure_logging(self.settings.log_level, self.settings.log_json)
                self.client()
                log.info("gateway started", upstreams=self.upstreams)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    # -- forwarding ----------------------------------------------------------------------------

    async def _forward(self, name: str, scope, receive, send, rid: str) -> int:
        """Send the request to the service and stream its answer back unchanged; returns the status."""
        raw_path = scope.get("raw_path") or quote(scope["path"]).encode()
        query = scope.get("query_string", b"")
        target = self.upstreams[name] + raw_path.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")
        has_body = any(k in (b"content-length", b"transfer-encoding") for k, _ in scope["headers"])
        request = httpx.Request(
            scope["method"],
            target,
            headers=_request_headers(scope, rid),
            content=_request_body(receive) if has_body else None,
        )
        try:
            upstream = await self.client().send(request, stream=True)
        except _ClientGone:
            return 499  # nginx's "client closed request": nothing to answer
        except httpx.TimeoutException as exc:
            log.warning("upstream timed out", upstream=name, url=target, error=type(exc).__name__)
            return await self._unavailable(
                scope, receive, send, rid, name, 504, "upstream_timeout", "did not answer in time"
            )
        except httpx.TransportError as exc:
            log.warning("upstream unavailable", upstream=name, url=target, error=repr(exc)[:300])
            return await self._unavailable(
                scope, receive, send, rid, name, 502, "upstream_unavailable", "is unavailable"
            )
        try:
            connection = _connection_tokens(upstream.headers.raw)
            headers = [
                (k.lower(), v)
                for k, v in upstream.headers.raw
                if k.lower() not in HOP_BY_HOP and k.lower() not in connection
            ]
            await send({"type": "http.response.start", "status": upstream.status_code, "headers": headers})
            try:
                async for chunk in upstream.aiter_raw():
                    if chunk:
                        await send({"type": "http.response.body", "body": chunk, "more_body": True})
            except httpx.TransportError as exc:
                # Too late for a problem answer: returning without the last body message makes the
                # server close the connection, so the client sees a truncated answer, not a short one.
                log.warning("upstream answer cut off", upstream=name, url=target, error=repr(exc)[:300])
                return upstream.status_code
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return upstream.status_code
        finally:
            await upstream.aclose()

    async def _unavailable(self, scope, receive, send, rid, name, status, code, what) -> int:
        url = self.upstreams[name]
        response = problem(
            status,
            code,
            f"the {name} service ({url}) {what}",
            title="Bad gateway" if status == 502 else "Gateway timeout",
            instance=scope.get("path"),
            service=name,
        )
        await response(scope, receive, _OwnResponse(send, rid))
        return status

    # -- readiness -----------------------------------------------------------------------------

    async def upstream_states(self) -> dict[str, dict[str, Any]]:
        """Each service's ``/<service>/health/ready``, asked at once: ``ready``, ``status_code``, ``details``."""

        async def probe(name: str, base: str) -> dict[str, Any]:
            state: dict[str, Any] = {"url": base, "ready": False, "status_code": None}
            try:
                r = await self.client().get(
                    f"{base}/{name}/health/ready",
                    headers={"x-request-id": request_id_var.get() or new_id()},
                    timeout=self.settings.ready_timeout_s,
                )
            except httpx.HTTPError as exc:
                state["error"] = f"{type(exc).__name__}: {exc}"[:300]
                return state
            state["status_code"] = r.status_code
            state["ready"] = r.status_code == 200
            try:
                state["details"] = r.json()
            except ValueError:
                state["details"] = r.text[:300]
            return state

        names = list(self.upstreams)
        results = await asyncio.gather(*(probe(n, self.upstreams[n]) for n in names))
        return dict(zip(names, results, strict=True))


class _OwnResponse:
    """``send`` for answers the gateway makes itself: adds the request id and the date, notes the status.

    The server adds no ``date`` or ``server`` header (``SERVER_OPTIONS``) so that the services' answers
    pass through with their own.
    """

    def __init__(self, send, rid: str) -> None:
        self._send, self._rid, self.status = send, rid, 500

    async def __call__(self, message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in (_REQUEST_ID, b"date")]
            headers += [(_REQUEST_ID, self._rid.encode()), (b"date", formatdate(usegmt=True).encode())]
            message = {**message, "headers": headers}
        await self._send(message)

    async def respond(self, status: int, body: bytes, headers: list) -> None:
        headers = [*headers, (b"content-length", str(len(body)).encode())]
        await self({"type": "http.response.start", "status": status, "headers": headers})
        await self({"type": "http.response.body", "body": body})

    async def json(self, status: int, payload: Any) -> None:
        await self.respond(status, orjson.dumps(payload, default=str), [(b"content-type", b"application/json")])


def _header(scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", ()):
        if k == name:
            return v.decode("latin-1")
    return None


def _connection_tokens(headers) -> frozenset[bytes]:
    """Header names a ``Connection`` header declares hop-by-hop."""
    tokens = set()
    for k, v in headers:
        if k.lower() == b"connection":
            tokens.update(t.strip().lower() for t in v.split(b","))
    return frozenset(tokens)


def _request_headers(scope, rid: str) -> list[tuple[bytes, bytes]]:
    """The client's headers minus hop-by-hop ones, with ``X-Forwarded-*`` and the request id set.

    ``Host`` passes through as the client sent it, so that what a service builds from it (a slash
    redirect's ``Location``) points at the gateway, not at the service's own address.
    """
    raw = scope.get("headers", [])
    connection = _connection_tokens(raw)
    headers: list[tuple[bytes, bytes]] = []
    forwarded_for: list[bytes] = []
    host = None
    for k, v in raw:
        if k in HOP_BY_HOP or k in connection:
            continue
        if k == b"x-forwarded-for":
            forwarded_for.append(v)
        if k in _SET_BY_GATEWAY:
            continue
        if k == b"host":
            host = v
        headers.append((k, v))
    # Appended, not replaced: the services trust only the gateway's address and take the last hop it
    # adds (uvicorn's proxy headers), so a client's own X-Forwarded-For cannot pose as another client.
    client = scope.get("client")
    forwarded_for.append((client[0] if client else "unknown").encode())
    headers.append((b"x-forwarded-for", b", ".join(forwarded_for)))
    headers.append((b"x-forwarded-proto", scope.get("scheme", "http").encode()))
    if host is not None:
        headers.append((b"x-forwarded-host", host))
    headers.append((_REQUEST_ID, rid.encode()))
    return headers


async def _request_body(receive):
    """The request body, chunk by chunk as the client sends it."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _ClientGone
        body = message.get("body", b"")
        if body:
            yield body
        if not message.get("more_body", False):
            return


def create_gateway(settings: GatewaySettings | None = None) -> Gateway:
    """The gateway, configured from the environment; serve it with ``SERVER_OPTIONS`` (``anjian gateway`` does)."""
    return Gateway(settings)
