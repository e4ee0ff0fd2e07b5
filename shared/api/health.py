"""Health endpoints: ``/<service>/health/live`` (the process answers) and ``/ready`` (it can work)."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from shared import metrics


def health_router(service: str) -> APIRouter:
    router = APIRouter(prefix=f"/{service}", tags=["health"])

    @router.get("/health/live", summary="Liveness")
    async def live() -> dict:
        return {"status": "ok", "service": service}

    @router.get(
        "/health/ready",
        summary="Readiness: database, background tasks, outbox backlog",
        responses={503: {"description": "not ready"}},
    )
    async def ready(request: Request) -> Response:
        ok, details = await request.app.state.ctx.readiness()
        details["status"] = "ok" if ok else "unavailable"
        return Response(
            orjson.dumps(details, default=str), status_code=200 if ok else 503, media_type="application/json"
        )

    @router.get("/metrics", summary="Prometheus metrics", response_class=Response)
    async def prometheus() -> Response:
        body, ctype = metrics.render()
        return Response(body, media_type=ctype)

    return router
