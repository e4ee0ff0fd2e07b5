"""Credit repair (信用修复): an application ends a listing early; a repair found false is revoked."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.registry.domain import blacklist as rules
from services.registry.domain.reviews import REPAIR_APPLICATION, check_four_eyes
from services.registry.events import outgoing
from services.registry.models import BlacklistEntry, Enterprise, RepairApplication
from services.registry.schemas.blacklist import (
    RepairApplicationCreate,
    RepairApplicationPublic,
    Revocation,
)
from services.registry.service import access
from services.registry.service.blacklist import end_listing, enter_listing, entry_not_found, locked_entry
from shared.api.etag import check_version
from shared.api.pagination import Page, PageParams, paginate
from shared.db.uow import UnitOfWork
from shared.errors import Conflict, NotFound
from shared.ids import new_id
from shared.security.principal import Principal


def to_public(a: RepairApplication) -> RepairApplicationPublic:
    return RepairApplicationPublic.model_validate(a, from_attributes=True)


def not_found(application_id: str) -> NotFound:
    return NotFound(f"no repair application {application_id}", code="repair_application_not_found")


async def apply(
    *, uow: UnitOfWork, user: Principal, entry_id: str, data: RepairApplicationCreate
) -> RepairApplicationPublic:
    """Apply for early removal of an active listing, once its rule set's minimum period has passed."""
    entry = (await uow.session.exec(select(BlacklistEntry).where(BlacklistEntry.id == entry_id))).first()
    if entry is None:
        raise entry_not_found(entry_id)
    try:
        ent = await access.visible_enterprise(uow, user, entry.uscc)
    except NotFound:
        raise entry_not_found(entry_id) from None
    if entry.status != rules.EntryStatus.ACTIVE.value:
        raise Conflict(
            f"entry {entry_id} is {entry.status}: only an active listing can be repaired",
            code="invalid_transition",
            state=entry.status,
            allowed=rules.allowed_actions(entry.status),
        )
    rules.check_repair_allowed(rules.rule_set(entry.rule_set), entry.decided_at, uow.now())
    application = RepairApplication(
        id=new_id(),
        entry_id=entry.id,
        uscc=ent.uscc,
        commitment=data.commitment,
        evidence=list(data.evidence),
        status="submitted",
        applied_by=user.sub,
        applied_at=uow.now(),
    )
    uow.session.add(application)
    try:
        await uow.commit()
    except IntegrityError:
        await uow.rollback()
        raise Conflict(f"entry {entry_id} already has an application under review", code="repair_pending") from None
    return to_public(application)


async def _locked(
    uow: UnitOfWork, user: Principal, application_id: str
) -> tuple[RepairApplication, BlacklistEntry, Enterprise]:
    entry_id = (
        await uow.session.exec(select(RepairApplication.entry_id).where(RepairApplication.id == application_id))
    ).first()
    if entry_id is None:
        raise not_found(application_id)
    try:
        entry, ent = await locked_entry(uow, user, entry_id)
    except NotFound:
        raise not_found(application_id) from None
    application = (
        await uow.session.exec(
            select(RepairApplication)
            .where(RepairApplication.id == application_id)
            .execution_options(populate_existing=True)
        )
    ).one()
    return application, entry, ent


async def _move(uow: UnitOfWork, a: RepairApplication, action: str, **values) -> None:
    status = REPAIR_APPLICATION.next(a.status, action)
    result = await uow.session.execute(
        update(RepairApplication)
        .where(RepairApplication.id == a.id, RepairApplication.version == a.version)
        .values(status=status, version=a.version + 1, **values)
        .execution_options(synchronize_session="evaluate")
    )
    if result.rowcount != 1:
        raise Conflict(f"repair application {a.id} was decided meanwhile", code="invalid_transition", state=a.status)


async def approve(
    *, uow: UnitOfWork, user: Principal, application_id: str, expected_version: int | None = None
) -> RepairApplicationPublic:
    """Approve a repair: the listing ends as ``repaired`` and the class of the latest assessment returns."""
    a, entry, ent = await _locked(uow, user, application_id)
    check_version(a.version, expected_version)
    check_four_eyes(a.applied_by, user.sub, "repair application")
    REPAIR_APPLICATION.next(a.status, "approve")
    now = uow.now()
    status = rules.next_status(entry.status, rules.EntryAction.REPAIR)
    rules.check_repair_allowed(rules.rule_set(entry.rule_set), entry.decided_at, now)
    await _move(uow, a, "approve", decided_by=user.sub, decided_at=now)
    await end_listing(uow, ent, entry, status=status.value, at=now, by=user.sub, note=f"repair {a.id} approved")
    await uow.commit()
    return to_public(a)


async def reject(
    *, uow: UnitOfWork, user: Principal, application_id: str, data: Revocation, expected_version: int | None = None
) -> RepairApplicationPublic:
    """Refuse a repair application with a reason; the listing runs on."""
    a, _entry, _ent = await _locked(uow, user, application_id)
    check_version(a.version, expected_version)
    check_four_eyes(a.applied_by, user.sub, "repair application")
    await _move(uow, a, "reject", decided_by=user.sub, decided_at=uow.now(), decision_reason=data.reason)
    await uow.commit()
    return to_public(a)


async def revoke(
    *, uow: UnitOfWork, user: Principal, application_id: str, data: Revocation, expected_version: int | None = None
) -> RepairApplicationPublic:
    """Revoke a repair obtained by false statements: the listing is restored for the term that remained."""
    a, entry, ent = await _locked(uow, user, application_id)
    check_version(a.version, expected_version)
    REPAIR_APPLICATION.next(a.status, "revoke")
    now = uow.now()
    status = rules.next_status(entry.status, rules.EntryAction.REVOKE_REPAIR)
    expires_at = rules.restored_expires_at(entry.expires_at, entry.ended_at, now)
    await _move(uow, a, "revoke", revoked_by=user.sub, revoked_at=now, revocation_reason=data.reason)
    await uow.session.execute(
        update(BlacklistEntry)
        .where(BlacklistEntry.id == entry.id)
        .values(
            status=status.value,
            expires_at=expires_at,
            reinstated_at=now,
            ended_at=None,
            end_reason=None,
            version=entry.version + 1,
        )
        .execution_options(synchronize_session="evaluate")
    )
    uow.publish(outgoing.entry_added(entry, reinstated_at=now))
    await enter_listing(uow, ent, by=user.sub, reason=f"listing reinstated: repair {a.id} revoked", entry=entry)
    await uow.commit()
    return to_public(a)


async def get(*, uow: UnitOfWork, user: Principal, application_id: str) -> RepairApplicationPublic:
    """One application, if the caller may see its enterprise."""
    a = (await uow.session.exec(select(RepairApplication).where(RepairApplication.id == application_id))).first()
    if a is None:
        raise not_found(application_id)
    try:
        await access.visible_enterprise(uow, user, a.uscc)
    except NotFound:
        raise not_found(application_id) from None
    return to_public(a)


async def list_applications(
    *, uow: UnitOfWork, user: Principal, page: PageParams, status: str | None = None, entry_id: str | None = None
) -> Page[RepairApplicationPublic]:
    """Applications of the enterprises in the caller's scope, newest first."""
    stmt = (
        select(RepairApplication)
        .join(Enterprise, Enterprise.uscc == RepairApplication.uscc)
        .where(access.scope_condition(user))
    )
    if status is not None:
        stmt = stmt.where(RepairApplication.status == status)
    if entry_id is not None:
        stmt = stmt.where(RepairApplication.entry_id == entry_id)
    rows, total = await paginate(
        uow.session, stmt.order_by(RepairApplication.applied_at.desc(), RepairApplication.id.desc()), page
    )
    return Page(items=[to_public(r[0]) for r in rows], total=total, limit=page.limit, offset=page.offset)
