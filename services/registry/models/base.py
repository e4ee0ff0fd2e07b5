"""The registry's SQLModel base, on the registry's own metadata."""

from sqlmodel import SQLModel

from shared.db.base import service_registry


class RegistryModel(SQLModel, registry=service_registry()):
    pass


metadata = RegistryModel.metadata
