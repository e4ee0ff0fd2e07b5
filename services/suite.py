"""The embedded suite: every service in one process, on one port, sharing an in-process transport.

Each service keeps its own app, database file and lifespan; the suite routes requests by path
prefix (``/registry``, ``/auth``, ``/public`` -> registry; ``/partner`` -> incentives; ...) and runs
every lifespan in its own. The same service apps run alone in distributed mode.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import orjson
from fastapi import FastAPI

from shared import metrics
from shared.clock import Clock
from shared.logging import get_logger
from shared.messaging.transport import Transport
from shared.messaging.transport.inprocess import InProcessTransport
from shared.settings import ServiceSettings

log = get_logger("anjian.suite")

SERVICE_NAMES = ("registry", "grid", "hazard", "incentives")
PORTS = {"registry": 8001, "grid": 8002, "hazard": 8003, "incentives": 8004}


def service_module(name: str):
    """The service's ``main`` module (imported lazily: the suite is the composition root)."""
    import importlib

    return importlib.import_module(f"services.{name}.main")


def settings_class(name: str) -> type[ServiceSettings]:
    import importlib

    mod = importlib.import_module(f"services.{name}.settings")
    return getattr(mod, f"{name.capitalize()}Settings")


def migrations_dir(name: str) -> Path:
    return Path(__file__).parent / name / "migrations"


def signing_key(data_dir: Path) -> str:
    """The embedded issuer's key, created once per data folder and kept beside the databases."""
    path = Path(data_dir) / "jwt-signing.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def service_settings(name: str, data_dir: Path, **overrides: Any) -> ServiceSettings:
    """Settings for one service from the environment, with the data folder and embedded defaults."""
    overrides.setdefault("data_dir", Path(data_dir))
    if not os.environ.get("ANJIAN_JWT_SIGNING_KEY") and not os.environ.get("ANJIAN_JWT_JWKS_URL"):
        overrides.setdefault("jwt_signing_key", signing_key(Path(data_dir)))
    return settings_class(name)(**overrides)


def migrate_all(data_dir: Path, names: tuple[str, ...] = SERVICE_NAMES) -> None:
    """Upgrade every service's database to head (synchronous; call before the event loop)."""
    from shared.db.migrations import upgrade

    for name in names:
        s = service_settings(name, data_dir)
        upgrade(migrations_dir(name), s.database_url)


class Suite:
    """An ASGI app that routes by path prefix to the service apps and runs all their lifespans."""

    def __init__(
        self, apps: dict[str, FastAPI], *, on_started: list[Callable] | None = None, console: Any = None
    ) -> None:
        self.apps = apps
        self.console = console
        self.on_started = on_started or []
        self.routes: list[tuple[str, Any]] = []
        for app in apps.values():
            for prefix in app.state.path_prefixes:
                self.routes.append((prefix, app))
        if console is not None:
            self.routes.append(("/console", console))
        self.routes.sort(key=lambda r: -len(r[0]))
        self._stack: AsyncExitStack | None = None

    def ctx(self, name: str):
        return self.apps[name].state.ctx

    async def __aenter__(self) -> Suite:
        stack = AsyncExitStack()
        await stack.__aenter__()
        try:
            for app in self.apps.values():
                await stack.enter_async_context(app.router.lifespan_context(app))
            for hook in self.on_started:
                await hook(self)
        except BaseException:
            await stack.aclose()
            raise
        self._stack = stack
        return self

    async def __aexit__(self, *exc) -> None:
        if self._stack is not None:
            stack, self._stack = self._stack, None
            await stack.aclose()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        path = scope.get("path", "")
        for prefix, app in self.routes:
            if path == prefix or path.startswith(prefix + "/"):
                return await app(scope, receive, send)
        if scope["type"] != "http":
            return
        if path in ("", "/"):
            target = "/console/" if self.console is not None else "/registry/docs"
            return await _respond(send, 307, b"", [(b"location", target.encode())])
        if path == "/metrics":
            body, ctype = metrics.render()
            return await _respond(send, 200, body, [(b"content-type", ctype.encode())])
        if path == "/health":
            out = {}
            ok = True
            for name, app in self.apps.items():
                ready, details = await app.state.ctx.readiness()
                ok &= ready
                out[name] = details
            return await _respond(
                send, 200 if ok else 503, orjson.dumps(out, default=str), [(b"content-type", b"application/json")]
            )
        body = orjson.dumps(
            {
                "type": "about:blank",
                "title": "Not found",
                "status": 404,
                "code": "not_found",
                "detail": f"no service answers {path}",
            }
        )
        await _respond(send, 404, body, [(b"content-type", b"application/problem+json")])

    async def _lifespan(self, receive, send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.__aenter__()
                except BaseException as exc:
                    log.exception("suite start-up failed")
                    await send({"type": "lifespan.startup.failed", "message": repr(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.__aexit__(None, None, None)
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _respond(send, status: int, body: bytes, headers: list) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def create_suite(
    data_dir: Path,
    *,
    demo: bool = True,
    transport: Transport | None = None,
    clock: Clock | None = None,
    background: bool = True,
    overrides: dict[str, dict[str, Any]] | None = None,
    names: tuple[str, ...] = SERVICE_NAMES,
    console: bool = True,
) -> Suite:
    """Every service in one process over one in-process transport (or the one given)."""
    transport = transport or InProcessTransport()
    overrides = overrides or {}
    apps = {}
    for name in names:
        settings = service_settings(name, data_dir, **overrides.get(name, {}))
        apps[name] = service_module(name).create_app(settings, transport=transport, clock=clock, background=background)
    hooks = []
    if demo:
        from services.demo import seed_demo

        hooks.append(seed_demo)
    console_app = None
    if console:
        try:
            from services.console.app import create_console
        except ImportError:  # the console is optional in stripped-down test suites
            create_console = None
        if create_console is not None:
            console_app = create_console()
    return Suite(apps, on_started=hooks, console=console_app)
