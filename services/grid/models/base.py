"""The grid service's SQLModel base, on its own metadata."""

from sqlalchemy import String
from sqlmodel import SQLModel

from shared.db.base import service_registry


class GridModel(SQLModel, registry=service_registry()):
    pass


metadata = GridModel.metadata

#: Division codes compared as ranges; the C collation makes that a byte comparison on PostgreSQL.
DIVISION_CODE = String(6).with_variant(String(6, collation="C"), "postgresql")
