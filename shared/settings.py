"""Service settings (pydantic-settings): one class per service, environment-driven.

Precedence: explicit arguments, then ``ANJIAN_<SERVICE>_<FIELD>``, then ``ANJIAN_<FIELD>``, then the
default. ``KAFKA_BOOTSTRAP_SERVERS`` is also read without prefix, as compose files usually set it.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

#: The embedded signing key; production refuses to start with it.
INSECURE_DEV_SIGNING_KEY = "anjian-embedded-insecure-signing-key-change-me"


class SettingsError(RuntimeError):
    """Settings that must not be used (a default secret in production, a missing URL)."""


class ServiceSettings(BaseSettings):
    """Settings every service shares; subclasses set ``service_name`` and their env prefix."""

    service_name: ClassVar[str] = "service"
    model_config = SettingsConfigDict(env_prefix="ANJIAN_", extra="ignore", populate_by_name=True)

    env: Literal["embedded", "production", "test"] = "embedded"
    data_dir: Path = Path("data")
    database_url: str = ""
    db_pool_size: int = 10
    db_max_overflow: int = 10
    db_echo: bool = False

    transport: Literal["inprocess", "kafka"] = "inprocess"
    kafka_bootstrap_servers: str = Field(
        "",
        validation_alias=AliasChoices(
            "kafka_bootstrap_servers", "ANJIAN_KAFKA_BOOTSTRAP_SERVERS", "KAFKA_BOOTSTRAP_SERVERS"
        ),
    )
    kafka_enable_idempotence: bool = True
    kafka_partitions: int = 4
    kafka_replication_factor: int = 1
    kafka_linger_ms: int = 5
    kafka_fetch_max_wait_ms: int = 20
    kafka_session_timeout_ms: int = 10000
    kafka_heartbeat_interval_ms: int = 1000
    kafka_request_timeout_ms: int = 30000

    relay_batch_size: int = 1000
    relay_poll_interval_s: float = 1.0
    relay_lease_s: float = 30.0
    relay_backoff_max_s: float = 30.0
    consumer_max_attempts: int = 5
    consumer_retry_backoff_s: float = 0.2
    consumer_batch_size: int = 200
    jobs_enabled: bool = True

    jwt_signing_key: SecretStr = SecretStr(INSECURE_DEV_SIGNING_KEY)
    jwt_jwks_url: str | None = None
    jwt_algorithms: list[str] = ["HS256"]
    jwt_audience: str = "anjian"
    jwt_issuer: str = "anjian"
    token_ttl_s: int = 8 * 3600

    public_rate_limit_per_minute: int = 120
    log_level: str = "INFO"
    log_json: bool = True

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The service's own prefix wins over the suite-wide ``ANJIAN_`` one.
        common = EnvSettingsSource(settings_cls, env_prefix="ANJIAN_")
        return init_settings, env_settings, common, dotenv_settings, file_secret_settings

    @model_validator(mode="after")
    def _defaults(self) -> ServiceSettings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{Path(self.data_dir).resolve() / (self.service_name + '.db')}"
        return self

    def check_production(self) -> None:
        """Refuse secrets and transports that only make sense on a developer's machine."""
        if self.env != "production":
            return
        problems = []
        if not self.jwt_jwks_url:
            key = self.jwt_signing_key.get_secret_value()
            if key == INSECURE_DEV_SIGNING_KEY or len(key) < 32:
                problems.append(
                    "ANJIAN_JWT_SIGNING_KEY is the default or shorter than 32 characters (or set ANJIAN_JWT_JWKS_URL)"
                )
        if self.database_url.startswith("sqlite"):
            problems.append("production needs a PostgreSQL database_url")
        if self.transport != "kafka" or not self.kafka_bootstrap_servers:
            problems.append("production needs transport=kafka and KAFKA_BOOTSTRAP_SERVERS")
        if problems:
            raise SettingsError(f"refusing to start {self.service_name} in production: " + "; ".join(problems))
