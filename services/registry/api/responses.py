"""OpenAPI entries for the problems a route may answer (every one is application/problem+json)."""

from __future__ import annotations

from typing import Any

_DESCRIPTIONS = {
    403: "outside the caller's division (outside_division)",
    404: "not found, or outside the caller's scope",
    409: "conflicts with the current state",
    412: "If-Match names a stale version (version_mismatch)",
    422: "invalid input (validation_error, invalid_period)",
    428: "If-Match is required",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for these statuses."""
    return {s: {"description": _DESCRIPTIONS[s], "content": {"application/problem+json": {}}} for s in statuses}
