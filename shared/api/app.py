"""The app factory: one FastAPI app per service, the same embedded and distributed."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from shared.api import problems
from shared.api.health import health_router
from shared.api.middleware import RequestContextMiddleware
from shared.clock import Clock
from shared.logging import configure_logging
from shared.messaging.transport import Transport
from shared.service import ServiceContext, ServiceSpec
from shared.settings import ServiceSettings

_PROBLEM_RESPONSES = {
    status: {"description": desc, "content": {"application/problem+json": {}}}
    for status, desc in (
        (400, "malformed request"),
        (401, "no valid credentials"),
        (403, "not allowed"),
        (422, "invalid content"),
        (429, "rate limited"),
    )
}


def create_service_app(
    *,
    spec: ServiceSpec,
    settings: ServiceSettings,
    routers: Sequence[APIRouter],
    title: str,
    description: str = "",
    transport: Transport | None = None,
    clock: Clock | None = None,
    background: bool = True,
) -> FastAPI:
    """Build the service's app; its lifespan starts and stops the service context."""
    configure_logging(settings.log_level, settings.log_json)
    ctx = ServiceContext(spec, settings, transport=transport, clock=clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await ctx.start(background=background)
        try:
            yield
        finally:
            await ctx.stop()

    name = spec.name
    app = FastAPI(
        title=title,
        description=description,
        version="1.0.0",
        lifespan=lifespan,
        openapi_url=f"/{name}/openapi.json",
        docs_url=f"/{name}/docs",
        redoc_url=None,
        responses=_PROBLEM_RESPONSES,
    )
    app.state.ctx = ctx
    app.state.path_prefixes = spec.path_prefixes or (f"/{name}",)
    problems.install(app)
    app.add_middleware(RequestContextMiddleware, service=name)
    app.include_router(health_router(name))
    for r in routers:
        app.include_router(r)
    return app
