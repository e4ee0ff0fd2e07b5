"""Rebuild the standing read model from a history of registry events (``anjian events replay``).

The history comes from the registry's own outbox (every event it ever committed, in order,
available in both modes) or from a JSON Lines file of structured CloudEvents (an export, or what a
webhook receiver stored). Standings are order-insensitive, so the events are folded per
enterprise in memory and each result is stored with the same reconcile step the consumer uses:
whatever the rebuilt standing changes is pushed or lifted (cause ``replay``). Replaying the same
history twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import MetaData, select

from services.incentives.domain.standing import KNOWN_EVENT_TYPES, Standing, apply_event
from services.incentives.models import StandingRow
from services.incentives.service.standings import put_standing, standing_from_json
from shared.contracts import TOPIC_REGISTRY
from shared.db.engine import create_engine
from shared.errors import Invalid
from shared.messaging.envelope import CloudEvent, EnvelopeError, from_binary, from_structured
from shared.messaging.outbox import outbox_table, row_message

REPLAY_CAUSE = "replay"


@dataclass
class ReplayReport:
    events: int = 0
    enterprises: int = 0
    changed: int = 0
    refused: list[str] = field(default_factory=list)


async def events_from_outbox(database_url: str, *, batch: int = 1000) -> AsyncIterator[CloudEvent]:
    """The registry's committed events, oldest first, read from its outbox table."""
    table = outbox_table(MetaData())
    engine = create_engine(database_url)
    try:
        last = 0
        while True:
            async with engine.connect() as conn:
                rows = (
                    await conn.execute(
                        select(table)
                        .where(table.c.topic == TOPIC_REGISTRY, table.c.id > last)
                        .order_by(table.c.id)
                        .limit(batch)
                    )
                ).all()
            if not rows:
                return
            for r in rows:
                m = row_message(r)
                yield from_binary(m.headers, m.value)
            last = rows[-1].id
    finally:
        await engine.dispose()


def events_from_file(path: Path) -> Iterable[CloudEvent]:
    """Structured CloudEvents, one JSON document per line (blank lines skipped)."""
    with path.open("rb") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield from_structured(line)
                except EnvelopeError as exc:
                    raise Invalid(f"line {n} of {path} is not a CloudEvent: {exc}", code="invalid_event") from exc


async def replay(*, ctx, events: AsyncIterator[CloudEvent] | Iterable[CloudEvent], reset: bool = False) -> ReplayReport:
    """Fold the events per enterprise onto the stored standings (or onto nothing with ``reset``) and store them."""
    report = ReplayReport()
    folded: dict[str, Standing | None] = {}

    async def fold(ev: CloudEvent) -> None:
        if ev.type not in KNOWN_EVENT_TYPES:
            return
        report.events += 1
        uscc = ev.data.get("uscc")
        if not isinstance(uscc, str):
            report.refused.append(f"{ev.id}: no uscc")
            return
        if uscc not in folded:
            folded[uscc] = None if reset else await _stored(ctx, uscc)
        try:
            folded[uscc] = apply_event(folded[uscc], ev.type, ev.data, ev.id, ev.time)
        except Invalid as exc:
            report.refused.append(f"{ev.id}: {exc.detail}")

    if hasattr(events, "__aiter__"):
        async for ev in events:
            await fold(ev)
    else:
        for ev in events:
            await fold(ev)
    for standing in folded.values():
        if standing is None:
            continue
        report.enterprises += 1
        async with ctx.uow() as uow:
            if await put_standing(uow=uow, standing=standing, cause=REPLAY_CAUSE):
                report.changed += 1
            await uow.commit()
    return report


async def _stored(ctx, uscc: str) -> Standing | None:
    async with ctx.db.read() as s:
        state = (await s.execute(select(StandingRow.state).where(StandingRow.uscc == uscc))).scalar_one_or_none()
    return standing_from_json(state) if state is not None else None
