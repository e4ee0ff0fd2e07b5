"""Hazard settings (env prefix ``ANJIAN_HAZARD_``, falling back to ``ANJIAN_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from services.hazard.domain.deadlines import CHINA_STANDARD_TIME, DEFAULT_LADDER, EscalationLadder
from shared.settings import ServiceSettings

#: Issuer abbreviations (机关代字) of the bureaus that issue rectification notices, by division.
#: ``format_notice_number`` adds the document type 整改 itself, so these carry only the issuer.
HUZHOU_NOTICE_ISSUERS = {
    "330500": "湖安监",
    "330502": "吴兴安监",
    "330503": "南浔安监",
    "330521": "德清安监",
    "330522": "长兴安监",
    "330523": "安吉安监",
}


class HazardSettings(ServiceSettings):
    service_name = "hazard"
    model_config = SettingsConfigDict(env_prefix="ANJIAN_HAZARD_", extra="ignore", populate_by_name=True)

    notice_issuers: dict[str, str] = HUZHOU_NOTICE_ISSUERS
    """Division code -> issuer prefix; an officer issues under the nearest mapped division above theirs."""
    default_notice_issuer: str = "湖安监"
    """The issuer used when neither the caller's nor the enterprise's division maps to one."""

    ladder_code: str = DEFAULT_LADDER.code
    """The escalation ladder (rule data with a version; stored on every escalation it causes)."""
    ladder_version: int = DEFAULT_LADDER.version
    reminder_days_before: int = DEFAULT_LADDER.reminder_days_before
    supervision_letter_after_days: int = DEFAULT_LADDER.supervision_letter_after_days
    acceptance_limit_days: int = DEFAULT_LADDER.acceptance_limit_days
    tz_offset_hours: int = CHINA_STANDARD_TIME
    """Deadlines and statistics periods are calendar dates in this offset (China Standard Time)."""

    deadline_job_interval_s: float = 60.0
    deadline_job_batch_size: int = 500
    import_job_interval_s: float = 30.0

    def ladder(self) -> EscalationLadder:
        """The configured escalation ladder."""
        return EscalationLadder(
            code=self.ladder_code,
            version=self.ladder_version,
            reminder_days_before=self.reminder_days_before,
            supervision_letter_after_days=self.supervision_letter_after_days,
            acceptance_limit_days=self.acceptance_limit_days,
        )
