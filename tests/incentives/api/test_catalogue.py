"""The measures catalogue: seeded on first start, admins change it under If-Match, every change versioned."""

from datetime import UTC, datetime

from services.incentives.domain.measures import SEED_MEASURES
from services.incentives.service.catalogue import seed_catalogue
from services.incentives.service.standings import refresh_all
from shared.testing.fixtures import auth
from tests.incentives.conftest import USCC_A, class_changed, registered

NEW = {
    "code": "loans.watch_list",
    "domain": "loans",
    "kind": "restriction",
    "applies_to": ["C"],
    "text": "列入重点关注名单，审慎授信",
    "basis": "湖州市安全生产诚信管理办法",
    "valid_from": "2020-01-01",
}


async def test_the_seed_catalogue_is_there_once(make_env):
    async with make_env() as env:
        officer = auth(env.settings, "officer", division_code="330500")
        r = await env.client.get("/incentives/v1/measures", headers=officer, params={"limit": 200})
        assert r.status_code == 200
        assert r.json()["total"] == len(SEED_MEASURES)
        assert sorted(m["code"] for m in r.json()["items"]) == sorted(m.code for m in SEED_MEASURES)
        async with env.ctx.uow() as uow:
            assert await seed_catalogue(uow=uow) == 0  # a second start seeds nothing
        r = await env.client.get("/incentives/v1/measures", headers=officer, params={"domain": "loans"})
        assert [m["code"] for m in r.json()["items"]] == ["loans.preferential_review", "loans.restricted_credit"]
        versions = (await env.client.get("/incentives/v1/measures/awards.veto/versions", headers=officer)).json()
        assert [(v["version"], v["change"]) for v in versions] == [(1, "seeded")]
        assert (await env.client.get("/incentives/v1/measures")).status_code == 401


async def test_admins_add_and_change_measures_and_every_version_stays_visible(make_env):
    async with make_env() as env:
        r = await env.client.post("/incentives/v1/measures", headers=env.admin, json=NEW)
        assert r.status_code == 201 and r.headers["etag"] == '"1"'
        assert (await env.client.post("/incentives/v1/measures", headers=env.admin, json=NEW)).json()["code"] == (
            "measure_exists"
        )
        url = "/incentives/v1/measures/loans.watch_list"
        change = {"text": "列入重点关注名单，从严审核授信", "valid_to": "2030-12-31"}
        r = await env.client.patch(url, headers=env.admin, json=change)
        assert r.status_code == 428, r.text
        r = await env.client.patch(url, headers=env.admin | {"If-Match": '"1"'}, json=change)
        assert r.status_code == 200 and r.json()["version"] == 2 and r.headers["etag"] == '"2"'
        stale = await env.client.patch(url, headers=env.admin | {"If-Match": '"1"'}, json={"text": "x"})
        assert (stale.status_code, stale.json()["code"]) == (412, "version_mismatch")
        bad = await env.client.patch(url, headers=env.admin | {"If-Match": '"2"'}, json={"applies_to": ["A"]})
        assert (bad.status_code, bad.json()["code"]) == (422, "invalid_measure")
        versions = (await env.client.get(f"{url}/versions", headers=env.admin)).json()
        assert [(v["version"], v["change"], v["text"], v["changed_by"]) for v in versions] == [
            (1, "created", NEW["text"], "test-admin"),
            (2, "updated", change["text"], "test-admin"),
        ]
        assert (await env.client.get(url, headers=env.admin)).headers["etag"] == '"2"'
        officer = auth(env.settings, "officer", division_code="330500")
        assert (await env.client.post("/incentives/v1/measures", headers=officer, json=NEW)).status_code == 403


async def test_invalid_measures_name_every_broken_field(make_env):
    async with make_env() as env:
        body = NEW | {"code": "land.x", "kind": "incentive", "applies_to": ["blacklist"]}
        r = await env.client.post("/incentives/v1/measures", headers=env.admin, json=body)
        assert r.status_code == 422
        assert {e["field"] for e in r.json()["errors"]} == {"code", "applies_to"}


async def test_a_catalogue_change_pushes_the_new_measure_to_enterprises_it_now_targets(make_env):
    async with make_env() as env:
        bank = await env.make_agency("bank", ["loans"])
        key = (await env.make_key(bank["id"]))["key"]
        await env.publish(
            env.event(registered(USCC_A)), env.event(class_changed(USCC_A, "C", datetime(2025, 1, 1, tzinfo=UTC)))
        )
        await env.consume(2)
        view = (await env.client.get(f"/partner/v1/enterprises/{USCC_A}", headers={"X-API-Key": key})).json()
        assert view["measures"] == []
        await env.client.post("/incentives/v1/measures", headers=env.admin, json=NEW)
        assert await refresh_all(ctx=env.ctx) == 1
        assert await refresh_all(ctx=env.ctx) == 0  # idempotent
        view = (await env.client.get(f"/partner/v1/enterprises/{USCC_A}", headers={"X-API-Key": key})).json()
        assert [m["code"] for m in view["measures"]] == ["loans.watch_list"]
        # Ending the measure's validity lifts it (the refresh runs on a schedule as dates pass).
        await env.client.patch(
            "/incentives/v1/measures/loans.watch_list",
            headers=env.admin | {"If-Match": '"1"'},
            json={"valid_to": "2025-12-31"},
        )
        assert await refresh_all(ctx=env.ctx) == 1
        view = (await env.client.get(f"/partner/v1/enterprises/{USCC_A}", headers={"X-API-Key": key})).json()
        assert view["measures"] == []
        lives = (await env.client.get("/partner/v1/measure-lives", headers={"X-API-Key": key})).json()["items"]
        assert [(x["measure_code"], x["status"]) for x in lives] == [("loans.watch_list", "lift_pushed")]
        partner_catalogue = (await env.client.get("/partner/v1/measures", headers={"X-API-Key": key})).json()
        assert {m["domain"] for m in partner_catalogue} == {"loans"}


async def test_the_scheduled_refresh_makes_a_full_pass_only_when_the_day_or_the_catalogue_changed(make_env):
    async with make_env() as env:
        await env.publish(
            env.event(registered(USCC_A)), env.event(class_changed(USCC_A, "C", datetime(2025, 1, 1, tzinfo=UTC)))
        )
        await env.consume(2)
        assert await env.ctx.run_job("measures-refresh") == 0
        await env.client.post("/incentives/v1/measures", headers=env.admin, json=NEW)
        assert await env.ctx.run_job("measures-refresh") == 1  # a new measure version: a pass, one change
        fingerprint = env.ctx.state["refreshed_for"]
        await env.ctx.run_job("measures-refresh")
        assert env.ctx.state["refreshed_for"] == fingerprint
        from datetime import timedelta

        env.clock.advance(timedelta(days=1))
        await env.ctx.run_job("measures-refresh")
        assert env.ctx.state["refreshed_for"] != fingerprint  # a new local day: another pass
