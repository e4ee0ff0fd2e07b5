"""The partner API's access matrix: keys, domains, revoked and expired keys, rate limits, audit."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.incentives.conftest import USCC_A, USCC_B, USCC_C, class_changed, listed, registered

T0 = datetime(2025, 6, 1, tzinfo=UTC)


async def listed_d_class(env):
    """USCC_A: class D and blacklisted (every restriction); USCC_B: class A (every reward)."""
    await env.publish(
        env.event(registered(USCC_A)),
        env.event(class_changed(USCC_A, "D", T0)),
        env.event(listed(USCC_A, "E1", T0, T0 + timedelta(days=1095))),
        env.event(registered(USCC_B, "湖州某新材料有限公司")),
        env.event(class_changed(USCC_B, "A", T0)),
    )
    await env.consume(5)


def lookup(env, key, uscc=USCC_A):
    headers = {"X-API-Key": key} if key is not None else {}
    return env.client.get(f"/partner/v1/enterprises/{uscc}", headers=headers)


@pytest.mark.parametrize(
    ("kind", "domains", "expected"),
    [
        ("bank", ["loans"], ["loans.restricted_credit"]),
        ("power_utility", ["electricity"], ["electricity.capacity_restricted"]),
        ("land_bureau", ["land"], ["land.supply_restricted"]),
        ("tax_bureau", ["tax"], ["tax.credit_rating_reference"]),
        ("award_body", ["awards"], ["awards.veto"]),
        ("other", ["procurement", "subsidies"], ["procurement.barred", "subsidies.restricted"]),
    ],
)
async def test_each_agency_sees_only_the_measures_of_its_domains(make_env, kind, domains, expected):
    async with make_env() as env:
        await listed_d_class(env)
        agency = await env.make_agency(kind, domains)
        key = (await env.make_key(agency["id"]))["key"]
        r = await lookup(env, key)
        assert r.status_code == 200
        body = r.json()
        assert {k: body[k] for k in ("uscc", "name", "credit_class", "blacklisted")} == {
            "uscc": USCC_A,
            "name": "湖州某矿业有限公司",
            "credit_class": "D",
            "blacklisted": True,
        }
        assert [m["code"] for m in body["measures"]] == expected
        assert all(m["domain"] in domains and m["text"] and m["basis"] and m["since"] for m in body["measures"])
        assert body["as_of"].endswith("Z")


async def test_a_bank_key_never_sees_land_measures(make_env):
    async with make_env() as env:
        await listed_d_class(env)
        bank = await env.make_agency("bank", ["loans"])
        key = (await env.make_key(bank["id"]))["key"]
        for uscc in (USCC_A, USCC_B):
            assert all(m["domain"] == "loans" for m in (await lookup(env, key, uscc)).json()["measures"])
        items = (
            await env.client.post("/partner/v1/checks", headers={"X-API-Key": key}, json={"usccs": [USCC_A, USCC_B]})
        ).json()
        assert {m["domain"] for i in items["items"] for m in i["measures"]} == {"loans"}


async def test_without_a_valid_key_partners_get_401(make_env):
    async with make_env() as env:
        await listed_d_class(env)
        bank = await env.make_agency("bank", ["loans"])
        key = (await env.make_key(bank["id"]))["key"]
        cases = {
            None: "missing_api_key",
            "": "missing_api_key",
            "not-a-key": "invalid_api_key",
            "ajk_00000000_" + "x" * 43: "invalid_api_key",
            key[:-1] + ("A" if key[-1] != "A" else "B"): "invalid_api_key",
        }
        for presented, code in cases.items():
            r = await lookup(env, presented)
            assert r.status_code == 401, presented
            assert r.headers["content-type"].startswith("application/problem+json")
            assert r.json()["code"] == code
        # A staff token is no partner key.
        r = await env.client.get(f"/partner/v1/enterprises/{USCC_A}", headers=env.admin)
        assert r.status_code == 401


async def test_a_revoked_key_is_refused_at_once_on_this_replica(make_env):
    async with make_env() as env:
        await listed_d_class(env)
        bank = await env.make_agency("bank", ["loans"])
        key = await env.make_key(bank["id"])
        assert (await lookup(env, key["key"])).status_code == 200
        r = await env.client.delete(f"/incentives/v1/agencies/{bank['id']}/api-keys/{key['id']}", headers=env.admin)
        assert r.status_code == 204
        r = await lookup(env, key["key"])
        assert (r.status_code, r.json()["code"]) == (401, "api_key_revoked")
        keys = (await env.client.get(f"/incentives/v1/agencies/{bank['id']}/api-keys", headers=env.admin)).json()
        assert keys[0]["revoked_at"] is not None and "key" not in keys[0] and keys[0]["prefix"] == key["prefix"]


async def test_a_revocation_elsewhere_takes_effect_within_the_cache_lifetime(make_env):
    async with make_env(api_key_cache_ttl_s=5) as env:
        await listed_d_class(env)
        bank = await env.make_agency("bank", ["loans"])
        key = await env.make_key(bank["id"])
        assert (await lookup(env, key["key"])).status_code == 200
        # Another replica revokes: straight in the database, this replica's cache is not told.
        from services.incentives.models import ApiKey

        async with env.ctx.uow() as uow:
            row = await uow.session.get(ApiKey, key["id"])
            row.revoked_at = env.clock.now()
            uow.session.add(row)
            await uow.commit()
        assert (await lookup(env, key["key"])).status_code == 200  # still cached
        env.clock.advance(timedelta(seconds=5))
        assert (await lookup(env, key["key"])).json()["code"] == "api_key_revoked"


async def test_an_expired_key_is_refused(make_env):
    async with make_env() as env:
        await listed_d_class(env)
        bank = await env.make_agency("bank", ["loans"])
        expires = env.clock.now() + timedelta(days=1)
        key = await env.make_key(bank["id"], expires_at=expires.isoformat())
        assert (await lookup(env, key["key"])).status_code == 200
        env.clock.set(expires)
        r = await lookup(env, key["key"])
        assert (r.status_code, r.json()["code"]) == (401, "api_key_expired")


async def test_a_key_cannot_be_made_already_expired(make_env):
    async with make_env() as env:
        bank = await env.make_agency("bank", ["loans"])
        r = await env.client.post(
            f"/incentives/v1/agencies/{bank['id']}/api-keys",
            headers=env.admin,
            json={"expires_at": (env.clock.now() - timedelta(seconds=1)).isoformat()},
        )
        assert (r.status_code, r.json()["code"]) == (422, "invalid_expiry")


async def test_staff_endpoints_need_the_right_role(make_env):
    from shared.testing.fixtures import auth

    async with make_env() as env:
        officer = auth(env.settings, "officer", division_code="330500")
        body = {"name": "某银行", "kind": "bank", "domains": ["loans"]}
        assert (await env.client.post("/incentives/v1/agencies", json=body)).status_code == 401
        assert (await env.client.post("/incentives/v1/agencies", json=body, headers=officer)).status_code == 403
        bank = await env.make_agency("bank", ["loans"])
        assert (await env.client.get("/incentives/v1/agencies", headers=officer)).json()["total"] == 1
        r = await env.client.post(f"/incentives/v1/agencies/{bank['id']}/api-keys", json={}, headers=officer)
        assert r.status_code == 403
        r = await env.client.post("/incentives/v1/agencies", json=body | {"domains": ["fishing"]}, headers=env.admin)
        assert (r.status_code, r.json()["code"]) == (422, "invalid_domain")


async def test_unknown_codes_are_404_and_malformed_codes_422(make_env):
    async with make_env() as env:
        await listed_d_class(env)
        bank = await env.make_agency("bank", ["loans"])
        key = (await env.make_key(bank["id"]))["key"]
        r = await lookup(env, key, USCC_C)
        assert (r.status_code, r.json()["code"]) == (404, "enterprise_not_found")
        r = await lookup(env, key, "91330100799655058")
        assert (r.status_code, r.json()["code"]) == (422, "invalid_uscc")
        # Full-width and lower-case input is normalized, as the codes are printed on licences.
        r = await lookup(env, key, "９１３３０１００７９９６５５０５８ｂ")
        assert r.status_code == 200 and r.json()["uscc"] == USCC_A


async def test_batch_checks_answer_in_order_with_found_false_for_unknown_codes(make_env):
    async with make_env() as env:
        await listed_d_class(env)
        bank = await env.make_agency("bank", ["loans"])
        key = (await env.make_key(bank["id"]))["key"]
        h = {"X-API-Key": key}
        r = await env.client.post("/partner/v1/checks", headers=h, json={"usccs": [USCC_B, USCC_C, USCC_A, USCC_B]})
        assert r.status_code == 200
        items = r.json()["items"]
        assert [(i["uscc"], i["found"]) for i in items] == [
            (USCC_B, True),
            (USCC_C, False),
            (USCC_A, True),
            (USCC_B, True),
        ]
        single = (await lookup(env, key, USCC_A)).json()
        assert items[2] == {"found": True, **single}
        assert items[1] == {"uscc": USCC_C, "found": False}
        r = await env.client.post("/partner/v1/checks", headers=h, json={"usccs": [USCC_A] * 1001})
        assert (r.status_code, r.json()["code"]) == (422, "too_many_codes")
        assert (
            await env.client.post("/partner/v1/checks", headers=h, json={"usccs": [USCC_A] * 1000})
        ).status_code == 200
        r = await env.client.post("/partner/v1/checks", headers=h, json={"usccs": [USCC_A, "bad"]})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "usccs.1"


async def test_rate_limits_are_per_key_with_retry_after(make_env):
    async with make_env() as env:
        await listed_d_class(env)
        bank = await env.make_agency("bank", ["loans"])
        slow = (await env.make_key(bank["id"], rate_limit_per_minute=6))["key"]  # a burst of 1
        other = (await env.make_key(bank["id"], rate_limit_per_minute=6))["key"]
        assert (await lookup(env, slow)).status_code == 200
        r = await lookup(env, slow)
        assert r.status_code == 429 and r.json()["code"] == "rate_limited"
        assert int(r.headers["retry-after"]) == 10
        assert (await lookup(env, other)).status_code == 200  # another key of the same agency is unaffected
        env.clock.advance(timedelta(seconds=10))
        assert (await lookup(env, slow)).status_code == 200


async def test_every_partner_query_is_audited_and_admins_can_filter_it(make_env):
    async with make_env() as env:
        await listed_d_class(env)
        bank = await env.make_agency("bank", ["loans"])
        land = await env.make_agency("land_bureau", ["land"])
        bank_key = await env.make_key(bank["id"])
        land_key = await env.make_key(land["id"])
        await lookup(env, bank_key["key"], USCC_A)
        await lookup(env, bank_key["key"], USCC_C)
        env.clock.advance(timedelta(hours=1))
        await env.client.post(
            "/partner/v1/checks", headers={"X-API-Key": land_key["key"]}, json={"usccs": [USCC_A, USCC_B]}
        )
        await env.flush_audit()

        r = await env.client.get("/incentives/v1/audit", headers=env.admin)
        assert r.status_code == 200 and r.json()["total"] == 4
        r = await env.client.get("/incentives/v1/audit", headers=env.admin, params={"uscc": USCC_A})
        rows = r.json()["items"]
        assert [(x["agency_id"], x["endpoint"]) for x in rows] == [(land["id"], "checks"), (bank["id"], "enterprise")]
        assert rows[1]["answer"] == {
            "found": True,
            "credit_class": "D",
            "blacklisted": True,
            "measures": ["loans.restricted_credit"],
        }
        assert rows[1]["key_id"] == bank_key["id"] and rows[1]["request_id"]
        unknown = (await env.client.get("/incentives/v1/audit", headers=env.admin, params={"uscc": USCC_C})).json()
        assert unknown["items"][0]["found"] is False
        by_key = await env.client.get("/incentives/v1/audit", headers=env.admin, params={"key_id": land_key["id"]})
        assert by_key.json()["total"] == 2
        since = (env.clock.now() - timedelta(minutes=1)).isoformat()
        r = await env.client.get(
            "/incentives/v1/audit", headers=env.admin, params={"from": since, "agency_id": bank["id"]}
        )
        assert r.json()["total"] == 0
        from shared.testing.fixtures import auth

        officer = auth(env.settings, "officer", division_code="330500")
        assert (await env.client.get("/incentives/v1/audit", headers=officer)).status_code == 403


async def test_audit_rows_queued_at_shutdown_are_written(make_env, db_factory):
    async with make_env() as env:
        await listed_d_class(env)
        bank = await env.make_agency("bank", ["loans"])
        key = (await env.make_key(bank["id"]))["key"]
        await lookup(env, key)
        ctx = env.ctx
        assert env.partner.audit.queued in (0, 1)
    # The app has stopped: its last rows were flushed before the database closed.
    from sqlalchemy import func, select

    from services.incentives.models import PartnerQuery
    from shared.db.engine import create_engine

    engine = create_engine(ctx.settings.database_url)
    async with engine.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(PartnerQuery))).scalar_one() == 1
    await engine.dispose()


async def test_a_full_audit_queue_refuses_queries_rather_than_answer_unaudited(make_env):
    async with make_env(audit_queue_max=2) as env:
        await listed_d_class(env)
        bank = await env.make_agency("bank", ["loans"])
        key = (await env.make_key(bank["id"]))["key"]

        async def stuck() -> int:  # the database does not take the rows
            return 0

        env.partner.audit.flush = stuck
        env.partner.audit.record([{"stuck": 1}, {"stuck": 2}])
        r = await lookup(env, key)
        assert (r.status_code, r.json()["code"]) == (503, "audit_unavailable")
        env.partner.audit._rows.clear()
        assert (await lookup(env, key)).status_code == 200
