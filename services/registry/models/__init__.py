"""Every registry table, on the registry's metadata (import this before autogenerate)."""

from services.registry.models.assessments import Assessment, AssessmentRuleSetRecord
from services.registry.models.base import RegistryModel, metadata
from services.registry.models.blacklist import BlacklistEntry, ListingProposal, RepairApplication
from services.registry.models.enterprises import CreditChange, Enterprise, EnterpriseChange
from services.registry.models.facts import OverdueHazard, RecordedAccident
from services.registry.models.imports import import_jobs, import_row_errors
from services.registry.models.platform import idempotency, inbox, outbox
from services.registry.models.users import User

__all__ = [
    "Assessment",
    "AssessmentRuleSetRecord",
    "BlacklistEntry",
    "CreditChange",
    "Enterprise",
    "EnterpriseChange",
    "ListingProposal",
    "OverdueHazard",
    "RecordedAccident",
    "RegistryModel",
    "RepairApplication",
    "User",
    "idempotency",
    "import_jobs",
    "import_row_errors",
    "inbox",
    "metadata",
    "outbox",
]
