"""Listing proposals: the recorded facts checked against the rule sets' situations, for an officer to decide."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import select

from services.registry.domain import blacklist as rules
from services.registry.domain.reviews import PROPOSAL
from services.registry.models import Enterprise, ListingProposal, OverdueHazard, RecordedAccident
from services.registry.schemas.blacklist import BlacklistEntryCreate
from services.registry.schemas.proposals import ProposalAccept, ProposalDismiss, ProposalPublic
from services.registry.service import access
from services.registry.service.blacklist import create_entry
from shared.api.etag import check_version
from shared.api.pagination import Page, PageParams, paginate
from shared.db.uow import UnitOfWork
from shared.errors import Conflict, NotFound
from shared.ids import new_id
from shared.security.principal import Principal


def to_public(p: ListingProposal) -> ProposalPublic:
    return ProposalPublic.model_validate(p, from_attributes=True)


def not_found(proposal_id: str) -> NotFound:
    return NotFound(f"no proposal {proposal_id}", code="proposal_not_found")


async def listing_facts(uow: UnitOfWork, uscc: str) -> rules.ListingFacts:
    """Every accident and overdue major hazard on record for the enterprise."""
    accidents = (await uow.session.exec(select(RecordedAccident).where(RecordedAccident.uscc == uscc))).all()
    hazards = (
        await uow.session.exec(select(OverdueHazard).where(OverdueHazard.uscc == uscc, OverdueHazard.level == "major"))
    ).all()
    return rules.ListingFacts(
        accidents=tuple(rules.AccidentFact(a.accident_id, a.occurred_at, a.grade, a.deaths) for a in accidents),
        overdue_major_hazards=tuple(rules.HazardFact(h.hazard_id, h.overdue_since, h.operating) for h in hazards),
    )


async def check_listing(uow: UnitOfWork, uscc: str) -> list[ListingProposal]:
    """Propose the listing situations the facts now show; returns the proposals created or extended.

    Idempotent: evidence already in a proposal (decided or not) proposes nothing again. A rule set
    later in the settings' order proposes only on evidence the earlier ones left uncovered, so one
    serious accident does not become two proposals under two rule sets.
    """
    if await access.find_enterprise(uow, uscc) is None:
        return []  # facts are kept; an unknown enterprise cannot be listed
    now = uow.now()
    facts = await listing_facts(uow, uscc)
    existing = list((await uow.session.exec(select(ListingProposal).where(ListingProposal.uscc == uscc))).all())
    covered = {e for p in existing for e in p.evidence_ids}
    touched = []
    for code in uow.ctx.settings.listing_rule_sets:
        rs = rules.rule_set(code)
        for found in rules.listing_proposals(rs, facts, now):
            evidence = set(found.evidence_ids)
            pending = next(
                (
                    p
                    for p in existing
                    if p.status == "pending" and (p.rule_set, p.situation) == (found.rule_set, found.situation)
                ),
                None,
            )
            if pending is not None:
                # Keep the pending proposal current: new evidence, and a reason that tells today's facts.
                merged = sorted(set(pending.evidence_ids) | evidence)
                if (merged, found.reason) != (pending.evidence_ids, pending.reason):
                    pending.evidence_ids, pending.reason = merged, found.reason
                    pending.updated_at, pending.version = now, pending.version + 1
                    uow.session.add(pending)
                    touched.append(pending)
            elif not evidence <= covered:
                proposal = ListingProposal(
                    id=new_id(),
                    uscc=uscc,
                    rule_set=found.rule_set,
                    rule_set_version=found.version,
                    situation=found.situation,
                    reason=found.reason,
                    evidence_ids=list(found.evidence_ids),
                    status="pending",
                    created_at=now,
                    updated_at=now,
                )
                uow.session.add(proposal)
                existing.append(proposal)
                touched.append(proposal)
            covered |= evidence
    return touched


async def _visible(uow: UnitOfWork, user: Principal, proposal_id: str, *, lock: bool) -> ListingProposal:
    uscc = (await uow.session.exec(select(ListingProposal.uscc).where(ListingProposal.id == proposal_id))).first()
    if uscc is None:
        raise not_found(proposal_id)
    try:
        await access.staff_enterprise(uow, user, uscc, lock=lock)
    except NotFound:
        raise not_found(proposal_id) from None
    return (
        await uow.session.exec(
            select(ListingProposal).where(ListingProposal.id == proposal_id).execution_options(populate_existing=True)
        )
    ).one()


async def _decide(uow: UnitOfWork, p: ListingProposal, action: str, user: Principal, **values) -> None:
    status = PROPOSAL.next(p.status, action)
    now = uow.now()
    result = await uow.session.execute(
        update(ListingProposal)
        .where(ListingProposal.id == p.id, ListingProposal.version == p.version)
        .values(status=status, decided_by=user.sub, decided_at=now, updated_at=now, version=p.version + 1, **values)
        .execution_options(synchronize_session="evaluate")
    )
    if result.rowcount != 1:
        raise Conflict(f"proposal {p.id} was decided meanwhile", code="invalid_transition", state=p.status)


async def accept(
    *, uow: UnitOfWork, user: Principal, proposal_id: str, data: ProposalAccept, expected_version: int | None = None
) -> ProposalPublic:
    """The officer decides to list: the listing is created now, from the proposal (or the officer's choice)."""
    p = await _visible(uow, user, proposal_id, lock=True)
    check_version(p.version, expected_version)
    PROPOSAL.next(p.status, "accept")
    ent = await access.find_enterprise(uow, p.uscc)
    listing = BlacklistEntryCreate(
        uscc=p.uscc,
        situation=data.situation or p.situation,
        rule_set=data.rule_set or p.rule_set,
        penalty_decision_ref=data.penalty_decision_ref,
        decided_at=data.decided_at,
    )
    entry = await create_entry(uow, user, ent, listing, proposal_id=p.id)
    await _decide(uow, p, "accept", user, entry_id=entry.id)
    await uow.commit()
    return to_public(p)


async def dismiss(
    *, uow: UnitOfWork, user: Principal, proposal_id: str, data: ProposalDismiss, expected_version: int | None = None
) -> ProposalPublic:
    """The officer decides not to list, and says why."""
    p = await _visible(uow, user, proposal_id, lock=True)
    check_version(p.version, expected_version)
    await _decide(uow, p, "dismiss", user, dismissal_reason=data.reason)
    await uow.commit()
    return to_public(p)


async def get(*, uow: UnitOfWork, user: Principal, proposal_id: str) -> ProposalPublic:
    """One proposal, if its enterprise is in the officer's division."""
    return to_public(await _visible(uow, user, proposal_id, lock=False))


async def list_proposals(
    *, uow: UnitOfWork, user: Principal, page: PageParams, status: str | None = None, uscc: str | None = None
) -> Page[ProposalPublic]:
    """Proposals in the officer's division, newest first (``status=pending``: what awaits a decision)."""
    stmt = (
        select(ListingProposal)
        .join(Enterprise, Enterprise.uscc == ListingProposal.uscc)
        .where(access.scope_condition(user))
    )
    if status is not None:
        stmt = stmt.where(ListingProposal.status == status)
    if uscc is not None:
        stmt = stmt.where(ListingProposal.uscc == access.normalize_uscc(uscc))
    rows, total = await paginate(
        uow.session, stmt.order_by(ListingProposal.created_at.desc(), ListingProposal.id.desc()), page
    )
    return Page(items=[to_public(r[0]) for r in rows], total=total, limit=page.limit, offset=page.offset)
