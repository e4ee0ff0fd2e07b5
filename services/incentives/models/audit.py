"""The partner-query audit: who asked about which enterprise, when, and what they were told."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, Text
from sqlmodel import Field

from services.incentives.models.base import IncentivesModel
from shared.db.base import UTCDateTime


class PartnerQuery(IncentivesModel, table=True):
    """One enterprise asked about by one key (a batch check writes one row per code)."""

    __tablename__ = "partner_queries"
    __table_args__ = (
        Index("ix_partner_queries_uscc_at", "uscc", "at"),
        Index("ix_partner_queries_agency_at", "agency_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigInteger().with_variant(Integer, "sqlite"))
    at: datetime = Field(sa_type=UTCDateTime(), index=True)
    key_id: str = Field(max_length=36, index=True)
    agency_id: str = Field(max_length=36)
    uscc: str = Field(max_length=40)
    endpoint: str = Field(max_length=20, description="enterprise or checks")
    found: bool
    answer: str = Field(sa_type=Text, description="what was answered, as JSON: class, listing, measure codes")
    request_id: str | None = Field(default=None, max_length=100)
