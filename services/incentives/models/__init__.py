"""Every incentives table, on the incentives metadata (import this before autogenerate)."""

from services.incentives.models.audit import PartnerQuery
from services.incentives.models.base import IncentivesModel, metadata
from services.incentives.models.catalogue import Measure, MeasureVersion
from services.incentives.models.lives import MeasureLife
from services.incentives.models.partners import Agency, ApiKey
from services.incentives.models.platform import idempotency, inbox, outbox
from services.incentives.models.standings import ApplicableMeasure, StandingRow
from services.incentives.models.webhooks import WebhookDelivery, WebhookEndpoint

__all__ = [
    "Agency",
    "ApiKey",
    "ApplicableMeasure",
    "IncentivesModel",
    "Measure",
    "MeasureLife",
    "MeasureVersion",
    "PartnerQuery",
    "StandingRow",
    "WebhookDelivery",
    "WebhookEndpoint",
    "idempotency",
    "inbox",
    "metadata",
    "outbox",
]
