"""The hazard service's SQLModel base, on its own metadata."""

from sqlalchemy import String
from sqlmodel import SQLModel

from shared.db.base import service_registry


class HazardModel(SQLModel, registry=service_registry()):
    pass


metadata = HazardModel.metadata

#: Division codes are ASCII digits compared as ranges (an area is ``[prefix, next prefix)``); the C
#: collation makes those comparisons byte comparisons on PostgreSQL instead of locale-aware ones.
DIVISION_CODE = String(6).with_variant(String(6, collation="C"), "postgresql")
