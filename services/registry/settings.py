"""Registry settings (env prefix ``ANJIAN_REGISTRY_``, falling back to ``ANJIAN_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    service_name = "registry"
    model_config = SettingsConfigDict(env_prefix="ANJIAN_REGISTRY_", extra="ignore", populate_by_name=True)

    blacklist_expiry_interval_s: float = 60.0
    """How often the blacklist expiry job runs (it is idempotent; the interval only bounds the delay)."""
    honour_roll_interval_s: float = 3600.0
    """How often honour-roll eligibility is checked for what time alone changes (look-backs, expiring grades)."""
    import_resume_interval_s: float = 30.0
    """How often queued import jobs are looked for (jobs left queued by a restart resume)."""
    import_batch_size: int = 5000
    """Rows per import transaction: larger batches amortize the per-batch queries."""
    assessment_rule_set: str = "huzhou-credit"
    """The assessment rule set (code) new assessments are scored with, at its latest version in force."""
    listing_rule_sets: list[str] = ["mem-order-11-2023", "saws-2017-49"]
    """Blacklist rule sets whose situations the listing check proposes, in order of preference.

    A later one proposes only on evidence no earlier proposal already covers.
    """
