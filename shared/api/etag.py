"""Optimistic concurrency over HTTP: ``version`` -> ETag, ``If-Match`` -> 412 when stale, 428 when missing."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Response

from shared.errors import Invalid, PreconditionFailed, PreconditionRequired


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def parse_if_match(value: str | None) -> int | None:
    """The version named by an If-Match header (``"3"``, ``W/"3"`` or ``3``); None for ``*`` or absent."""
    if value is None:
        return None
    v = value.strip()
    if v == "*":
        return None
    if v.startswith("W/"):
        v = v[2:]
    v = v.strip('"')
    try:
        return int(v)
    except ValueError as exc:
        raise Invalid(
            f"If-Match must be an ETag this service issued, got {value!r}",
            code="invalid_if_match",
            errors=[{"field": "If-Match", "message": "not a version ETag"}],
        ) from exc


def required_version(if_match: str | None) -> int:
    """The If-Match version for a write that must name what it read (428 without it)."""
    if if_match is None:
        raise PreconditionRequired("send If-Match with the ETag you read", code="precondition_required")
    v = parse_if_match(if_match)
    if v is None:
        raise PreconditionRequired("If-Match must name a version, not *", code="precondition_required")
    return v


def check_version(current: int, expected: int | None) -> None:
    if expected is not None and current != expected:
        raise PreconditionFailed(
            f"the resource is at version {current}, not {expected}; read it again",
            code="version_mismatch",
            current_version=current,
        )


IfMatch = Annotated[str | None, Header(alias="If-Match")]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
