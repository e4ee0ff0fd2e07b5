"""Partner agencies and their API keys (shown once, stored as a digest, revocable, expiring)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from services.incentives.domain.measures import Domain
from services.incentives.models import Agency, ApiKey
from services.incentives.schemas.partners import (
    AgencyCreate,
    AgencyPublic,
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPublic,
)
from shared.api.pagination import PageParams, paginate
from shared.db.uow import UnitOfWork
from shared.errors import Invalid, NotFound, field_error
from shared.ids import new_id
from shared.security.apikeys import generate_api_key
from shared.security.principal import Principal


def _agency(row: Agency) -> AgencyPublic:
    return AgencyPublic(
        id=row.id, name=row.name, kind=row.kind, domains=row.domains, version=row.version, created_at=row.created_at
    )


def _key(row: ApiKey) -> ApiKeyPublic:
    return ApiKeyPublic(
        id=row.id,
        agency_id=row.agency_id,
        name=row.name,
        prefix=row.prefix,
        rate_limit_per_minute=row.rate_limit_per_minute,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


def _domains(values: list[str]) -> list[str]:
    known = {d.value for d in Domain}
    unknown = sorted(set(values) - known)
    if unknown:
        raise Invalid(
            f"unknown domains: {', '.join(unknown)}",
            code="invalid_domain",
            errors=[field_error("domains", f"one or more of: {', '.join(sorted(known))}")],
        )
    return sorted(set(values))


async def create_agency(*, uow: UnitOfWork, data: AgencyCreate) -> AgencyPublic:
    """Register a partner agency and the measure domains it may see."""
    now = uow.now()
    row = Agency(
        id=new_id(),
        name=data.name.strip(),
        kind=data.kind,
        domains=_domains(data.domains),
        created_at=now,
        updated_at=now,
    )
    uow.session.add(row)
    await uow.commit()
    return _agency(row)


async def get_agency_row(uow: UnitOfWork, agency_id: str) -> Agency:
    row = await uow.session.get(Agency, agency_id)
    if row is None:
        raise NotFound(f"no agency {agency_id}", code="agency_not_found")
    return row


async def get_agency(*, uow: UnitOfWork, agency_id: str) -> AgencyPublic:
    """One agency."""
    return _agency(await get_agency_row(uow, agency_id))


async def list_agencies(
    *, uow: UnitOfWork, page: PageParams, kind: str | None = None
) -> tuple[list[AgencyPublic], int]:
    """The agencies, by name."""
    stmt = select(Agency).order_by(Agency.name, Agency.id)
    if kind:
        stmt = stmt.where(Agency.kind == kind)
    rows, total = await paginate(uow.session, stmt, page)
    return [_agency(r[0]) for r in rows], total


async def create_api_key(*, uow: UnitOfWork, user: Principal, agency_id: str, data: ApiKeyCreate) -> ApiKeyCreated:
    """Issue a key for an agency; the key itself is in this answer only."""
    await get_agency_row(uow, agency_id)
    settings = uow.ctx.settings
    now = uow.now()
    expires_at = data.expires_at or now + timedelta(days=settings.api_key_default_ttl_days)
    if expires_at.tzinfo is None or expires_at <= now:
        raise Invalid(
            "expires_at must be a future time with a time zone",
            code="invalid_expiry",
            errors=[field_error("expires_at", "must be in the future (RFC 3339 with offset)")],
        )
    new = generate_api_key()
    row = ApiKey(
        id=new_id(),
        agency_id=agency_id,
        name=data.name,
        prefix=new.prefix,
        digest=new.digest,
        rate_limit_per_minute=data.rate_limit_per_minute or settings.partner_rate_limit_per_minute,
        created_at=now,
        created_by=user.sub,
        expires_at=expires_at,
    )
    uow.session.add(row)
    await uow.commit()
    return ApiKeyCreated(**_key(row).model_dump(), key=new.key)


async def list_api_keys(*, uow: UnitOfWork, agency_id: str) -> list[ApiKeyPublic]:
    """An agency's keys (prefixes only), newest first."""
    await get_agency_row(uow, agency_id)
    rows = (
        await uow.session.exec(
            select(ApiKey).where(ApiKey.agency_id == agency_id).order_by(col(ApiKey.created_at).desc(), ApiKey.id)
        )
    ).all()
    return [_key(r) for r in rows]


async def revoke_api_key(*, uow: UnitOfWork, agency_id: str, key_id: str) -> ApiKeyPublic:
    """Revoke a key (repeating it is harmless); every replica refuses it within the key cache's lifetime."""
    row = await uow.session.get(ApiKey, key_id)
    if row is None or row.agency_id != agency_id:
        raise NotFound(f"no key {key_id} for agency {agency_id}", code="api_key_not_found")
    if row.revoked_at is None:
        row.revoked_at = uow.now()
        uow.session.add(row)
        await uow.commit()
    partner = uow.ctx.state.get("partner") if uow.ctx else None
    if partner is not None:
        partner.keys.forget(row.prefix)
    return _key(row)
