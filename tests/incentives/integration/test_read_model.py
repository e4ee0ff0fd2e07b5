"""The standing read model: duplicates and reordering leave one state; replay rebuilds it; bad events go to the DLQ."""

import asyncio
import random
from datetime import UTC, datetime, timedelta

import orjson
from sqlalchemy import MetaData, insert
from sqlmodel import select
from typer.testing import CliRunner

from services.incentives.models import ApplicableMeasure, MeasureLife, StandingRow
from services.incentives.service.replay import events_from_file, events_from_outbox, replay
from shared.contracts import TOPIC_REGISTRY, dlq_topic
from shared.db.engine import create_engine
from shared.messaging.envelope import CloudEvent, from_binary
from shared.messaging.outbox import INSERT_COLUMNS, outbox_row, outbox_table
from tests.incentives.conftest import USCC_A, USCC_B, class_changed, honour_roll, listed, registered, unlisted

T0 = datetime(2025, 6, 1, tzinfo=UTC)


def history(env):
    """Two enterprises' lives in the registry, each event once, in the registry's order."""
    out = []
    for uscc in (USCC_A, USCC_B):
        out += [
            env.event(registered(uscc)),
            env.event(class_changed(uscc, "B", T0)),
            env.event(honour_roll(uscc, True)),
            env.event(listed(uscc, "E1", T0 + timedelta(days=10), T0 + timedelta(days=1105))),
            env.event(class_changed(uscc, "A", T0 + timedelta(days=20), old="B")),
            env.event(unlisted(uscc, "E1", T0 + timedelta(days=400), "repaired")),
            env.event(listed(uscc, "E2", T0 + timedelta(days=500), T0 + timedelta(days=1595))),
        ]
        env.clock.advance(timedelta(minutes=1))  # profile updates are ordered by event time
    return out


async def snapshot(env):
    async with env.ctx.uow(write=False) as uow:
        standings = {
            r.uscc: (r.name, r.credit_class, r.blacklisted, r.honour_roll, orjson.loads(r.state))
            for r in (await uow.session.exec(select(StandingRow))).all()
        }
        measures = sorted((r.uscc, r.measure_code) for r in (await uow.session.exec(select(ApplicableMeasure))).all())
    return standings, measures


async def test_duplicated_and_reordered_events_leave_the_same_state(make_env):
    states, original = [], None
    for seed in (None, 1, 2, 3):
        async with make_env() as env:
            original = original or history(env)  # the same events (ids, times) in every run
            events = list(original)
            if seed is not None:
                rng = random.Random(seed)
                events = events + rng.sample(events, 5)  # redeliveries (new offsets, same event ids)
                rng.shuffle(events)
            for m in events:
                await env.publish(m)
            await env.consume(len(events))
            states.append(await snapshot(env))
    assert all(s == states[0] for s in states[1:])
    standings, measures = states[0]
    assert standings[USCC_A][1:4] == ("A", True, True)
    assert {code for uscc, code in measures if uscc == USCC_A} == {
        "awards.veto",
        "electricity.capacity_restricted",
        "insurance.higher_premium",
        "land.supply_restricted",
        "loans.restricted_credit",
        "procurement.barred",
        "subsidies.restricted",
        "tax.credit_rating_reference",
    }


async def test_a_redelivered_event_changes_nothing_and_pushes_nothing(make_env):
    async with make_env() as env:
        await env.make_agency("bank", ["loans"])
        msgs = [env.event(registered(USCC_A)), env.event(class_changed(USCC_A, "D", T0))]
        await env.publish(*msgs)
        await env.consume(2)
        await env.publish(*msgs)  # the broker redelivers after a lost offset commit
        await env.consume(2)
        async with env.ctx.uow(write=False) as uow:
            lives = [(x.measure_code, x.cycle) for x in (await uow.session.exec(select(MeasureLife))).all()]
        assert lives == [("loans.restricted_credit", 1)]


async def test_a_malformed_registry_event_goes_to_the_dead_letter_topic(make_env):
    async with make_env() as env:
        # Valid for the contract model, but a time without a zone cannot be ordered against others.
        good = env.event(class_changed(USCC_A, "D", T0))
        bad = good.__class__(
            good.topic,
            good.key,
            orjson.dumps({**orjson.loads(good.value), "effective_at": "2025-06-01T08:00:00"}),
            tuple((k, v if k != "ce_id" else b"bad-1") for k, v in good.headers),
        )
        sub = await env.transport.subscribe([dlq_topic(TOPIC_REGISTRY)], "dlq-reader")
        await env.publish(bad)
        await env.consume(1)
        dead = await sub.fetch(10, 5)
        assert len(dead) == 1 and dead[0].message.header("dlq_consumer") == "incentives"
        assert "invalid_event" in dead[0].message.header("dlq_error")
        assert (await snapshot(env))[0] == {}


def registry_events(env):
    return [from_binary(m.headers, m.value) for m in history(env)]


async def test_replay_from_a_file_rebuilds_the_read_model_and_is_idempotent(make_env, tmp_path):
    async with make_env() as env:
        events = registry_events(env)
        path = tmp_path / "registry-events.jsonl"
        path.write_bytes(b"\n".join(e.to_structured() for e in reversed(events)) + b"\n")
        report = await replay(ctx=env.ctx, events=events_from_file(path))
        assert (report.events, report.enterprises, report.changed, report.refused) == (14, 2, 2, [])
        rebuilt = await snapshot(env)
        assert rebuilt[0][USCC_A][1:4] == ("A", True, True)
        again = await replay(ctx=env.ctx, events=events_from_file(path))
        assert again.changed == 0
        assert await snapshot(env) == rebuilt

    # The same history consumed from the topic gives the same read model.
    async with make_env() as env:
        for e in events:
            await env.publish(_message(e))
        await env.consume(14)
        assert await snapshot(env) == rebuilt


def _message(e: CloudEvent):
    from shared.messaging.transport import Message

    return Message(TOPIC_REGISTRY, e.subject.encode(), orjson.dumps(e.data), tuple(e.binary_headers()))


async def test_replay_from_the_registry_outbox_and_through_the_cli(make_env, tmp_path, monkeypatch):
    registry_url = f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}"
    md = MetaData()
    table = outbox_table(md)
    engine = create_engine(registry_url)
    async with engine.begin() as conn:
        await conn.run_sync(md.create_all)
    async with make_env() as env:
        events: list[CloudEvent] = registry_events(env)
        async with engine.begin() as conn:
            await conn.execute(
                insert(table),
                [
                    dict(
                        zip(
                            INSERT_COLUMNS,
                            outbox_row(e, TOPIC_REGISTRY, e.subject, env.clock.now(), sqlite=False),
                            strict=True,
                        )
                    )
                    for e in events
                ],
            )
        await engine.dispose()
        got = [e async for e in events_from_outbox(registry_url, batch=5)]
        assert [e.id for e in got] == [e.id for e in events]
        report = await replay(ctx=env.ctx, events=events_from_outbox(registry_url), reset=True)
        assert (report.events, report.changed) == (14, 2)

    # The command: `anjian events replay --data-dir ... --from-outbox ...` against the embedded databases.
    from services import cli

    data_dir = tmp_path / "data"
    monkeypatch.delenv("ANJIAN_INCENTIVES_DATABASE_URL", raising=False)
    args = ["events", "replay", "--data-dir", str(data_dir), "--from-outbox", registry_url]
    result = await asyncio.to_thread(CliRunner().invoke, cli.app, args)  # the command runs its own event loop
    assert result.exit_code == 0, result.output
    assert "replayed 14 events" in result.output and "2 changed" in result.output
