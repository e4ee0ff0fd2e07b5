"""Request context middleware (pure ASGI): request id, access log, Prometheus metrics."""

from __future__ import annotations

import re
import time

from shared.ids import new_id
from shared.logging import get_logger, request_id_var
from shared.metrics import HTTP_LATENCY, HTTP_REQUESTS

log = get_logger("anjian.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,100}$")


class RequestContextMiddleware:
    """Gives every request an id (``X-Request-ID`` in and out), logs it, and counts it."""

    def __init__(self, app, service: str) -> None:
        self.app = app
        self.service = service
        self._children: dict[tuple[str, str, int], tuple] = {}  # metric children by (method, route, status)

    def _observe(self, method: str, route: str, status: int, elapsed: float) -> None:
        # labels() takes a lock and builds a key on every call; the hot paths reuse the children.
        children = self._children.get((method, route, status))
        if children is None:
            children = (
                HTTP_REQUESTS.labels(self.service, method, route, str(status)),
                HTTP_LATENCY.labels(self.service, method, route),
            )
            if len(self._children) < 10_000:
                self._children[(method, route, status)] = children
        children[0].inc()
        children[1].observe(elapsed)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        incoming = None
        for k, v in scope.get("headers", ()):
            if k == b"x-request-id":
                incoming = v.decode("latin-1")
                break
        rid = incoming if incoming and _SAFE_ID.match(incoming) else new_id()
        token = request_id_var.set(rid)
        start = time.perf_counter()
        status = 500

        async def _send(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, _send)
        finally:
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            path = getattr(route, "path", None) or "unmatched"
            method = scope.get("method", "")
            self._observe(method, path, status, elapsed)
            if status >= 500 or not path.endswith(("/health/live", "/health/ready", "/metrics")):
                log.info(
                    "request",
                    method=method,
                    path=scope.get("path"),
                    route=path,
                    status=status,
                    ms=round(elapsed * 1000, 2),
                )
            request_id_var.reset(token)
