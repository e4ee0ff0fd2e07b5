"""Platform tables of the registry: outbox, inbox, idempotency keys."""

from services.registry.models.base import metadata
from shared.db.idempotency import idempotency_table
from shared.messaging.inbox import inbox_table
from shared.messaging.outbox import outbox_table

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
idempotency = idempotency_table(metadata)
