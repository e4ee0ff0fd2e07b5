"""Platform tables of the hazard service: outbox, inbox, idempotency keys, import jobs."""

from services.hazard.models.base import metadata
from shared.db.idempotency import idempotency_table
from shared.imports import import_tables
from shared.messaging.inbox import inbox_table
from shared.messaging.outbox import outbox_table

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
idempotency = idempotency_table(metadata)
import_jobs, import_row_errors = import_tables(metadata)
