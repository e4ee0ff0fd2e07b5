"""The hazard service's own copy of each enterprise, built from the registry's events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, String
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
    #: The grid cell the enterprise sits in (``grid.enterprise.placed.v1``), and the stamp
    #: (placement time, event id) of the placement applied: a placement with an older stamp is ignored.
    cell_id: str | None = Field(default=None, max_length=64)
    #: The cells from the grid's root down to ``cell_id`` (``/root/.../cell/``).
    cell_path: str | None = Field(default=None, max_length=400)
    cell_as_of: datetime | None = Field(default=None, sa_type=UTCDateTime())
    cell_event: str | None = Field(default=None, max_length=36)

    @property
    def known(self) -> bool:
        return bool(self.name and self.division_code)


class EnterpriseCell(HazardModel, table=True):
    """A grid cell an enterprise sits in or under: one row per cell on its path, for grid workers."""

    __tablename__ = "enterprise_cells"
    __table_args__ = (Index("ix_enterprise_cells_cell_id_uscc", "cell_id", "uscc"),)

    uscc: str = Field(sa_column=Column(String(18), primary_key=True))
    cell_id: str = Field(sa_column=Column(String(64), primary_key=True))
