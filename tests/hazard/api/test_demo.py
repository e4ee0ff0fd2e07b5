"""The demo seed fills the hazard service for the enterprises the registry's demo announced."""

from __future__ import annotations

from datetime import UTC, datetime

from services.hazard.demo import seed


async def test_demo_seed_leaves_hazards_in_every_state_overdue_ones_and_the_city_accidents(hz):
    hz.clock.set(datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
    for i in range(20):
        await hz.enterprise(("330502", "330503", "330521", "330522", "330523")[i % 5], name=f"演示企业{i}")
    await seed(hz.ctx)
    page = await hz.get("/hazard/v1/hazards", limit=1)
    assert page["total"] == 340
    for status in ("reported", "notice_issued", "rectifying", "awaiting_acceptance", "closed"):
        assert (await hz.get("/hazard/v1/hazards", status=status, limit=1))["total"] > 0, status
    assert (await hz.get("/hazard/v1/hazards", listed="true", limit=1))["total"] > 0
    taken = await hz.ctx.run_job("deadlines")
    assert taken.get("overdue", 0) > 0
    assert (await hz.get("/hazard/v1/hazards", overdue="true", limit=1))["total"] == taken["overdue"]
    figures = await hz.get("/hazard/v1/stats/accidents", year=2015)
    assert (figures["accidents"], figures["deaths"], figures["direct_loss"]) == (980, 342, "17340600.00")
    assert figures["change_percent"] == {"accidents": "-0.31", "deaths": "-0.58", "direct_loss": "-9.58"}
    assert (await hz.get("/hazard/v1/stats/accidents", year=2026))["accidents"] == 6
    assert len(await hz.outbox("hazard.accident.recorded.v1")) == 6


async def test_demo_seed_without_enterprises_does_nothing(hz):
    await seed(hz.ctx)
    assert (await hz.get("/hazard/v1/hazards"))["total"] == 0
