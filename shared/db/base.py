"""Per-service SQLModel bases: each service's tables live on their own metadata.

Usage in a service::

    class RegistryModel(SQLModel, registry=service_registry()):
        pass
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, TypeDecorator
from sqlalchemy.orm import registry

#: Constraint names Alembic can diff and drop on every database, SQLite included.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


def service_registry() -> registry:
    """A fresh SQLAlchemy registry on its own metadata, for one service's SQLModel base."""
    return registry(metadata=service_metadata())


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on both databases (SQLite stores naive text otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)
