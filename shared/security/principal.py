"""Who is calling: the claims of a staff token, or a partner key."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["admin", "officer", "grid_worker", "expert", "advisor", "enterprise"]
ROLES: tuple[str, ...] = ("admin", "officer", "grid_worker", "expert", "advisor", "enterprise")
#: The scope claim each role carries (architecture.md, "Security").
SCOPE_CLAIM = {"officer": "division_code", "grid_worker": "grid_cell_ids", "advisor": "agency_id", "enterprise": "uscc"}


@dataclass(frozen=True)
class Principal:
    sub: str
    role: str
    division_code: str | None = None
    grid_cell_ids: tuple[str, ...] = field(default_factory=tuple)
    uscc: str | None = None
    agency_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def claims(self) -> dict:
        out: dict = {"sub": self.sub, "role": self.role}
        if self.division_code:
            out["division_code"] = self.division_code
        if self.grid_cell_ids:
            out["grid_cell_ids"] = list(self.grid_cell_ids)
        if self.uscc:
            out["uscc"] = self.uscc
        if self.agency_id:
            out["agency_id"] = self.agency_id
        return out
