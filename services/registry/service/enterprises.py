"""Enterprises: register, read, list, update; their credit history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import select

from services.registry.domain.calendar import local_date
from services.registry.domain.divisions import division_prefix
from services.registry.domain.standardization import DEFAULT_STANDARDIZATION_RULES, expiring_through
from services.registry.domain.uscc import normalize_uscc, validate_uscc
from services.registry.events import outgoing
from services.registry.models import CreditChange, Enterprise
from services.registry.schemas.enterprises import (
    CreditChangePublic,
    EnterpriseCreate,
    EnterprisePublic,
    EnterpriseUpdate,
)
from services.registry.service import access, changes, standing
from shared.api.pagination import Page, PageParams, paginate
from shared.db.uow import UnitOfWork
from shared.errors import Conflict, Invalid, field_error
from shared.security.principal import Principal

#: Fields every enterprise has: a PATCH may change them, never clear them.
_NOT_NULL = ("name", "legal_representative", "division_code", "category", "status")
_STANDARDIZATION = ("standardization_grade", "standardization_valid_until")


def to_public(ent: Enterprise, now: datetime) -> EnterprisePublic:
    """The enterprise as the API shows it, with its certificate's status today."""
    return EnterprisePublic(
        **{f: getattr(ent, f) for f in EnterprisePublic.model_fields if hasattr(Enterprise, f)},
        registration_division_code=ent.uscc[2:8],
        standardization_status=standing.certificate_status(ent, now).value,
    )


def check_standardization(grade: int | None, valid_until: date | None) -> None:
    """A grade and its validity date go together."""
    if (grade is None) != (valid_until is None):
        missing = "standardization_valid_until" if valid_until is None else "standardization_grade"
        message = "a standardization grade needs its validity date, and a date needs a grade"
        raise Invalid(message, code="invalid_standardization", errors=[field_error(missing, "required with the other")])


async def register(*, uow: UnitOfWork, user: Principal, data: EnterpriseCreate) -> EnterprisePublic:
    """Register an enterprise and announce it."""
    uscc = validate_uscc(data.uscc)
    access.check_may_place(user, data.division_code)
    check_standardization(data.standardization_grade, data.standardization_valid_until)
    if await access.find_enterprise(uow, uscc) is not None:
        raise Conflict(f"enterprise {uscc} is already registered", code="enterprise_exists")
    now = uow.now()
    ent = Enterprise(**data.model_dump(exclude={"uscc"}), uscc=uscc, created_at=now, updated_at=now)
    uow.session.add(ent)
    record = ent.model_dump()
    changes.record(
        uow, uscc=uscc, kind=changes.REGISTERED, fields=changes.registered_fields(record), by=user.sub, at=now
    )
    uow.publish(outgoing.registered(record))
    await uow.commit()
    return to_public(ent, now)


async def get(*, uow: UnitOfWork, user: Principal, uscc: str) -> EnterprisePublic:
    """One enterprise, if the caller may see it."""
    return to_public(await access.visible_enterprise(uow, user, uscc, profile=True), uow.now())


@dataclass(frozen=True)
class EnterpriseFilters:
    division_code: str | None = None
    township: str | None = None
    category: str | None = None
    credit_class: str | None = None
    blacklisted: bool | None = None
    standardization_status: str | None = None
    q: str | None = None


async def list_enterprises(
    *, uow: UnitOfWork, user: Principal, filters: EnterpriseFilters, page: PageParams
) -> Page[EnterprisePublic]:
    """Enterprises in the caller's scope that match the filters, in registration order."""
    stmt = (
        select(Enterprise).where(access.scope_condition(user), *_conditions(filters, uow.now())).order_by(Enterprise.id)
    )
    rows, total = await paginate(uow.session, stmt, page)
    now = uow.now()
    return Page(items=[to_public(r[0], now) for r in rows], total=total, limit=page.limit, offset=page.offset)


def _conditions(f: EnterpriseFilters, now: datetime) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.division_code:
        conds.append(Enterprise.division_code.startswith(division_prefix(f.division_code)))
    if f.township:
        conds.append(Enterprise.township == f.township)
    if f.category:
        conds.append(Enterprise.category == f.category)
    if f.credit_class:
        conds.append(Enterprise.credit_class == f.credit_class)
    if f.blacklisted is not None:
        conds.append(Enterprise.blacklisted == f.blacklisted)
    if f.standardization_status:
        conds.append(standardization_condition(f.standardization_status, local_date(now)))
    if f.q:
        text = f.q.strip()
        code = normalize_uscc(text)
        conds.append(
            or_(Enterprise.name.contains(text, autoescape=True), Enterprise.uscc.startswith(code, autoescape=True))
        )
    return conds


def standardization_condition(status: str, today: date) -> ColumnElement[bool]:
    """The certificates in a status today, as SQL (the same days ``standardization_status`` gives)."""
    graded = and_(Enterprise.standardization_grade.is_not(None), Enterprise.standardization_revoked.is_(False))
    until = Enterprise.standardization_valid_until
    last_expiring = expiring_through(today, DEFAULT_STANDARDIZATION_RULES)
    return {
        "none": Enterprise.standardization_grade.is_(None),
        "revoked": and_(Enterprise.standardization_grade.is_not(None), Enterprise.standardization_revoked.is_(True)),
        "expired": and_(graded, until < today),
        "expiring": and_(graded, until >= today, until <= last_expiring),
        "valid": and_(graded, until > last_expiring),
    }[status]


async def update(
    *, uow: UnitOfWork, user: Principal, uscc: str, data: EnterpriseUpdate, expected_version: int
) -> EnterprisePublic:
    """Change an enterprise's record at the version the caller read (412 when it moved on)."""
    ent = await access.staff_enterprise(uow, user, uscc)
    values = data.model_dump(exclude_unset=True)
    cleared = [f for f in _NOT_NULL if f in values and values[f] is None]
    if cleared:
        raise Invalid(
            f"cannot clear {', '.join(cleared)}",
            code="validation_error",
            errors=[field_error(f, "may not be null") for f in cleared],
        )
    if "division_code" in values:
        access.check_may_place(user, values["division_code"])
    values = _standardization_values(ent, values)
    changed = await standing.save(uow, ent, values, by=user.sub, expected_version=expected_version)
    changes.record(uow, uscc=ent.uscc, kind=changes.UPDATED, fields=changes.changed_fields(changed), by=user.sub)
    await uow.commit()
    return to_public(ent, uow.now())


def _standardization_values(ent: Enterprise, values: dict[str, Any]) -> dict[str, Any]:
    """A new certificate recorded by an officer replaces a revoked one; none is recorded while listed."""
    if not any(f in values for f in _STANDARDIZATION):
        return values
    grade = values.get("standardization_grade", ent.standardization_grade)
    until = values.get("standardization_valid_until", ent.standardization_valid_until)
    check_standardization(grade, until)
    if (grade, until) == (ent.standardization_grade, ent.standardization_valid_until):
        return values
    if ent.blacklisted:
        raise Conflict(
            "a listed enterprise's standardization review is suspended until the listing ends",
            code="enterprise_blacklisted",
        )
    return values | {"standardization_revoked": False}


async def credit_history(*, uow: UnitOfWork, user: Principal, uscc: str, page: PageParams) -> Page[CreditChangePublic]:
    """Every change of the enterprise's class, oldest first, with its reason."""
    ent = await access.visible_enterprise(uow, user, uscc)
    stmt = select(CreditChange).where(CreditChange.uscc == ent.uscc).order_by(CreditChange.id)
    rows, total = await paginate(uow.session, stmt, page)
    items = [CreditChangePublic.model_validate(r[0], from_attributes=True) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)
