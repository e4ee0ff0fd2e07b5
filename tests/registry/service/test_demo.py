"""The demo population seeds through the service functions, with its events."""

from services.registry.demo import DEMO_ENTERPRISE_USCC, seed


async def test_demo_population_is_seeded_once_with_classes_listings_and_events(registry):
    await seed(registry.ctx)
    stats = (await registry.client.get("/registry/v1/stats/credit", headers=registry.admin)).json()
    assert stats["total"] == 300 and stats["blacklisted"] == 5
    assert stats["by_class"]["unrated"] == 15 and sum(stats["by_class"].values()) == 295
    for county in ("330502", "330503", "330521", "330522", "330523"):
        r = await registry.client.get(
            "/registry/v1/stats/credit", params={"division_code": county}, headers=registry.admin
        )
        assert r.json()["total"] == 60
    demo = await registry.get(DEMO_ENTERPRISE_USCC)
    assert (demo["credit_class"], demo["township"], demo["village"]) == ("A", "旧馆镇", "三桥村")
    r = await registry.client.get("/public/v1/blacklist")
    assert {i["situation"] for i in r.json()["items"]} >= {"concealed_or_false_accident_report"}
    types = [e["type"] for e in await registry.outbox()]
    assert types.count("registry.enterprise.registered.v1") == 300
    assert types.count("registry.blacklist.entry_added.v1") == 5
    # Seeding again finds enterprises and does nothing.
    await seed(registry.ctx)
    assert len(await registry.outbox()) == len(types)
