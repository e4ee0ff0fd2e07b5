"""Every hazard table, on the hazard metadata (import this before autogenerate)."""

from services.hazard.models.accidents import Accident
from services.hazard.models.base import HazardModel, metadata
from services.hazard.models.enterprises import Enterprise, EnterpriseCell
from services.hazard.models.hazards import (
    Escalation,
    ExtensionRequest,
    Hazard,
    HazardCell,
    HazardTransition,
    NoticeCounter,
    ParkedFinding,
    RectificationNotice,
    RemediationPlanRecord,
)
from services.hazard.models.platform import idempotency, import_jobs, import_row_errors, inbox, outbox

__all__ = [
    "Accident",
    "Enterprise",
    "EnterpriseCell",
    "Escalation",
    "ExtensionRequest",
    "Hazard",
    "HazardCell",
    "HazardModel",
    "HazardTransition",
    "NoticeCounter",
    "ParkedFinding",
    "RectificationNotice",
    "RemediationPlanRecord",
    "idempotency",
    "import_jobs",
    "import_row_errors",
    "inbox",
    "metadata",
    "outbox",
]
