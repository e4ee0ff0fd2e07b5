"""Platform tables of the hazard service: outbox, inbox, idempotency keys."""

from services.hazard.models.base import metadata
from shared.db.idempotency import idempotency_table
from shared.messaging.inbox import inbox_table
from shared.messaging.outbox import outbox_table

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
idempotency = idempotency_table(metadata)
