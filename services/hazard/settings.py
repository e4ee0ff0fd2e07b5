"""Hazard settings (env prefix ``ANJIAN_HAZARD_``, falling back to ``ANJIAN_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class HazardSettings(ServiceSettings):
    service_name = "hazard"
    model_config = SettingsConfigDict(env_prefix="ANJIAN_HAZARD_", extra="ignore", populate_by_name=True)
