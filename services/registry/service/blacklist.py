"""Blacklist entries (严重失信主体名单): listing, the end of a listing, and the expiry job.

A listed enterprise stands outside the four classes: its ``credit_class`` is null (announced as a
class change to null) while ``last_class`` keeps the class its latest assessment supports, which
returns when its last active entry ends.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.registry.domain import blacklist as rules
from services.registry.domain.calendar import local_date
from services.registry.events import outgoing
from services.registry.models import BlacklistEntry, Enterprise
from services.registry.schemas.blacklist import BlacklistEntryCreate, BlacklistEntryPublic, Revocation
from services.registry.service import access, standing
from shared.api.etag import check_version
from shared.api.pagination import Page, PageParams, paginate
from shared.db.uow import UnitOfWork
from shared.errors import Conflict, Invalid, NotFound, field_error
from shared.ids import new_id
from shared.logging import get_logger
from shared.security.principal import Principal

log = get_logger("anjian.registry.blacklist")

#: Who the expiry job says ended a listing.
SYSTEM = "system:blacklist-expiry"


def to_public(e: BlacklistEntry) -> BlacklistEntryPublic:
    rs = rules.rule_set(e.rule_set)
    return BlacklistEntryPublic.model_validate(
        {
            **e.model_dump(),
            "situation_text": rules.check_situation(rs, e.situation).text_zh,
            "repair_earliest": rules.repair_earliest(rs, e.decided_at),
        }
    )


def entry_not_found(entry_id: str) -> NotFound:
    return NotFound(f"no blacklist entry {entry_id}", code="entry_not_found")


async def add_entry(
    *, uow: UnitOfWork, user: Principal, data: BlacklistEntryCreate, proposal_id: str | None = None
) -> BlacklistEntryPublic:
    """List an enterprise after a penalty decision: its term follows the rule set; it leaves the classes."""
    ent = await access.staff_enterprise(uow, user, data.uscc)
    entry = await create_entry(uow, user, ent, data, proposal_id=proposal_id)
    await uow.commit()
    return to_public(entry)


async def create_entry(
    uow: UnitOfWork, user: Principal, ent: Enterprise, data: BlacklistEntryCreate, *, proposal_id: str | None
) -> BlacklistEntry:
    """Write a listing of a locked enterprise and its consequences, without committing."""
    now = uow.now()
    if data.decided_at > now:
        message = "a listing cannot be decided in the future"
        raise Invalid(message, code="invalid_decided_at", errors=[field_error("decided_at", message)])
    rs = rules.rule_set(data.rule_set) if data.rule_set else rules.current_rule_set(local_date(data.decided_at))
    rules.check_situation(rs, data.situation)
    entries = (await uow.session.exec(select(BlacklistEntry).where(BlacklistEntry.uscc == ent.uscc))).all()
    if any(e.penalty_decision_ref == data.penalty_decision_ref for e in entries):
        raise Conflict(
            f"penalty decision {data.penalty_decision_ref} already grounds a listing of {ent.uscc}",
            code="duplicate_listing",
        )
    priors = [e.decided_at for e in entries if e.status != rules.EntryStatus.REVOKED]
    expires_at = rules.entry_expires_at(rs, data.decided_at, priors)
    if expires_at <= now:
        message = f"a listing decided then under {rs.code} ended on {expires_at.isoformat()}"
        raise Invalid(message, code="listing_already_ended", errors=[field_error("decided_at", message)])
    entry = BlacklistEntry(
        id=new_id(),
        uscc=ent.uscc,
        rule_set=rs.code,
        rule_set_version=rs.version,
        situation=data.situation,
        penalty_decision_ref=data.penalty_decision_ref,
        decided_at=data.decided_at,
        expires_at=expires_at,
        status=rules.EntryStatus.ACTIVE.value,
        principal_people={
            "legal_representative": ent.legal_representative,
            "person_in_charge": ent.person_in_charge,
            "safety_lead": ent.safety_lead,
        },
        proposal_id=proposal_id,
        created_by=user.sub,
        created_at=now,
    )
    uow.session.add(entry)
    uow.publish(outgoing.entry_added(entry))
    await enter_listing(
        uow, ent, by=user.sub, reason=f"listed: {data.situation} ({data.penalty_decision_ref})", entry=entry
    )
    try:
        await uow.flush()
    except IntegrityError:
        await uow.rollback()
        raise Conflict(
            f"penalty decision {data.penalty_decision_ref} already grounds a listing of {ent.uscc}",
            code="duplicate_listing",
        ) from None
    return entry


async def enter_listing(uow: UnitOfWork, ent: Enterprise, *, by: str, reason: str, entry: BlacklistEntry) -> None:
    """The enterprise leaves the classes and its standardization certificate is revoked."""
    if ent.blacklisted:
        return
    values = {"blacklisted": True, "credit_class": None}
    if ent.standardization_grade is not None:
        # Any blacklist entry suspends review and revokes the certificate (domain.md).
        values["standardization_revoked"] = True
    await standing.save(uow, ent, values, by=by, reason=reason, entry_id=entry.id)


async def end_listing(
    uow: UnitOfWork, ent: Enterprise, entry: BlacklistEntry, *, status: str, at: datetime, by: str, note: str | None
) -> None:
    """End an entry (expired, repaired, revoked); when none is left active, the class returns."""
    result = await uow.session.execute(
        update(BlacklistEntry)
        .where(BlacklistEntry.id == entry.id, BlacklistEntry.status == rules.EntryStatus.ACTIVE.value)
        .values(status=status, ended_at=at, end_reason=note, version=entry.version + 1)
        .execution_options(synchronize_session="evaluate")
    )
    if result.rowcount != 1:
        raise Conflict(f"blacklist entry {entry.id} ended meanwhile", code="invalid_transition", state=entry.status)
    uow.publish(outgoing.entry_removed(entry, reason=status, removed_at=at))
    still_listed = (
        await uow.session.exec(
            select(BlacklistEntry.id).where(
                BlacklistEntry.uscc == ent.uscc, BlacklistEntry.status == rules.EntryStatus.ACTIVE.value
            )
        )
    ).first()
    if still_listed is None:
        await standing.save(
            uow,
            ent,
            {"blacklisted": False, "credit_class": ent.last_class},
            by=by,
            reason=f"listing ended ({status}): the class of the latest assessment returns",
            assessment_id=ent.last_assessment_id,
            entry_id=entry.id,
        )


async def locked_entry(uow: UnitOfWork, user: Principal, entry_id: str) -> tuple[BlacklistEntry, Enterprise]:
    """An entry and its enterprise, the enterprise's row locked (404 outside an officer's division)."""
    uscc = (await uow.session.exec(select(BlacklistEntry.uscc).where(BlacklistEntry.id == entry_id))).first()
    if uscc is None:
        raise entry_not_found(entry_id)
    try:
        ent = await access.staff_enterprise(uow, user, uscc)
    except NotFound:
        raise entry_not_found(entry_id) from None
    entry = (
        await uow.session.exec(
            select(BlacklistEntry).where(BlacklistEntry.id == entry_id).execution_options(populate_existing=True)
        )
    ).one()
    return entry, ent


async def revoke_entry(
    *, uow: UnitOfWork, user: Principal, entry_id: str, data: Revocation, expected_version: int | None = None
) -> BlacklistEntryPublic:
    """Withdraw a listing decision (e.g. its penalty was set aside): the entry ends as ``revoked``."""
    entry, ent = await locked_entry(uow, user, entry_id)
    check_version(entry.version, expected_version)
    status = rules.next_status(entry.status, rules.EntryAction.REVOKE)
    await end_listing(uow, ent, entry, status=status.value, at=uow.now(), by=user.sub, note=data.reason)
    await uow.commit()
    return to_public(entry)


async def get_entry(*, uow: UnitOfWork, user: Principal, entry_id: str) -> BlacklistEntryPublic:
    """One entry, if the caller may see its enterprise."""
    entry = (await uow.session.exec(select(BlacklistEntry).where(BlacklistEntry.id == entry_id))).first()
    if entry is None:
        raise entry_not_found(entry_id)
    try:
        await access.visible_enterprise(uow, user, entry.uscc)
    except NotFound:
        raise entry_not_found(entry_id) from None
    return to_public(entry)


async def list_entries(
    *, uow: UnitOfWork, user: Principal, page: PageParams, uscc: str | None = None, status: str | None = None
) -> Page[BlacklistEntryPublic]:
    """Entries of the enterprises in the caller's scope, newest decision first."""
    stmt = (
        select(BlacklistEntry)
        .join(Enterprise, Enterprise.uscc == BlacklistEntry.uscc)
        .where(access.scope_condition(user))
    )
    if uscc is not None:
        ent = await access.visible_enterprise(uow, user, uscc)
        stmt = stmt.where(BlacklistEntry.uscc == ent.uscc)
    if status is not None:
        stmt = stmt.where(BlacklistEntry.status == status)
    stmt = stmt.order_by(BlacklistEntry.decided_at.desc(), BlacklistEntry.id.desc())
    rows, total = await paginate(uow.session, stmt, page)
    return Page(items=[to_public(r[0]) for r in rows], total=total, limit=page.limit, offset=page.offset)


async def expire_due(ctx) -> int:
    """The scheduled job: end every active entry whose term has run out; returns how many it ended.

    Idempotent and safe on every replica at once: each entry ends in its own transaction, under its
    enterprise's lock, and only while it is still active, so a second run (or replica) finds nothing.
    """
    now = ctx.clock.now()
    async with ctx.uow(write=False) as uow:
        due = (
            await uow.session.exec(
                select(BlacklistEntry.id, BlacklistEntry.uscc)
                .where(BlacklistEntry.status == rules.EntryStatus.ACTIVE.value, BlacklistEntry.expires_at <= now)
                .order_by(BlacklistEntry.expires_at)
            )
        ).all()
    ended = 0
    for entry_id, uscc in due:
        async with ctx.uow() as uow:
            ent = await access.find_enterprise(uow, uscc, lock=True)
            entry = (
                await uow.session.exec(
                    select(BlacklistEntry)
                    .where(BlacklistEntry.id == entry_id)
                    .execution_options(populate_existing=True)
                )
            ).one()
            if entry.status != rules.EntryStatus.ACTIVE.value or not rules.is_due_to_expire(entry.expires_at, now):
                continue  # another replica ended it, or it was restored with a later end
            status = rules.next_status(entry.status, rules.EntryAction.EXPIRE)
            # The listing ended when its term did, whenever this job noticed.
            await end_listing(uow, ent, entry, status=status.value, at=entry.expires_at, by=SYSTEM, note="term ended")
            await uow.commit()
            ended += 1
    if ended:
        log.info("blacklist entries expired", count=ended)
    return ended
