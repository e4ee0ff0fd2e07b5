"""RFC 9457 problem details: every error leaves a service as ``application/problem+json``."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from shared.errors import DomainError
from shared.logging import get_logger, request_id_var

log = get_logger("anjian.http")
PROBLEM = "application/problem+json"
_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    title: str | None = None,
    errors: list | None = None,
    headers: dict[str, str] | None = None,
    instance: str | None = None,
    **extra: Any,
) -> Response:
    body: dict[str, Any] = {
        "type": f"https://anjian.example/problems/{code.replace('_', '-')}",
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    if rid := request_id_var.get():
        body["request_id"] = rid
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response(orjson.dumps(body, default=str), status_code=status, media_type=PROBLEM, headers=headers)


def _loc(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or (str(loc[-1]) if loc else "")


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError):
        return problem(
            exc.status,
            exc.code,
            exc.detail,
            title=exc.title,
            errors=exc.errors,
            headers=exc.headers,
            instance=request.url.path,
            **exc.extra,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        errs = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errs):
            return problem(400, "malformed_json", "the request body is not valid JSON", instance=request.url.path)
        errors = [{"field": _loc(tuple(e.get("loc", ()))), "message": e.get("msg", "")} for e in errs]
        fields = ", ".join(sorted({e["field"] for e in errors})) or "request"
        return problem(422, "validation_error", f"invalid fields: {fields}", errors=errors, instance=request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized", 403: "forbidden"}.get(
            exc.status_code, "http_error"
        )
        return problem(
            exc.status_code, code, str(exc.detail), headers=getattr(exc, "headers", None), instance=request.url.path
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError):
        # A unique or foreign-key constraint caught what a check should have: report a conflict, not a 500.
        log.warning("integrity error reached the HTTP layer", error=str(exc.orig)[:300])
        return problem(409, "conflict", "the change conflicts with existing data", instance=request.url.path)

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError):
        # The database refused a value the schema let through (a number out of range, a bad date).
        log.warning("database refused a value", error=str(exc.orig)[:300])
        return problem(
            422, "invalid_value", "a value is out of the range the service can store", instance=request.url.path
        )

    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, exc: OverflowError):
        log.warning("value overflow", error=str(exc)[:300])
        return problem(422, "invalid_value", "a number or date is out of range", instance=request.url.path)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unhandled error", path=request.url.path)
        return problem(
            500, "internal_error", "an unexpected error occurred; it has been logged", instance=request.url.path
        )
