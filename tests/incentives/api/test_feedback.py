"""Feedback from partners: the measure's life per agency, idempotent retries, the event, statistics."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from services.incentives.models import outbox
from tests.incentives.conftest import USCC_A, USCC_B, class_changed, listed, registered, unlisted

T0 = datetime(2025, 6, 1, tzinfo=UTC)


async def restricted(env, uscc=USCC_A):
    await env.publish(
        env.event(registered(uscc)),
        env.event(class_changed(uscc, "B", T0)),
        env.event(listed(uscc, "E1", T0, T0 + timedelta(days=1095))),
    )
    await env.consume(3)


def feedback(
    env, key, action, *, uscc=USCC_A, code="loans.restricted_credit", idem=None, reference="湖银贷〔2026〕7号"
):
    headers = {"X-API-Key": key} | ({"Idempotency-Key": idem} if idem else {})
    body = {"uscc": uscc, "measure_code": code, "action": action, "acted_at": "2026-01-02T03:00:00Z"}
    if reference:
        body["reference"] = reference
    return env.client.post("/partner/v1/feedback", headers=headers, json=body)


async def test_a_measure_goes_pushed_acknowledged_applied_lift_pushed_lifted(make_env):
    async with make_env() as env:
        bank = await env.make_agency("bank", ["loans"])
        key = (await env.make_key(bank["id"]))["key"]
        await restricted(env)
        r = await feedback(env, key, "acknowledged", idem="k1", reference=None)
        assert r.status_code == 201 and r.json()["status"] == "acknowledged"
        r = await feedback(env, key, "applied", idem="k2")
        assert r.json()["status"] == "applied" and r.json()["applied_reference"] == "湖银贷〔2026〕7号"
        r = await feedback(env, key, "lifted", idem="k3")
        assert (r.status_code, r.json()["code"]) == (409, "invalid_feedback")
        assert r.json()["allowed"] == ["applied"]
        await env.publish(env.event(unlisted(USCC_A, "E1", T0 + timedelta(days=400))))
        await env.consume(1)
        lives = (await env.client.get("/partner/v1/measure-lives", headers={"X-API-Key": key})).json()["items"]
        assert [x["status"] for x in lives] == ["lift_pushed"]
        r = await feedback(env, key, "lifted", idem="k4")
        assert r.json()["status"] == "lifted" and r.json()["lifted_at"] == "2026-01-02T03:00:00Z"
        async with env.ctx.uow(write=False) as uow:
            rows = (await uow.session.execute(select(outbox).where(outbox.c.type.like("%feedback_received%")))).all()
        assert len(rows) == 3  # acknowledged, applied, lifted; the refused one left nothing


async def test_a_retry_with_the_same_idempotency_key_gets_the_first_answer(make_env):
    async with make_env() as env:
        bank = await env.make_agency("bank", ["loans"])
        key = (await env.make_key(bank["id"]))["key"]
        await restricted(env)
        first = await feedback(env, key, "applied", idem="same")
        again = await feedback(env, key, "applied", idem="same")
        assert again.status_code == 201 and again.json() == first.json()
        assert again.headers.get("idempotent-replayed") == "true"
        other = await feedback(env, key, "not_applicable", idem="same")
        assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
        async with env.ctx.uow(write=False) as uow:
            rows = (await uow.session.execute(select(outbox.c.payload).where(outbox.c.type.like("%feedback%")))).all()
        assert len(rows) == 1


async def test_feedback_on_a_measure_never_pushed_to_the_agency_is_404(make_env):
    async with make_env() as env:
        bank = await env.make_agency("bank", ["loans"])
        land = await env.make_agency("land_bureau", ["land"])
        bank_key = (await env.make_key(bank["id"]))["key"]
        land_key = (await env.make_key(land["id"]))["key"]
        await restricted(env)
        r = await feedback(env, land_key, "applied")  # loans is not the land bureau's domain
        assert (r.status_code, r.json()["code"]) == (404, "measure_not_pushed")
        r = await feedback(env, bank_key, "applied", uscc=USCC_B)
        assert r.status_code == 404
        r = await feedback(env, bank_key, "ignored")
        assert r.status_code == 422


async def test_feedback_statistics_count_per_agency_with_overdue(make_env):
    async with make_env(feedback_overdue_days=10) as env:
        bank = await env.make_agency("bank", ["loans"], name="湖州银行")
        utility = await env.make_agency("power_utility", ["electricity"], name="国网湖州供电公司")
        bank_key = (await env.make_key(bank["id"]))["key"]
        await restricted(env, USCC_A)
        await restricted(env, USCC_B)
        await feedback(env, bank_key, "applied", uscc=USCC_A)  # on time
        env.clock.advance(timedelta(days=11))
        await feedback(env, bank_key, "not_applicable", uscc=USCC_B)  # late: stays counted as overdue
        stats = (await env.client.get("/incentives/v1/stats/feedback", headers=env.admin)).json()
        assert stats["overdue_after_days"] == 10
        by_name = {i["agency_name"]: i for i in stats["items"]}
        assert by_name["湖州银行"] == {
            "agency_id": bank["id"],
            "agency_name": "湖州银行",
            "pushed": 2,
            "acknowledged": 2,
            "applied": 1,
            "not_applicable": 1,
            "lift_pushed": 0,
            "lifted": 0,
            "overdue": 1,
        }
        # The utility never answered and the limit has passed.
        assert (by_name["国网湖州供电公司"]["pushed"], by_name["国网湖州供电公司"]["overdue"]) == (2, 2)
        one = await env.client.get(
            "/incentives/v1/stats/feedback", headers=env.admin, params={"agency_id": utility["id"]}
        )
        assert [i["agency_id"] for i in one.json()["items"]] == [utility["id"]]
        lives = await env.client.get(
            "/incentives/v1/measure-lives", headers=env.admin, params={"agency_id": utility["id"], "status": "pushed"}
        )
        assert lives.json()["total"] == 2 and all(x["overdue"] for x in lives.json()["items"])
