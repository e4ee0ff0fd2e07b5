"""The hazard service's own copy of each enterprise, built from the registry's events."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from services.hazard.models.base import HazardModel
from shared.db.base import UTCDateTime


class Enterprise(HazardModel, table=True):
    """Location and category of an enterprise, as the registry last announced them.

    ``name`` and ``division_code`` are empty only while an update has arrived before the
    registration it updates; such an enterprise does not count as known yet.
    """

    __tablename__ = "enterprises"

    uscc: str = Field(primary_key=True, max_length=18)
    name: str | None = Field(default=None, max_length=200)
    division_code: str | None = Field(default=None, max_length=6)
    township: str | None = Field(default=None, max_length=100)
    village: str | None = Field(default=None, max_length=100)
    category: str | None = Field(default=None, max_length=40)
    #: Time of the newest registry event applied; older events only fill what is still empty.
    as_of: datetime = Field(sa_type=UTCDateTime())
    updated_at: datetime = Field(sa_type=UTCDateTime())

    @property
    def known(self) -> bool:
        return bool(self.name and self.division_code)
