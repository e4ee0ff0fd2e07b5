"""The main flows on each transport (in-process and Kafka): the registry's event comes in, the
hazard service's events go out in CloudEvents binary mode, keyed by the credit code."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from shared.contracts.registry import EnterpriseRegisteredV1


async def test_enterprise_in_hazard_loop_overdue_and_accident_out(hz_on):
    hz = hz_on
    uscc = hz.new_uscc("330522")
    await hz.publish(
        EnterpriseRegisteredV1(uscc=uscc, name="李家巷镇某矿山", division_code="330522", category="mining"),
        source="/services/registry",
    )
    await hz.consume_until(1)
    h = await hz.hazard(uscc, level="major", description="矿山道路挡墙过低")
    base = f"/hazard/v1/hazards/{h['id']}"
    await hz.post(f"{base}/listing")
    await hz.post(f"{base}/notices", {"deadline": "2026-01-10", "measures": "加高挡墙"}, expect=201)
    hz.clock.set(datetime(2026, 1, 12, tzinfo=UTC))
    assert await hz.ctx.run_job("deadlines") == {"overdue": 1}
    await hz.post(
        "/hazard/v1/accidents",
        {
            "occurred_at": "2026-01-11T03:00:00Z",
            "uscc": uscc,
            "kind": "collapse",
            "is_fire": False,
            "deaths": 3,
            "serious_injuries": 2,
            "direct_loss": "2500000.00",
        },
        expect=201,
    )
    committed = [e["type"] for e in await hz.outbox()]
    assert committed == [
        "hazard.hazard.registered.v1",
        "hazard.major.listed.v1",
        "hazard.hazard.overdue.v1",
        "hazard.accident.recorded.v1",
    ]
    assert await hz.ctx.relay.drain() == 4
    wire = await hz.read_hazard_topic(4)
    assert [m.header("ce_type") for m in wire] == committed
    for m in wire:
        assert m.topic == "safety.hazard.v1" and m.key == uscc.encode()
        assert m.header("ce_subject") == uscc and m.header("ce_source") == "/services/hazard"
        assert m.header("ce_specversion") == "1.0" and m.header("content-type") == "application/json"
    overdue, accident = orjson.loads(wire[2].value), orjson.loads(wire[3].value)
    assert (overdue["hazard_id"], overdue["step"], overdue["listed"], overdue["level"]) == (
        h["id"],
        "overdue",
        True,
        "major",
    )
    assert (accident["grade"], accident["deaths"], accident["direct_loss"]) == ("larger", 3, "2500000.00")
