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
    model_config = SettingsConfigDict(
        env_prefix="ANJIAN_", extra="ignore", populate_by_name=True, use_attribute_docstrings=True
    )

    env: Literal["embedded", "production", "test"] = "embedded"
    """``production`` refuses default secrets, SQLite and the in-process transport."""
    data_dir: Path = Path("data")
    """Folder of the SQLite files (embedded mode) and the embedded signing key."""
    database_url: str = ""
    """SQLAlchemy async URL (``postgresql+asyncpg://...``); default: ``<data_dir>/<service>.db`` on SQLite."""
    db_pool_size: int = 10
    """PostgreSQL connections kept open per process."""
    db_max_overflow: int = 10
    """Extra PostgreSQL connections allowed under load."""
    db_echo: bool = False
    """Log every SQL statement (debugging only)."""

    transport: Literal["inprocess", "kafka"] = "inprocess"
    """How events travel: ``inprocess`` (one process) or ``kafka``."""
    kafka_bootstrap_servers: str = Field(
        "",
        validation_alias=AliasChoices(
            "kafka_bootstrap_servers", "ANJIAN_KAFKA_BOOTSTRAP_SERVERS", "KAFKA_BOOTSTRAP_SERVERS"
        ),
    )
    """Kafka brokers, ``host:port[,host:port]``; also read from ``KAFKA_BOOTSTRAP_SERVERS``."""
    kafka_enable_idempotence: bool = True
    """Idempotent producer: on for Apache Kafka, off for the Tansu test broker (no InitProducerId)."""
    kafka_partitions: int = 4
    """Partitions of the topics this service creates at start-up."""
    kafka_replication_factor: int = 1
    """Replication of the topics this service creates (3 on a production cluster)."""
    kafka_linger_ms: int = 5
    """How long the producer waits to fill a batch."""
    kafka_fetch_max_wait_ms: int = 20
    """How long the broker may hold a consumer's fetch; bounds commit-to-consume latency."""
    kafka_session_timeout_ms: int = 10000
    """Consumer group session timeout; a dead consumer's partitions move after this."""
    kafka_heartbeat_interval_ms: int = 1000
    """Consumer heartbeat interval."""
    kafka_request_timeout_ms: int = 30000
    """Timeout of one request to the broker."""

    relay_batch_size: int = 5000
    """Outbox rows the relay publishes per batch."""
    relay_poll_interval_s: float = 1.0
    """Relay poll interval; commits in this process wake it at once, so this only covers other writers."""
    relay_lease_s: float = 30.0
    """How long a claimed batch belongs to a relay before another relay may take it."""
    relay_backoff_max_s: float = 30.0
    """Longest wait between publish retries while the broker is down (retries never stop)."""
    consumer_max_attempts: int = 5
    """Attempts of a failing handler before its message goes to ``<topic>.dlq``."""
    consumer_retry_backoff_s: float = 0.2
    """First wait between handler attempts (doubles each time)."""
    consumer_batch_size: int = 200
    """Messages a consumer takes per fetch (handled in one transaction when all succeed)."""
    jobs_enabled: bool = True
    """Run the scheduled jobs (expiry, deadlines, deliveries) in this process."""

    jwt_signing_key: SecretStr = SecretStr(INSECURE_DEV_SIGNING_KEY)
    """HS256 key of the embedded issuer, at least 32 characters in production."""
    jwt_jwks_url: str | None = None
    """An OIDC provider's JWKS URL; when set, tokens are verified with its keys (RS256/ES256/PS256)."""
    jwt_algorithms: list[str] = ["HS256"]
    """Accepted algorithms with the shared key."""
    jwt_audience: str = "anjian"
    """Required ``aud`` claim."""
    jwt_issuer: str = "anjian"
    """Required ``iss`` claim."""
    token_ttl_s: int = 8 * 3600
    """Lifetime of tokens the embedded issuer signs (a working day)."""

    public_rate_limit_per_minute: int = 120
    """Requests per minute per client address on the public lists."""
    log_level: str = "INFO"
    """Log level."""
    log_json: bool = True
    """JSON logs (one object per line) instead of console output."""

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
