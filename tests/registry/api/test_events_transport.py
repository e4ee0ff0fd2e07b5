"""The main flows on the wire, on each transport (in-process and Kafka through the Tansu broker)."""

import asyncio
from datetime import UTC, datetime

import orjson

from services.registry import models
from shared.clock import ControlledClock
from shared.contracts import TOPIC_HAZARD, TOPIC_REGISTRY
from shared.contracts.hazard import AccidentRecordedV1
from shared.ids import new_id
from shared.messaging.envelope import CloudEvent, from_binary
from shared.messaging.transport.base import Message
from shared.testing.fixtures import running
from tests.registry.conftest import START, Registry, make_app


async def fetch(sub, count: int, timeout: float = 30.0) -> list:
    got = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while len(got) < count:
        assert loop.time() < deadline, f"only {len(got)} of {count} messages arrived"
        got.extend(await sub.fetch(500, 0.5))
    return got


async def test_registration_class_change_listing_and_repair_reach_the_wire_in_order(transport, db_factory):
    url = await db_factory.create("registry", models.metadata)
    clock = ControlledClock(START)
    app, settings = make_app(url, clock, transport)
    await transport.create_topics([TOPIC_REGISTRY])
    observer = await transport.subscribe([TOPIC_REGISTRY], "observer")
    async with running(app) as client:
        reg = Registry(client, app, settings, clock, transport)
        code = (await reg.register())["uscc"]
        await reg.assess(code, total=80)
        entry = await reg.list_(code)
        clock.set(datetime(2027, 4, 1, tzinfo=UTC))
        r = await client.post(
            f"/registry/v1/blacklist/{entry['id']}/repair-applications",
            json={"commitment": "承诺", "evidence": ["凭证"]},
            headers=reg.as_("enterprise", "e1", uscc=code),
        )
        await client.post(f"/registry/v1/repair-applications/{r.json()['id']}/approve", headers=reg.officer_b)
        published = await app.state.ctx.relay.drain()
        rows = await reg.outbox()

    deliveries = await fetch(observer, len(rows))
    await observer.close()
    assert published == len(rows)
    events = [from_binary(d.message.headers, d.message.value) for d in deliveries]
    # One enterprise, one key: its events arrive in the order they were committed.
    assert {d.message.key for d in deliveries} == {code.encode()}
    assert (
        [e.type for e in events]
        == [r["type"] for r in rows]
        == [
            "registry.enterprise.registered.v1",
            "registry.credit_class.changed.v1",
            "registry.enterprise.updated.v1",
            "registry.blacklist.entry_added.v1",
            "registry.credit_class.changed.v1",
            "registry.enterprise.updated.v1",
            "registry.blacklist.entry_removed.v1",
            "registry.credit_class.changed.v1",
        ]
    )
    assert [e.data for e in events] == [r["data"] for r in rows]
    first = deliveries[0].message
    assert first.header("ce_specversion") == "1.0" and first.header("ce_source") == "/services/registry"
    assert first.header("ce_subject") == code and first.header("content-type") == "application/json"
    assert first.header("ce_id") and first.header("ce_time")
    assert [e.data["new_class"] for e in events if e.type == "registry.credit_class.changed.v1"] == ["B", None, "B"]
    assert events[6].data["reason"] == "repaired"


async def test_accidents_on_the_wire_become_facts_and_a_proposal(transport, db_factory):
    url = await db_factory.create("registry", models.metadata)
    clock = ControlledClock(START)
    app, settings = make_app(url, clock, transport)
    async with running(app) as client:
        reg = Registry(client, app, settings, clock, transport)
        code = (await reg.register())["uscc"]
        messages = []
        for accident_id, when in (
            ("acc-1", datetime(2025, 6, 1, tzinfo=UTC)),
            ("acc-2", datetime(2026, 1, 5, tzinfo=UTC)),
        ):
            data = AccidentRecordedV1(
                accident_id=accident_id,
                uscc=code,
                occurred_at=when,
                kind="collapse",
                is_fire=False,
                deaths=4,
                serious_injuries=0,
                direct_loss="15000000.00",
                grade="larger",
            )
            ev = CloudEvent(
                new_id(), "/services/hazard", data.event_type, data.model_dump(mode="json"), clock.now(), code
            )
            messages.append(Message(TOPIC_HAZARD, code.encode(), orjson.dumps(ev.data), tuple(ev.binary_headers())))
        # The first one twice: a redelivery.
        await transport.publish([messages[0], messages[0], messages[1]])
        consumer = app.state.ctx.consumers[0]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        taken = 0
        while taken < 3:
            assert loop.time() < deadline, f"the consumer took {taken} of 3 messages"
            taken += await consumer.run_once(timeout=0.5)
        r = await client.get("/registry/v1/proposals", headers=reg.officer_a)
        found = {(p["rule_set"], p["situation"]): p["evidence_ids"] for p in r.json()["items"]}
        assert found[("mem-order-11-2023", "two_larger_accidents_in_12_months")] == ["acc-1", "acc-2"]
        assert consumer.processed == 2
