"""Request and response models of agencies, API keys and the partner API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

AgencyKind = Literal["bank", "power_utility", "land_bureau", "tax_bureau", "award_body", "other"]


class AgencyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    kind: AgencyKind
    domains: list[str] = Field(description="the measure domains the agency may see", min_length=1)


class AgencyPublic(BaseModel):
    id: str
    name: str
    kind: str
    domains: list[str]
    version: int
    created_at: datetime


class AgencySynced(BaseModel):
    agency_id: str
    pushed: int = Field(description="measures already applying that were pushed to the agency now (0 on a rerun)")


class ApiKeyCreate(BaseModel):
    name: str | None = Field(default=None, max_length=100, description="a label, e.g. the partner's system")
    expires_at: datetime | None = Field(default=None, description="default: the configured lifetime from now")
    rate_limit_per_minute: int | None = Field(default=None, ge=1, le=1_000_000)


class ApiKeyPublic(BaseModel):
    id: str
    agency_id: str
    name: str | None
    prefix: str
    rate_limit_per_minute: int
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyPublic):
    key: str = Field(description="the key itself: shown this once, stored only as a digest")


class PartnerMeasure(BaseModel):
    code: str
    domain: str
    kind: str
    text: str
    basis: str
    since: datetime


class EnterpriseAnswer(BaseModel):
    """What a partner learns about one enterprise: only the measures of its own domains."""

    uscc: str
    name: str | None
    credit_class: str | None
    blacklisted: bool
    honour_roll: bool
    measures: list[PartnerMeasure]
    as_of: datetime


class ChecksRequest(BaseModel):
    usccs: list[str] = Field(description="up to 1,000 credit codes")


class CheckItem(BaseModel):
    """One answer of a batch check: the single answer, or ``{uscc, found: false}``."""

    uscc: str
    found: bool
    name: str | None = None
    credit_class: str | None = None
    blacklisted: bool | None = None
    honour_roll: bool | None = None
    measures: list[PartnerMeasure] | None = None
    as_of: datetime | None = None


class ChecksAnswer(BaseModel):
    items: list[CheckItem]


class AuditPublic(BaseModel):
    id: int
    at: datetime
    key_id: str
    agency_id: str
    uscc: str
    endpoint: str
    found: bool
    answer: dict
    request_id: str | None
