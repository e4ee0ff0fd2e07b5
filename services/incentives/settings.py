"""Incentives settings (env prefix ``ANJIAN_INCENTIVES_``, falling back to ``ANJIAN_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class IncentivesSettings(ServiceSettings):
    service_name = "incentives"
    model_config = SettingsConfigDict(env_prefix="ANJIAN_INCENTIVES_", extra="ignore", populate_by_name=True)
