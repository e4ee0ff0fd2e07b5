"""Webhook delivery: long outages, order per enterprise, 410, 429 Retry-After, private addresses, redelivery."""

from datetime import UTC, datetime, timedelta

import httpx

from services.incentives.domain.webhooks import DEFAULT_SCHEDULE, verify
from shared.messaging.envelope import from_structured
from tests.incentives.conftest import USCC_A, USCC_B, class_changed, listed, registered, unlisted

T0 = datetime(2025, 6, 1, tzinfo=UTC)


class Partner:
    """An httpx MockTransport standing for a partner's endpoint whose behaviour the test sets."""

    def __init__(self) -> None:
        self.up = True
        self.answers: list[httpx.Response] = []
        self.received: list[httpx.Request] = []
        self.attempts = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        if not self.up:
            raise httpx.ConnectError("connection refused", request=request)
        if self.answers:
            return self.answers.pop(0)
        self.received.append(request)
        return httpx.Response(204)

    def events(self):
        return [from_structured(r.content) for r in self.received]


async def setup(env, url="http://127.0.0.1:9/hooks", resolve=None):
    partner = Partner()
    sender = env.partner.webhooks
    sender.client = httpx.AsyncClient(transport=httpx.MockTransport(partner))
    if resolve is not None:
        sender.resolve = resolve
    bank = await env.make_agency("bank", ["loans"])
    hook = await env.make_webhook(bank["id"], url)
    return partner, bank, hook


async def history(env, uscc):
    """Class D, then listed, then repaired: restricted_credit pushed then lifted (once each for loans)."""
    await env.publish(
        env.event(registered(uscc)),
        env.event(class_changed(uscc, "A", T0)),
        env.event(listed(uscc, "E1", T0 + timedelta(days=1), T0 + timedelta(days=1096))),
        env.event(unlisted(uscc, "E1", T0 + timedelta(days=400))),
    )
    await env.consume(4)


async def test_a_receiver_down_for_a_day_gets_every_event_in_order_per_enterprise(make_env):
    async with make_env() as env:
        partner, _, hook = await setup(env)
        partner.up = False
        await history(env, USCC_A)
        await history(env, USCC_B)
        sender = env.partner.webhooks
        # Through the whole schedule but the last attempt: 0 s, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h.
        for delay in DEFAULT_SCHEDULE[1:-1]:
            assert await sender.drain() == 2  # only the head of each enterprise's queue is tried
            env.clock.advance(delay)
        assert partner.received == []
        partner.up = True
        await sender.drain()
        events = partner.events()
        for uscc in (USCC_A, USCC_B):
            changes = [(e.data["measure_code"], e.data["change"]) for e in events if e.subject == uscc]
            assert changes == [
                ("loans.preferential_review", "pushed"),
                ("loans.preferential_review", "lifted"),
                ("loans.restricted_credit", "pushed"),
                ("loans.restricted_credit", "lifted"),
                ("loans.preferential_review", "pushed"),
            ]
        now = int(env.clock.now().timestamp())
        for r in partner.received:
            verify(hook["secret"], dict(r.headers), r.content, now=now)
            assert r.headers["webhook-id"] == from_structured(r.content).id
        assert await sender.drain() == 0  # nothing is sent twice


async def test_a_delivery_is_given_up_after_the_schedule_and_the_next_one_goes(make_env):
    async with make_env() as env:
        partner, bank, hook = await setup(env)
        partner.up = False
        await history(env, USCC_A)
        sender = env.partner.webhooks
        for delay in DEFAULT_SCHEDULE[1:]:
            await sender.drain()
            env.clock.advance(delay)
        await sender.drain()  # the 8th attempt fails: the first delivery is given up
        r = await env.client.get(
            f"/incentives/v1/agencies/{bank['id']}/webhooks/{hook['id']}/deliveries",
            headers=env.admin,
            params={"status": "failed"},
        )
        failed = r.json()["items"]
        assert len(failed) == 1 and failed[0]["attempts"] == len(DEFAULT_SCHEDULE)
        assert "ConnectError" in failed[0]["last_error"]
        partner.up = True
        env.clock.advance(DEFAULT_SCHEDULE[1])  # the next one was tried (and failed) as soon as the head gave up
        await sender.drain()
        assert [e.data["change"] for e in partner.events()] == ["lifted", "pushed", "lifted", "pushed"]

        # Redelivery on request: one delivery, then everything of the enterprise.
        r = await env.client.post(
            f"/incentives/v1/agencies/{bank['id']}/webhooks/{hook['id']}/deliveries/{failed[0]['id']}/redeliver",
            headers=env.admin,
        )
        assert r.status_code == 202 and r.json()["status"] == "pending"
        await sender.drain()
        assert partner.events()[-1].id == from_structured(partner.received[-1].content).id
        assert (partner.events()[-1].data["change"], partner.events()[-1].data["measure_code"]) == (
            "pushed",
            "loans.preferential_review",
        )
        r = await env.client.post(
            f"/incentives/v1/agencies/{bank['id']}/webhooks/{hook['id']}/redeliver",
            headers=env.admin,
            json={"uscc": USCC_A, "include_delivered": True},
        )
        assert r.json() == {"requeued": 5}
        before = len(partner.received)
        await sender.drain()
        assert len(partner.received) == before + 5


async def test_410_disables_the_endpoint_and_enabling_resumes_in_order(make_env):
    async with make_env() as env:
        partner, bank, hook = await setup(env)
        partner.answers = [httpx.Response(410)]
        await history(env, USCC_A)
        sender = env.partner.webhooks
        await sender.drain()
        hooks = (await env.client.get(f"/incentives/v1/agencies/{bank['id']}/webhooks", headers=env.admin)).json()
        assert hooks[0]["status"] == "disabled" and "410" in hooks[0]["disabled_reason"]
        assert "secret" not in hooks[0]
        env.clock.advance(timedelta(days=2))
        assert await sender.drain() == 0  # nothing goes to a disabled endpoint
        r = await env.client.post(
            f"/incentives/v1/agencies/{bank['id']}/webhooks/{hook['id']}/enable", headers=env.admin
        )
        assert r.json()["status"] == "active"
        await sender.drain()
        assert [e.data["change"] for e in partner.events()] == ["pushed", "lifted", "pushed", "lifted", "pushed"]


async def test_429_retry_after_is_honoured(make_env):
    async with make_env() as env:
        partner, _, _ = await setup(env)
        partner.answers = [httpx.Response(429, headers={"Retry-After": "120"})]
        await env.publish(env.event(registered(USCC_A)), env.event(class_changed(USCC_A, "D", T0)))
        await env.consume(2)
        sender = env.partner.webhooks
        await sender.drain()
        assert partner.received == []
        env.clock.advance(timedelta(seconds=119))  # our own schedule says 5 s; the partner asked for 120
        assert await sender.drain() == 0
        env.clock.advance(timedelta(seconds=1))
        await sender.drain()
        assert [e.data["measure_code"] for e in partner.events()] == ["loans.restricted_credit"]


async def test_503_with_an_http_date_retry_after_is_honoured(make_env):
    async with make_env() as env:
        partner, _, _ = await setup(env)
        when = env.clock.now() + timedelta(minutes=10)
        partner.answers = [httpx.Response(503, headers={"Retry-After": when.strftime("%a, %d %b %Y %H:%M:%S GMT")})]
        await env.publish(env.event(registered(USCC_A)), env.event(class_changed(USCC_A, "D", T0)))
        await env.consume(2)
        sender = env.partner.webhooks
        await sender.drain()
        env.clock.advance(timedelta(minutes=9))
        assert await sender.drain() == 0
        env.clock.advance(timedelta(minutes=1))
        await sender.drain()
        assert len(partner.received) == 1


async def test_no_delivery_to_a_name_that_resolves_to_a_private_address(make_env):
    async def rebinding(host, port):
        return ["93.184.216.34", "10.0.0.5"]  # one public, one private answer: refused

    async with make_env(webhook_allow_private=False) as env:
        partner, bank, hook = await setup(env, url="https://bank.example.com/hooks", resolve=rebinding)
        await env.publish(env.event(registered(USCC_A)), env.event(class_changed(USCC_A, "D", T0)))
        await env.consume(2)
        await env.partner.webhooks.drain()
        assert partner.attempts == 0
        r = await env.client.get(
            f"/incentives/v1/agencies/{bank['id']}/webhooks/{hook['id']}/deliveries", headers=env.admin
        )
        item = r.json()["items"][0]
        assert item["status"] == "pending" and "non-public" in item["last_error"] and "10.0.0.5" in item["last_error"]


async def test_a_public_name_is_called_at_its_checked_address(make_env):
    async def public(host, port):
        return ["93.184.216.34"]

    async with make_env(webhook_allow_private=False) as env:
        partner, _, hook = await setup(env, url="https://bank.example.com/hooks", resolve=public)
        await env.publish(env.event(registered(USCC_A)), env.event(class_changed(USCC_A, "D", T0)))
        await env.consume(2)
        await env.partner.webhooks.drain()
        (request,) = partner.received
        assert request.url.host == "93.184.216.34"  # pinned: a second lookup cannot rebind it
        assert request.headers["host"] == "bank.example.com"
        assert request.extensions["sni_hostname"] == "bank.example.com"


async def test_private_webhook_urls_are_refused_unless_allowed(make_env):
    async with make_env(webhook_allow_private=False) as env:
        bank = await env.make_agency("bank", ["loans"])
        for url in ("http://127.0.0.1:8080/x", "http://localhost/x", "http://10.1.2.3/x", "ftp://bank.example.com/x"):
            r = await env.client.post(
                f"/incentives/v1/agencies/{bank['id']}/webhooks", headers=env.admin, json={"url": url}
            )
            assert (r.status_code, r.json()["code"]) == (422, "invalid_webhook_url"), url
        r = await env.client.post(
            f"/incentives/v1/agencies/{bank['id']}/webhooks",
            headers=env.admin,
            json={"url": "https://bank.example.com/h"},
        )
        assert r.status_code == 201 and r.json()["secret"].startswith("whsec_")


def test_private_delivery_is_off_by_default_in_every_mode(monkeypatch):
    from services.incentives.settings import IncentivesSettings

    monkeypatch.delenv("ANJIAN_WEBHOOK_ALLOW_PRIVATE", raising=False)
    for env in ("embedded", "production", "test"):
        assert IncentivesSettings(env=env).webhook_allow_private is False
    monkeypatch.setenv("ANJIAN_WEBHOOK_ALLOW_PRIVATE", "1")
    assert IncentivesSettings().webhook_allow_private is True
