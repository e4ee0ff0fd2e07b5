"""Request and response models of webhook endpoints and deliveries."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class WebhookCreate(BaseModel):
    url: str = Field(max_length=2000)


class WebhookPublic(BaseModel):
    id: str
    agency_id: str
    url: str
    status: str
    disabled_reason: str | None
    disabled_at: datetime | None
    version: int
    created_at: datetime


class WebhookCreated(WebhookPublic):
    secret: str = Field(description="`whsec_` + base64 of the signing key: shown this once")


class DeliveryPublic(BaseModel):
    id: int
    endpoint_id: str
    event_id: str
    event_type: str
    uscc: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


class RedeliverEnterprise(BaseModel):
    uscc: str
    include_delivered: bool = Field(default=False, description="also send again what was delivered")


class Redelivered(BaseModel):
    requeued: int
