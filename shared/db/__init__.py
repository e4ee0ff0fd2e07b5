"""Data plumbing: engines, per-service bases, the unit of work, migrations."""

from shared.db.base import UTCDateTime, service_registry, utc_now
from shared.db.engine import Database, is_sqlite

__all__ = ["Database", "UTCDateTime", "is_sqlite", "service_registry", "utc_now"]
