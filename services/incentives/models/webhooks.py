"""Webhook endpoints of partner agencies and the deliveries queued for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field

from services.incentives.models.base import IncentivesModel
from shared.db.base import UTCDateTime


class WebhookEndpoint(IncentivesModel, table=True):
    """Where an agency receives signed events; the secret is kept because every delivery is signed with it."""

    __tablename__ = "webhook_endpoints"

    id: str = Field(primary_key=True, max_length=36)
    agency_id: str = Field(foreign_key="agencies.id", max_length=36, index=True)
    url: str = Field(max_length=2000)
    secret: str = Field(max_length=100)
    status: str = Field(max_length=20, default="active", description="active or disabled")
    disabled_reason: str | None = Field(default=None, max_length=500)
    disabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    version: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime())
    updated_at: datetime = Field(sa_type=UTCDateTime())


class WebhookDelivery(IncentivesModel, table=True):
    """One event owed to one endpoint; per endpoint and enterprise, deliveries go out in id order."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id"),
        # The worker's head-of-line lookup: the oldest pending delivery per endpoint and enterprise.
        Index("ix_webhook_deliveries_endpoint_uscc_id", "endpoint_id", "uscc", "id"),
        Index("ix_webhook_deliveries_status_next", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigInteger().with_variant(Integer, "sqlite"))
    endpoint_id: str = Field(foreign_key="webhook_endpoints.id", max_length=36)
    agency_id: str = Field(max_length=36)
    event_id: str = Field(max_length=64)
    event_type: str = Field(max_length=200)
    uscc: str = Field(max_length=18)
    payload: bytes = Field(sa_type=LargeBinary)
    status: str = Field(max_length=20, default="pending", description="pending, delivered or failed")
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UTCDateTime())
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime())
    last_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    last_status: int | None = None
    last_error: str | None = Field(default=None, sa_type=Text)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    created_at: datetime = Field(sa_type=UTCDateTime())
