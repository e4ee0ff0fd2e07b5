"""Import jobs and their row errors (the platform's tables, on the registry's metadata)."""

from services.registry.models.base import metadata
from shared.imports import import_tables

import_jobs, import_row_errors = import_tables(metadata)
