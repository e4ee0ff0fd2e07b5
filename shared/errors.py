"""Domain and application errors that carry their HTTP meaning.

Domain layers raise these (they import nothing from FastAPI); the app factory turns every one of
them into an RFC 9457 ``application/problem+json`` answer with a machine-readable ``code``.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error that should reach a client as a 4xx problem."""

    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        status: int | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra


class Invalid(DomainError):
    """422: the request is well-formed but its content breaks a rule (``errors`` names the fields)."""

    status = 422
    code = "validation_error"
    title = "Unprocessable content"


class NotFound(DomainError):
    status = 404
    code = "not_found"
    title = "Not found"


class Conflict(DomainError):
    """409: the request conflicts with the current state (duplicate, illegal transition, too early)."""

    status = 409
    code = "conflict"
    title = "Conflict"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"
    title = "Unauthorized"


class PreconditionFailed(DomainError):
    """412: the If-Match version is stale."""

    status = 412
    code = "version_mismatch"
    title = "Precondition failed"


class PreconditionRequired(DomainError):
    """428: a write that must name the version it read did not send If-Match."""

    status = 428
    code = "precondition_required"
    title = "Precondition required"


class TooManyRequests(DomainError):
    status = 429
    code = "rate_limited"
    title = "Too many requests"


def field_error(field: str, message: str) -> dict[str, str]:
    """One entry of a 422 problem's ``errors`` list."""
    return {"field": field, "message": message}
