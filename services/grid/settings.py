"""Grid settings (env prefix ``ANJIAN_GRID_``, falling back to ``ANJIAN_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from services.grid.domain.frequency import DEFAULT_FREQUENCY, InspectionFrequency
from services.grid.domain.tree import DEFAULT_MAX_DEPTH
from shared.settings import ServiceSettings


class GridSettings(ServiceSettings):
    service_name = "grid"
    model_config = SettingsConfigDict(env_prefix="ANJIAN_GRID_", extra="ignore", populate_by_name=True)

    max_depth: int = DEFAULT_MAX_DEPTH
    """How many levels the grid tree may have (township, village, unit, and one of micro-grids)."""
    report_escalation_hours: float = 24.0
    """A report nobody acknowledges within this time climbs one level (up to the bureau)."""
    report_job_interval_s: float = 60.0
    """How often the escalation job looks for reports waiting too long."""
    report_job_batch_size: int = 500
    """Reports escalated per transaction."""
    tz_offset_hours: int = 8
    """Plan and statistics periods are calendar dates in this offset (China Standard Time)."""

    frequency_code: str = DEFAULT_FREQUENCY.code
    """The inspection frequency rule's name, shown on every plan; change it with the months."""
    frequency_version: int = DEFAULT_FREQUENCY.version
    """The rule's version; raise it when the months change."""
    months_a: int = DEFAULT_FREQUENCY.a
    """Months between inspections of a class-A enterprise."""
    months_b: int = DEFAULT_FREQUENCY.b
    """Months between inspections of a class-B enterprise."""
    months_c: int = DEFAULT_FREQUENCY.c
    """Months between inspections of a class-C enterprise."""
    months_d: int = DEFAULT_FREQUENCY.d
    """Months between inspections of a class-D enterprise."""
    months_listed: int = DEFAULT_FREQUENCY.listed
    """Months between inspections of a blacklisted enterprise, whatever its last class."""
    months_unrated: int = DEFAULT_FREQUENCY.unrated
    """Months between inspections of an enterprise not assessed yet."""

    def frequency(self) -> InspectionFrequency:
        """The configured inspection frequency rule."""
        return InspectionFrequency(
            code=self.frequency_code,
            version=self.frequency_version,
            a=self.months_a,
            b=self.months_b,
            c=self.months_c,
            d=self.months_d,
            listed=self.months_listed,
            unrated=self.months_unrated,
        )
