"""End to end on both transports: registry events in, partner API and signed webhooks out."""

import asyncio
from datetime import UTC, datetime, timedelta

import orjson
from sqlmodel import select

from services.incentives.domain.measures import SEED_MEASURES, MeasureKind
from services.incentives.domain.webhooks import verify
from services.incentives.models import MeasureLife
from shared.contracts import TOPIC_INCENTIVES
from shared.messaging.envelope import from_binary, from_structured
from tests.incentives.conftest import USCC_A, class_changed, listed, registered, unlisted

T0 = datetime(2025, 6, 1, tzinfo=UTC)
INCENTIVES = sorted(m.code for m in SEED_MEASURES if m.kind is MeasureKind.INCENTIVE)
RESTRICTIONS = sorted(m.code for m in SEED_MEASURES if m.kind is MeasureKind.RESTRICTION)


async def partner_view(env, key) -> dict:
    r = await env.client.get(f"/partner/v1/enterprises/{USCC_A}", headers={"X-API-Key": key})
    assert r.status_code == 200, r.text
    return r.json()


def deliveries_of(receiver, secret, now):
    """Every received webhook, verified as Standard Webhooks and decoded as a CloudEvent."""
    out = []
    for got in receiver.received:
        verify(secret, got.headers, got.body, now=now)
        assert got.headers["content-type"].startswith("application/cloudevents+json")
        out.append(from_structured(got.body))
    return out


async def test_class_a_then_blacklisting_then_repair_reach_partners_in_step(make_env, transport, receiver):
    async with make_env(transport=transport) as env:
        bank = await env.make_agency("bank", ["loans"])
        land = await env.make_agency("land_bureau", ["land"])
        bank_key = (await env.make_key(bank["id"]))["key"]
        hook = await env.make_webhook(bank["id"], receiver.url)
        now = int(env.clock.now().timestamp())

        # An assessment approved in the registry: class A.
        await env.publish(env.event(registered(USCC_A)), env.event(class_changed(USCC_A, "A", T0)))
        await env.consume(2)
        view = await partner_view(env, bank_key)
        assert view["credit_class"] == "A" and view["blacklisted"] is False
        assert [m["code"] for m in view["measures"]] == ["loans.preferential_review"]
        await env.partner.webhooks.drain()
        events = deliveries_of(receiver, hook["secret"], now)
        assert [(e.type, e.data["measure_code"], e.data["change"]) for e in events] == [
            ("incentives.measure.changed.v1", "loans.preferential_review", "pushed")
        ]
        assert events[0].subject == USCC_A

        # Blacklisting: restrictions replace the rewards.
        await env.publish(env.event(listed(USCC_A, "E1", T0 + timedelta(days=30), T0 + timedelta(days=1125))))
        await env.consume(1)
        view = await partner_view(env, bank_key)
        assert view["blacklisted"] is True
        assert [m["code"] for m in view["measures"]] == ["loans.restricted_credit"]

        # Repair: the restriction is lifted and the lift pushed; the class-A reward returns.
        await env.publish(env.event(unlisted(USCC_A, "E1", T0 + timedelta(days=400), "repaired")))
        await env.consume(1)
        view = await partner_view(env, bank_key)
        assert view["blacklisted"] is False
        assert [m["code"] for m in view["measures"]] == ["loans.preferential_review"]

        await env.partner.webhooks.drain()
        changes = [(e.data["measure_code"], e.data["change"]) for e in deliveries_of(receiver, hook["secret"], now)]
        assert changes == [
            ("loans.preferential_review", "pushed"),
            ("loans.preferential_review", "lifted"),
            ("loans.restricted_credit", "pushed"),
            ("loans.restricted_credit", "lifted"),
            ("loans.preferential_review", "pushed"),
        ]
        # The land bureau got lives for land measures only, and never a loans one.
        async with env.ctx.uow(write=False) as uow:
            land_codes = {
                life.measure_code
                for life in (
                    await uow.session.exec(select(MeasureLife).where(MeasureLife.agency_id == land["id"]))
                ).all()
            }
        assert land_codes == {"land.supply_favoured", "land.supply_restricted"}

        # The same changes went to Kafka partners: outbox rows, then messages on safety.incentives.v1.
        await env.ctx.relay.drain()
        wire = await _read_topic(
            env, TOPIC_INCENTIVES, expected=2 * len(INCENTIVES) + 2 * len(RESTRICTIONS) + len(INCENTIVES)
        )
        kinds = {(e.data["measure_code"], e.data["change"]) for e in wire}
        assert ("land.supply_restricted", "lifted") in kinds and ("awards.veto", "pushed") in kinds
        assert all(e.subject == USCC_A and e.type == "incentives.measure.changed.v1" for e in wire)


async def _read_topic(env, topic, expected):
    sub = await env.transport.subscribe([topic], "test-reader")
    got = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    try:
        while len(got) < expected:
            assert loop.time() < deadline, f"{len(got)} of {expected} events on {topic}"
            got += [from_binary(d.message.headers, d.message.value) for d in await sub.fetch(500, 0.5)]
    finally:
        await sub.close()
    return got


async def test_background_tasks_push_within_one_relay_cycle(make_env, receiver):
    """With the service's own tasks running, nothing but the transport moves the event along."""
    async with make_env(background=True) as env:
        bank = await env.make_agency("bank", ["loans"])
        key = (await env.make_key(bank["id"]))["key"]
        hook = await env.make_webhook(bank["id"], receiver.url)
        await env.publish(env.event(registered(USCC_A)), env.event(class_changed(USCC_A, "D", T0)))
        await env.transport.drain()
        view = await partner_view(env, key)
        assert [m["code"] for m in view["measures"]] == ["loans.restricted_credit"]
        # The sender wakes on the consumer's commit; wait for the receiver to be called, not for a time.
        await asyncio.wait_for(receiver.arrived.wait(), 10)
        event = from_structured(receiver.received[0].body)
        verify(
            hook["secret"],
            receiver.received[0].headers,
            receiver.received[0].body,
            now=int(env.clock.now().timestamp()),
        )
        assert event.data["measure_code"] == "loans.restricted_credit"
        assert orjson.loads(receiver.received[0].body)["specversion"] == "1.0"
