"""The grid service's SQLModel base, on its own metadata."""

from sqlmodel import SQLModel

from shared.db.base import service_registry


class GridModel(SQLModel, registry=service_registry()):
    pass


metadata = GridModel.metadata
