"""Time helpers shared by the hazard rules (private to this package)."""

from __future__ import annotations

from datetime import datetime

from shared.errors import Invalid, field_error
from shared.localtime import local_date, local_zone, start_of_day

__all__ = ["local_date", "local_zone", "require_aware", "start_of_day"]


def require_aware(value: datetime, field: str) -> datetime:
    """Return ``value`` if it carries a UTC offset, else raise ``Invalid(code="naive_datetime")``."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise Invalid(
            f"{field} must be a timezone-aware datetime, got naive {value.isoformat()}",
            code="naive_datetime",
            errors=[field_error(field, "must carry a UTC offset")],
        )
    return value
