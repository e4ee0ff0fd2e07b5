"""Registry settings (env prefix ``ANJIAN_REGISTRY_``, falling back to ``ANJIAN_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    service_name = "registry"
    model_config = SettingsConfigDict(env_prefix="ANJIAN_REGISTRY_", extra="ignore", populate_by_name=True)

    #: How often the blacklist expiry job runs (it is idempotent; the interval only bounds the delay).
    blacklist_expiry_interval_s: float = 60.0
