"""An agency registered after measures began: POST .../agencies/{id}/sync pushes what already applies, once."""

from datetime import UTC, datetime, timedelta

import orjson
from sqlalchemy import select

from services.incentives.models import MeasureLife, WebhookDelivery, outbox
from tests.incentives.conftest import USCC_A, USCC_B, class_changed, listed, registered, unlisted

T0 = datetime(2025, 6, 1, tzinfo=UTC)


async def _listed_before_the_bank_exists(env) -> None:
    await env.publish(
        env.event(registered(USCC_A)),
        env.event(class_changed(USCC_A, "B", T0)),
        env.event(listed(USCC_A, "E1", T0, T0 + timedelta(days=1095))),
        env.event(registered(USCC_B)),
        env.event(class_changed(USCC_B, "B", T0)),
    )
    await env.consume(5)


async def _changed_events(env) -> int:
    async with env.ctx.uow(write=False) as uow:
        rows = await uow.session.execute(select(outbox.c.id).where(outbox.c.type == "incentives.measure.changed.v1"))
        return len(rows.all())


async def test_sync_pushes_what_already_applies_to_the_new_agency_once(make_env):
    async with make_env() as env:
        await _listed_before_the_bank_exists(env)
        topic_events = await _changed_events(env)
        bank = await env.make_agency("bank", ["loans"])
        key = (await env.make_key(bank["id"]))["key"]
        hook = await env.make_webhook(bank["id"], "http://127.0.0.1:9/hook")
        lives = await env.client.get("/partner/v1/measure-lives", headers={"X-API-Key": key})
        assert lives.json()["total"] == 0  # nothing was pushed to an agency that did not exist yet

        r = await env.client.post(f"/incentives/v1/agencies/{bank['id']}/sync", headers=env.admin)
        assert r.status_code == 200, r.text
        assert r.json() == {"agency_id": bank["id"], "pushed": 1}
        lives = (await env.client.get("/partner/v1/measure-lives", headers={"X-API-Key": key})).json()["items"]
        assert [(x["uscc"], x["measure_code"], x["status"]) for x in lives] == [
            (USCC_A, "loans.restricted_credit", "pushed")
        ]
        async with env.ctx.uow(write=False) as uow:
            [d] = (
                await uow.session.execute(
                    select(WebhookDelivery.endpoint_id, WebhookDelivery.uscc, WebhookDelivery.payload)
                )
            ).all()
        assert d.endpoint_id == hook["id"] and d.uscc == USCC_A
        event = orjson.loads(d.payload)
        assert event["type"] == "incentives.measure.changed.v1" and event["subject"] == USCC_A
        assert (event["data"]["change"], event["data"]["cause"], event["data"]["blacklisted"]) == (
            "pushed",
            "agency.sync",
            True,
        )
        assert await _changed_events(env) == topic_events  # only the agency learns: nothing on the topic

        again = await env.client.post(f"/incentives/v1/agencies/{bank['id']}/sync", headers=env.admin)
        assert again.json()["pushed"] == 0

        # The synced push lives like any other: feedback, then a lift when the listing ends.
        fb = await env.client.post(
            "/partner/v1/feedback",
            headers={"X-API-Key": key, "Idempotency-Key": "s1"},
            json={
                "uscc": USCC_A,
                "measure_code": "loans.restricted_credit",
                "action": "applied",
                "acted_at": "2026-01-02T03:00:00Z",
            },
        )
        assert fb.status_code == 201 and fb.json()["status"] == "applied", fb.text
        await env.publish(env.event(unlisted(USCC_A, "E1", T0 + timedelta(days=400))))
        await env.consume(1)
        async with env.ctx.uow(write=False) as uow:
            statuses = (await uow.session.execute(select(MeasureLife.status))).scalars().all()
        assert statuses == ["lift_pushed"]


async def test_sync_stays_inside_the_agency_domains_and_is_for_admins(make_env):
    async with make_env() as env:
        await _listed_before_the_bank_exists(env)
        power = await env.make_agency("power_utility", ["electricity"])
        r = await env.client.post(f"/incentives/v1/agencies/{power['id']}/sync", headers=env.admin)
        async with env.ctx.uow(write=False) as uow:
            codes = (await uow.session.execute(select(MeasureLife.measure_code))).scalars().all()
        assert r.json()["pushed"] == len(codes) >= 1
        assert all(code.startswith("electricity.") for code in codes)

        missing = await env.client.post("/incentives/v1/agencies/nope/sync", headers=env.admin)
        assert (missing.status_code, missing.json()["code"]) == (404, "agency_not_found")
        from tests.incentives.conftest import auth

        officer = auth(env.settings, "officer", division_code="330500")
        refused = await env.client.post(f"/incentives/v1/agencies/{power['id']}/sync", headers=officer)
        assert refused.status_code == 403
