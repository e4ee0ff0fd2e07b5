"""Enterprise request and response models."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.registry.domain.enterprise_fields import Category, Scale, Status

DivisionCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
Phone = Annotated[str, StringConstraints(pattern=r"^[0-9+\-() ]{3,30}$")]
Text100 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
CreditClassName = Literal["A", "B", "C", "D"]
StandardizationStatusName = Literal["valid", "expiring", "expired", "none", "revoked"]


class EnterpriseBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    legal_representative: Text100
    person_in_charge: Text100 | None = None
    person_in_charge_phone: Phone | None = None
    safety_lead: Text100 | None = None
    safety_lead_phone: Phone | None = None
    division_code: DivisionCode = Field(
        description="where the enterprise is located (not the code's registration division)"
    )
    township: Text100 | None = None
    village: Text100 | None = None
    address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None
    category: Category
    scale: Scale | None = None
    employees: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    status: Status = "operating"
    standardization_grade: Literal[1, 2, 3] | None = None
    standardization_valid_until: date | None = None


class EnterpriseCreate(EnterpriseBase):
    """Registration: the code is normalized and checked by the service (422 ``invalid_uscc``)."""

    uscc: Annotated[str, StringConstraints(max_length=60)]


class EnterpriseUpdate(BaseModel):
    """The fields to change; a field sent as null clears it (where it may be empty)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] | None = None
    legal_representative: Text100 | None = None
    person_in_charge: Text100 | None = None
    person_in_charge_phone: Phone | None = None
    safety_lead: Text100 | None = None
    safety_lead_phone: Phone | None = None
    division_code: DivisionCode | None = None
    township: Text100 | None = None
    village: Text100 | None = None
    address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None
    category: Category | None = None
    scale: Scale | None = None
    employees: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    status: Status | None = None
    standardization_grade: Literal[1, 2, 3] | None = None
    standardization_valid_until: date | None = None


class EnterprisePublic(BaseModel):
    uscc: str
    name: str
    legal_representative: str
    person_in_charge: str | None
    person_in_charge_phone: str | None
    safety_lead: str | None
    safety_lead_phone: str | None
    division_code: str
    registration_division_code: str = Field(description="the division inside the code (where it registered)")
    township: str | None
    village: str | None
    address: str | None
    category: str
    scale: str | None
    employees: int | None
    status: str
    credit_class: CreditClassName | None = Field(description="null while unrated or while blacklisted")
    credit_score: Decimal | None
    last_class: CreditClassName | None = Field(description="the class the latest approved assessment supports")
    blacklisted: bool
    standardization_grade: int | None
    standardization_valid_until: date | None
    standardization_status: StandardizationStatusName
    standardization_revoked: bool = Field(description="revoked by a listing; a new grade replaces it")
    honour_roll: bool
    version: int
    created_at: datetime
    updated_at: datetime


class CreditChangePublic(BaseModel):
    old_class: CreditClassName | None
    new_class: CreditClassName | None
    score: Decimal | None
    reason: str
    assessment_id: str | None
    entry_id: str | None
    effective_at: datetime
    recorded_by: str


class EnterpriseChangePublic(BaseModel):
    """One change of an enterprise's base data."""

    id: int
    uscc: str
    at: datetime
    by: str = Field(description="the user's sub, or import:<job id> for a spreadsheet row")
    kind: Literal["registered", "updated"]
    fields: list[str] = Field(description="the fields that changed; for a registration, every field it gave a value")
