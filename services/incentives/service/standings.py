"""The standing read model: fold registry events in, recompute measures, push and lift what changed.

Each enterprise's whole ``Standing`` (every fact with its stamp) is stored, so that events fold in
whatever order and however often they arrive. Which measures apply is recomputed from it and the
catalogue; what started or stopped applying is pushed or lifted to the agencies of its domain in
the same transaction as the state (outbox event + measure lives + webhook deliveries).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from sqlalchemy import delete, func
from sqlmodel import col, select

from services.incentives.domain.feedback import MeasureLifeStatus, needs_lift_push, on_cause_ended
from services.incentives.domain.measures import Measure as DomainMeasure
from services.incentives.domain.selection import applicable_measures, measure_changes
from services.incentives.domain.standing import EntryState, EntryStatus, Standing, apply_event
from services.incentives.models import Agency, ApplicableMeasure, Measure, MeasureLife, StandingRow
from services.incentives.service.catalogue import load_catalogue
from services.incentives.service.deliveries import enqueue_deliveries
from shared.contracts.incentives import MeasureChangedV1
from shared.db.uow import UnitOfWork
from shared.errors import NotFound
from shared.ids import new_id
from shared.messaging.envelope import CloudEvent

CATALOGUE_CAUSE = "catalogue"

# --- the stored standing -----------------------------------------------------------------------


def _t(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _pt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def standing_to_json(s: Standing) -> str:
    """The whole standing, stamps included, as JSON text."""
    return orjson.dumps(
        {
            "uscc": s.uscc,
            "name": s.name,
            "name_at": _t(s.name_at),
            "name_event_id": s.name_event_id,
            "credit_class": s.credit_class,
            "class_effective_at": _t(s.class_effective_at),
            "class_event_id": s.class_event_id,
            "honour_roll": s.honour_roll,
            "honour_roll_at": _t(s.honour_roll_at),
            "honour_roll_event_id": s.honour_roll_event_id,
            "blacklist_entries": {
                k: {
                    "status": e.status.value,
                    "reason": e.reason,
                    "at": _t(e.at),
                    "event_id": e.event_id,
                    "expires_at": _t(e.expires_at),
                }
                for k, e in sorted(s.blacklist_entries.items())
            },
        }
    ).decode()


def standing_from_json(text: str) -> Standing:
    """The standing stored by ``standing_to_json``."""
    d: dict[str, Any] = orjson.loads(text)
    return Standing(
        uscc=d["uscc"],
        name=d.get("name"),
        name_at=_pt(d.get("name_at")),
        name_event_id=d.get("name_event_id"),
        credit_class=d.get("credit_class"),
        class_effective_at=_pt(d.get("class_effective_at")),
        class_event_id=d.get("class_event_id"),
        honour_roll=bool(d.get("honour_roll")),
        honour_roll_at=_pt(d.get("honour_roll_at")),
        honour_roll_event_id=d.get("honour_roll_event_id"),
        blacklist_entries={
            k: EntryState(EntryStatus(e["status"]), e["reason"], _pt(e["at"]), e["event_id"], _pt(e.get("expires_at")))
            for k, e in (d.get("blacklist_entries") or {}).items()
        },
    )


def local_day(uow: UnitOfWork) -> date:
    """Today in the zone whose calendar the measures' validity dates use."""
    zone = uow.ctx.settings.measures_timezone if uow.ctx else "Asia/Shanghai"
    return uow.now().astimezone(ZoneInfo(zone)).date()


async def _locked_standing(uow: UnitOfWork, uscc: str) -> StandingRow | None:
    stmt = select(StandingRow).where(StandingRow.uscc == uscc)
    if uow.db.dialect == "postgresql":
        # Serializes the consumer with the catalogue refresh (and a replay) on one enterprise.
        stmt = stmt.with_for_update()
    return (await uow.session.exec(stmt)).first()


# --- consuming registry events -----------------------------------------------------------------


async def apply_registry_event(*, uow: UnitOfWork, event: CloudEvent) -> bool:
    """Fold one registry event into the enterprise's standing and push or lift what changed; True if it changed."""
    uscc = event.data.get("uscc")
    row = await _locked_standing(uow, uscc) if isinstance(uscc, str) else None
    old = standing_from_json(row.state) if row is not None else None
    new = apply_event(old, event.type, event.data, event.id, event.time)  # Invalid for a malformed event
    if new is None or (old is not None and new == old):
        return False  # an unknown type, a duplicate, or an older fact that lost to a newer one
    catalogue = await load_catalogue(uow.session)
    agencies = (await uow.session.exec(select(Agency))).all()
    await reconcile(
        uow=uow,
        row=row,
        standing=new,
        catalogue=catalogue,
        agencies=agencies,
        cause=event.type,
        cause_event_id=event.id,
    )
    return True


async def put_standing(*, uow: UnitOfWork, standing: Standing, cause: str, cause_event_id: str | None = None) -> bool:
    """Store a standing folded elsewhere (a replay) and push or lift what changed; True if anything did."""
    row = await _locked_standing(uow, standing.uscc)
    if row is not None and standing_from_json(row.state) == standing:
        return False
    catalogue = await load_catalogue(uow.session)
    agencies = (await uow.session.exec(select(Agency))).all()
    return await reconcile(
        uow=uow,
        row=row,
        standing=standing,
        catalogue=catalogue,
        agencies=agencies,
        cause=cause,
        cause_event_id=cause_event_id,
    )


# --- recomputing measures ----------------------------------------------------------------------


def _measures_json(measures: Iterable[DomainMeasure], since: dict[str, datetime]) -> str:
    return orjson.dumps(
        [
            {
                "code": m.code,
                "domain": m.domain.value,
                "kind": m.kind.value,
                "text": m.text,
                "basis": m.basis,
                "since": since[m.code],
            }
            for m in measures
        ]
    ).decode()


async def reconcile(
    *,
    uow: UnitOfWork,
    row: StandingRow | None,
    standing: Standing,
    catalogue: list[DomainMeasure],
    agencies: list[Agency],
    cause: str,
    cause_event_id: str | None,
    current: dict[str, ApplicableMeasure] | None = None,
) -> bool:
    """Store the standing, recompute its measures and push or lift the difference; True if anything changed."""
    now = uow.now()
    if current is None:
        rows = (await uow.session.exec(select(ApplicableMeasure).where(ApplicableMeasure.uscc == standing.uscc))).all()
        current = {r.measure_code: r for r in rows}
    after = applicable_measures(standing, catalogue, local_day(uow))
    by_code = {m.code: m for m in after}
    pushed, lifted = measure_changes(set(current), set(by_code))
    # Lifts go out before pushes: a partner sees the old measure end before the new one begins.
    if lifted:
        await uow.session.execute(
            delete(ApplicableMeasure).where(
                ApplicableMeasure.uscc == standing.uscc, col(ApplicableMeasure.measure_code).in_(sorted(lifted))
            )
        )
        for code in sorted(lifted):
            await _lift(uow, standing=standing, current=current[code], cause=cause, cause_event_id=cause_event_id)
    since = {code: r.since for code, r in current.items()}
    for code in sorted(pushed):
        m = by_code[code]
        uow.session.add(
            ApplicableMeasure(
                uscc=standing.uscc, measure_code=code, domain=m.domain.value, kind=m.kind.value, since=now, cause=cause
            )
        )
        since[code] = now
        await _push(uow, standing=standing, measure=m, agencies=agencies, cause=cause, cause_event_id=cause_event_id)
    state = standing_to_json(standing)
    measures = _measures_json(after, since)
    if row is None:
        row = StandingRow(uscc=standing.uscc, state=state, measures=measures, as_of=now)
    elif row.state == state and row.measures == measures:
        return False
    row.name = standing.name
    row.credit_class = standing.credit_class
    row.blacklisted = standing.blacklisted
    row.honour_roll = standing.honour_roll
    row.state = state
    row.measures = measures
    row.as_of = now
    uow.session.add(row)
    await uow.session.flush()
    return True


def _event(
    standing: Standing,
    *,
    code: str,
    domain: str,
    kind: str,
    text: str,
    change: str,
    cause: str,
    cause_event_id: str | None,
    at: datetime,
) -> MeasureChangedV1:
    return MeasureChangedV1(
        uscc=standing.uscc,
        name=standing.name,
        measure_code=code,
        domain=domain,
        kind=kind,
        text=text,
        change=change,
        cause=cause,
        cause_event_id=cause_event_id,
        credit_class=standing.credit_class,
        blacklisted=standing.blacklisted,
        changed_at=at,
    )


async def _push(
    uow: UnitOfWork,
    *,
    standing: Standing,
    measure: DomainMeasure,
    agencies: list[Agency],
    cause: str,
    cause_event_id: str | None,
) -> None:
    now = uow.now()
    ev = uow.publish(
        _event(
            standing,
            code=measure.code,
            domain=measure.domain.value,
            kind=measure.kind.value,
            text=measure.text,
            change="pushed",
            cause=cause,
            cause_event_id=cause_event_id,
            at=now,
        )
    )
    for agency in agencies:
        if measure.domain.value not in agency.domains:
            continue
        last = (
            await uow.session.exec(
                select(MeasureLife.cycle)
                .where(
                    MeasureLife.agency_id == agency.id,
                    MeasureLife.uscc == standing.uscc,
                    MeasureLife.measure_code == measure.code,
                )
                .order_by(col(MeasureLife.cycle).desc())
                .limit(1)
            )
        ).first()
        uow.session.add(
            MeasureLife(
                agency_id=agency.id,
                uscc=standing.uscc,
                measure_code=measure.code,
                cycle=(last or 0) + 1,
                status=MeasureLifeStatus.PUSHED.value,
                pushed_at=now,
                push_event_id=ev.id,
                updated_at=now,
            )
        )
        await enqueue_deliveries(uow=uow, agency_id=agency.id, event=ev)


async def _lift(
    uow: UnitOfWork, *, standing: Standing, current: ApplicableMeasure, cause: str, cause_event_id: str | None
) -> None:
    now = uow.now()
    row = await uow.session.get(Measure, current.measure_code)
    ev = uow.publish(
        _event(
            standing,
            code=current.measure_code,
            domain=current.domain,
            kind=current.kind,
            text=row.text if row is not None else current.measure_code,
            change="lifted",
            cause=cause,
            cause_event_id=cause_event_id,
            at=now,
        )
    )
    closed = (MeasureLifeStatus.LIFT_PUSHED.value, MeasureLifeStatus.LIFTED.value)
    lives = (
        await uow.session.exec(
            select(MeasureLife).where(
                MeasureLife.uscc == standing.uscc,
                MeasureLife.measure_code == current.measure_code,
                col(MeasureLife.status).not_in(closed),
            )
        )
    ).all()
    for life in lives:
        before = MeasureLifeStatus(life.status)
        life.status = on_cause_ended(before).value
        life.cause_ended_at = now
        life.version += 1
        life.updated_at = now
        if needs_lift_push(before):
            life.lift_pushed_at = now
            life.lift_event_id = ev.id
            await enqueue_deliveries(uow=uow, agency_id=life.agency_id, event=ev)
        else:
            # Declared not applicable: nothing was applied, so nothing is owed (domain/feedback.py).
            life.lifted_at = now
        uow.session.add(life)


# --- the periodic refresh ----------------------------------------------------------------------


async def refresh_all(*, ctx, batch_size: int = 200) -> int:
    """Recompute every enterprise's measures against today's catalogue; returns how many changed.

    Runs after a catalogue change and on a schedule (a measure's validity begins or ends at local
    midnight). Idempotent: an unchanged enterprise costs a read and no write.
    """
    changed = 0
    after_uscc = ""
    while True:
        async with ctx.uow() as uow:
            stmt = select(StandingRow).where(StandingRow.uscc > after_uscc).order_by(StandingRow.uscc).limit(batch_size)
            if uow.db.dialect == "postgresql":
                stmt = stmt.with_for_update()
            rows = (await uow.session.exec(stmt)).all()
            if not rows:
                return changed
            after_uscc = rows[-1].uscc
            catalogue = await load_catalogue(uow.session)
            agencies = (await uow.session.exec(select(Agency))).all()
            current_rows = (
                await uow.session.exec(
                    select(ApplicableMeasure).where(col(ApplicableMeasure.uscc).in_([r.uscc for r in rows]))
                )
            ).all()
            current: dict[str, dict[str, ApplicableMeasure]] = {}
            for c in current_rows:
                current.setdefault(c.uscc, {})[c.measure_code] = c
            for row in rows:
                if await reconcile(
                    uow=uow,
                    row=row,
                    standing=standing_from_json(row.state),
                    catalogue=catalogue,
                    agencies=agencies,
                    cause=CATALOGUE_CAUSE,
                    cause_event_id=None,
                    current=current.get(row.uscc, {}),
                ):
                    changed += 1
            await uow.commit()


def schedule_refresh(ctx) -> None:
    """Recompute every enterprise's measures soon (after a catalogue change), not at the next tick."""
    if ctx.spec.extras.get("background", True):
        ctx.runtime.spawn_oneoff("measures-refresh", lambda: refresh_all(ctx=ctx))


async def refresh_fingerprint(*, ctx) -> str:
    """What the measures depend on besides each standing: the local day and every measure's version."""
    async with ctx.uow(write=False) as uow:
        versions = (await uow.session.exec(select(Measure.code, Measure.version).order_by(Measure.code))).all()
        return f"{local_day(uow).isoformat()}|" + ",".join(f"{c}:{v}" for c, v in versions)


# --- bringing a new agency up to date ----------------------------------------------------------

#: The ``cause`` of the pushes that bring a newly registered agency up to date.
SYNC_CAUSE = "agency.sync"


async def sync_agency(*, ctx, agency_id: str, batch_size: int = 500) -> int:
    """Push to one agency every measure of its domains that already applies and that it holds no
    open push for (an agency registered, or given a domain, after the measures began); returns how
    many were pushed.

    Each push is a measure life (``pushed``, so feedback and overdue work as for any push) and a
    webhook delivery to each of the agency's active endpoints, carrying an
    ``incentives.measure.changed.v1`` with cause ``agency.sync``. Nothing goes to the topic: the
    world did not change, only this agency learns of it. Idempotent: a second run finds the open
    pushes and sends nothing; commits every ``batch_size`` enterprises.
    """
    pushed, after = 0, ""
    open_states = [s.value for s in MeasureLifeStatus if s.value not in ("lift_pushed", "lifted")]
    while True:
        async with ctx.uow() as uow:
            agency = await uow.session.get(Agency, agency_id)
            if agency is None:
                raise NotFound(f"no agency {agency_id}", code="agency_not_found")
            usccs = (
                await uow.session.exec(
                    select(ApplicableMeasure.uscc)
                    .where(col(ApplicableMeasure.domain).in_(agency.domains), ApplicableMeasure.uscc > after)
                    .group_by(ApplicableMeasure.uscc)
                    .order_by(ApplicableMeasure.uscc)
                    .limit(batch_size)
                )
            ).all()
            if not usccs:
                return pushed
            after = usccs[-1]
            applying = (
                await uow.session.exec(
                    select(ApplicableMeasure).where(
                        col(ApplicableMeasure.uscc).in_(usccs), col(ApplicableMeasure.domain).in_(agency.domains)
                    )
                )
            ).all()
            held = set(
                (
                    await uow.session.exec(
                        select(MeasureLife.uscc, MeasureLife.measure_code).where(
                            MeasureLife.agency_id == agency.id,
                            col(MeasureLife.uscc).in_(usccs),
                            col(MeasureLife.status).in_(open_states),
                        )
                    )
                ).all()
            )
            last_cycle = {
                (uscc, code): cycle
                for uscc, code, cycle in (
                    await uow.session.exec(
                        select(MeasureLife.uscc, MeasureLife.measure_code, func.max(MeasureLife.cycle))
                        .where(MeasureLife.agency_id == agency.id, col(MeasureLife.uscc).in_(usccs))
                        .group_by(MeasureLife.uscc, MeasureLife.measure_code)
                    )
                ).all()
            }
            standings = {
                r.uscc: r
                for r in (await uow.session.exec(select(StandingRow).where(col(StandingRow.uscc).in_(usccs)))).all()
            }
            texts = dict((await uow.session.exec(select(Measure.code, Measure.text))).all())
            now = uow.now()
            for m in applying:
                if (m.uscc, m.measure_code) in held or m.uscc not in standings:
                    continue
                row = standings[m.uscc]
                data = MeasureChangedV1(
                    uscc=m.uscc,
                    name=row.name,
                    measure_code=m.measure_code,
                    domain=m.domain,
                    kind=m.kind,
                    text=texts.get(m.measure_code, m.measure_code),
                    change="pushed",
                    cause=SYNC_CAUSE,
                    cause_event_id=None,
                    credit_class=None if row.blacklisted else row.credit_class,
                    blacklisted=row.blacklisted,
                    changed_at=now,
                )
                ev = CloudEvent(
                    id=new_id(),
                    source=uow.source,
                    type=data.event_type,
                    subject=m.uscc,
                    time=now,
                    data=data.model_dump(mode="json"),
                )
                uow.session.add(
                    MeasureLife(
                        agency_id=agency.id,
                        uscc=m.uscc,
                        measure_code=m.measure_code,
                        cycle=last_cycle.get((m.uscc, m.measure_code), 0) + 1,
                        status=MeasureLifeStatus.PUSHED.value,
                        pushed_at=now,
                        push_event_id=ev.id,
                        updated_at=now,
                    )
                )
                await enqueue_deliveries(uow=uow, agency_id=agency.id, event=ev)
                pushed += 1
            await uow.commit()
