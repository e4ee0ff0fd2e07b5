"""Grid settings (env prefix ``ANJIAN_GRID_``, falling back to ``ANJIAN_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class GridSettings(ServiceSettings):
    service_name = "grid"
    model_config = SettingsConfigDict(env_prefix="ANJIAN_GRID_", extra="ignore", populate_by_name=True)
