"""Incentives settings (env prefix ``ANJIAN_INCENTIVES_``, falling back to ``ANJIAN_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class IncentivesSettings(ServiceSettings):
    service_name = "incentives"
    model_config = SettingsConfigDict(env_prefix="ANJIAN_INCENTIVES_", extra="ignore", populate_by_name=True)

    webhook_allow_private: bool = False
    """Deliver webhooks to loopback and private addresses (ANJIAN_WEBHOOK_ALLOW_PRIVATE=1); off in every mode."""
    webhook_timeout_s: float = 10.0
    """Seconds one webhook attempt may take before it counts as failed."""
    webhook_concurrency: int = 20
    """Deliveries sent at once by one replica (each to a different endpoint and enterprise)."""
    webhook_batch_size: int = 200
    """Deliveries claimed per pass of the worker."""
    webhook_poll_interval_s: float = 1.0
    """The worker wakes after every commit that queued deliveries; this only bounds retries' delay."""
    webhook_lease_s: float = 60.0
    """A claimed delivery is another replica's to retry after this long (a crashed sender)."""

    feedback_overdue_days: float = 10.0
    """A pushed measure the agency has not acted on within this many days is overdue."""

    api_key_cache_ttl_s: float = 5.0
    """Verified API keys are cached this long per replica: it bounds how late a revocation takes effect."""
    partner_rate_limit_per_minute: int = 600
    """Requests per minute of a new key unless its creator sets another limit."""
    api_key_default_ttl_days: int = 365
    """Days a new key lives unless its creator sets another expiry."""
    partner_checks_max: int = 1000
    """The most codes one `POST /partner/v1/checks` may ask about (contract.md)."""

    audit_flush_interval_s: float = 0.1
    """Partner-query audit rows are written in batches at this interval (and at shutdown)."""
    audit_queue_max: int = 100_000
    """Unwritten audit rows beyond which partner queries answer 503 rather than go unaudited."""

    measures_refresh_interval_s: float = 3600.0
    """How often applicable measures are recomputed for every enterprise (validity dates pass at midnight)."""
    measures_timezone: str = "Asia/Shanghai"
    """The zone whose calendar day decides whether a measure is in force (its valid_from/valid_to are local dates)."""
    webhook_retry_after_max_s: float = 86400.0
    """The longest Retry-After (429/503) a delivery honours; a longer one waits this long."""
