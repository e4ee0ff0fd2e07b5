"""Every registry table, on the registry's metadata (import this before autogenerate)."""

from services.registry.models.base import RegistryModel, metadata
from services.registry.models.platform import idempotency, inbox, outbox
from services.registry.models.users import User

__all__ = ["RegistryModel", "User", "idempotency", "inbox", "metadata", "outbox"]
