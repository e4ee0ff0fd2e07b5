"""The services together, on both transports: what an officer decides in the registry reaches the
hazard service, the incentives service, the partner API and a partner's webhook, and back."""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.incentives.domain.webhooks import verify
from services.registry.domain.uscc import generate_uscc
from services.suite import create_suite, migrate_all
from shared.testing.broker import TansuBroker, free_port
from shared.testing.fixtures import kafka_transport_for, token_for


class Receiver:
    """A partner's webhook endpoint on 127.0.0.1 that keeps what it gets."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[tuple[dict, bytes]] = []

        async def hook(request: Request) -> Response:
            self.received.append((dict(request.headers), await request.body()))
            return Response(status_code=204)

        self.server = uvicorn.Server(
            uvicorn.Config(
                Starlette(routes=[Route("/hook", hook, methods=["POST"])]),
                host="127.0.0.1",
                port=self.port,
                log_level="warning",
            )
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def __aenter__(self):
        self.task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            await asyncio.sleep(0.01)
        return self

    async def __aexit__(self, *exc):
        self.server.should_exit = True
        await self.task


async def eventually(check, timeout: float = 60.0):
    """Poll ``check`` (an async function returning a truthy value) until it holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await check()
        if value:
            return value
        assert loop.time() < deadline, "the flow did not complete in time"
        await asyncio.sleep(0.05)


@pytest.fixture(params=["inprocess", "kafka"])
async def suite(request, tmp_path, monkeypatch):
    monkeypatch.delenv("ANJIAN_JWT_SIGNING_KEY", raising=False)
    data = tmp_path / "data"
    await asyncio.to_thread(migrate_all, data)
    broker = transport = None
    if request.param == "kafka":
        broker = TansuBroker().start()
        transport = kafka_transport_for(broker.bootstrap)
        await transport.start()
    s = create_suite(
        data, demo=False, console=False, transport=transport, overrides={"incentives": {"webhook_allow_private": True}}
    )
    try:
        async with s:
            s.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=s), base_url="http://suite", timeout=30)
            yield s
            await s.client.aclose()
    finally:
        if transport is not None:
            await transport.stop()
        if broker is not None:
            broker.stop()


def staff(suite, role: str, sub: str, **scope) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(suite.ctx('registry').settings, role, sub, **scope)}"}


async def test_registry_decisions_reach_hazards_partners_and_webhooks_and_come_back(suite):
    c = suite.client
    admin = staff(suite, "admin", "admin")
    a = staff(suite, "officer", "officer-a", division_code="330500")
    b = staff(suite, "officer", "officer-b", division_code="330500")
    uscc = generate_uscc(random.Random(), division_code="330503")

    # A partner bank with a key and a webhook, before anything happens to the enterprise.
    bank = (
        await c.post(
            "/incentives/v1/agencies", headers=admin, json={"name": "湖州银行", "kind": "bank", "domains": ["loans"]}
        )
    ).json()
    key = (await c.post(f"/incentives/v1/agencies/{bank['id']}/api-keys", headers=admin, json={})).json()["key"]
    partner = {"X-API-Key": key}
    async with Receiver() as receiver:
        hook = await c.post(f"/incentives/v1/agencies/{bank['id']}/webhooks", headers=admin, json={"url": receiver.url})
        assert hook.status_code == 201, hook.text
        secret = hook.json()["secret"]

        # Registered in the registry -> the hazard service and the partner API know it.
        r = await c.post(
            "/registry/v1/enterprises",
            headers=a,
            json={
                "uscc": uscc,
                "name": "南浔测试机械有限公司",
                "legal_representative": "王五",
                "division_code": "330503",
                "township": "旧馆镇",
                "village": "三桥村",
                "address": "湖州市南浔区旧馆镇",
                "category": "industry_trade",
                "scale": "small",
                "employees": 40,
            },
        )
        assert r.status_code == 201, r.text

        async def hazard_accepted():
            h = await c.post(
                "/hazard/v1/hazards",
                headers=a,
                json={
                    "uscc": uscc,
                    "source": "routine_check",
                    "description": "配电箱未接地",
                    "level": "general",
                    "found_at": datetime.now(UTC).isoformat(),
                    "found_by": "检查员",
                },
            )
            return h.status_code == 201

        await eventually(hazard_accepted)

        # An assessment approved by a second officer -> class A -> the bank sees its loans incentive.
        x = (
            await c.post(
                f"/registry/v1/enterprises/{uscc}/assessments",
                headers=a,
                json={
                    "period": str(datetime.now(UTC).year),
                    "scores": dict.fromkeys(
                        (
                            "standardization",
                            "safety_culture",
                            "staff_participation",
                            "public_commitment",
                            "legal_compliance",
                        ),
                        95,
                    ),
                },
            )
        ).json()
        assert (await c.post(f"/registry/v1/assessments/{x['id']}/approve", headers=a)).status_code == 403
        assert (await c.post(f"/registry/v1/assessments/{x['id']}/approve", headers=b)).status_code == 200

        async def partner_sees(pred):
            r = await c.get(f"/partner/v1/enterprises/{uscc}", headers=partner)
            return r.json() if r.status_code == 200 and pred(r.json()) else None

        standing = await eventually(lambda: partner_sees(lambda j: j["credit_class"] == "A"))
        assert standing["blacklisted"] is False
        codes = {m["code"] for m in standing["measures"]}
        assert codes and all(code.startswith("loans.") for code in codes)

        # Blacklisted (decided 13 months ago, so repair is already possible) -> restrictions only.
        rule_sets = (await c.get("/registry/v1/rule-sets", headers=a)).json()
        rule_sets = rule_sets["items"] if isinstance(rule_sets, dict) else rule_sets
        order11 = next(rs for rs in rule_sets if rs["code"] == "mem-order-11-2023")
        decided = datetime.now(UTC) - timedelta(days=400)
        entry = await c.post(
            "/registry/v1/blacklist",
            headers=a,
            json={
                "uscc": uscc,
                "situation": order11["situations"][0]["code"],
                "rule_set": "mem-order-11-2023",
                "penalty_decision_ref": "湖应急罚〔2025〕12号",
                "decided_at": decided.isoformat(),
            },
        )
        assert entry.status_code == 201, entry.text
        listed = await eventually(lambda: partner_sees(lambda j: j["blacklisted"]))
        assert listed["measures"] and all(m["kind"] == "restriction" for m in listed["measures"])

        # Credit repair, approved by someone other than the applicant -> restrictions lifted, class back.
        app = await c.post(
            f"/registry/v1/blacklist/{entry.json()['id']}/repair-applications",
            headers=a,
            json={"commitment": "本企业承诺守法经营", "evidence": ["罚款缴纳凭证"]},
        )
        assert app.status_code == 201, app.text
        assert (
            await c.post(f"/registry/v1/repair-applications/{app.json()['id']}/approve", headers=b)
        ).status_code == 200
        repaired = await eventually(lambda: partner_sees(lambda j: not j["blacklisted"] and j["credit_class"] == "A"))
        assert all(m["kind"] == "incentive" for m in repaired["measures"])

        # The webhook got every change for this enterprise, signed, in order: push, lift+push, lift+push.
        async def deliveries():
            got = [(h, body) for h, body in receiver.received if uscc.encode() in body]
            return got if len(got) >= 5 else None

        got = await eventually(deliveries)
        now = int(time.time())
        changes = []
        for headers, body in got:
            verify(secret, headers, body, now)  # raises when the signature is wrong
            import orjson

            event = orjson.loads(body)
            assert event["subject"] == uscc and event["specversion"] == "1.0"
            changes.append((event["data"]["change"], event["data"]["kind"]))
        assert changes[0] == ("pushed", "incentive")
        assert ("lifted", "incentive") in changes and ("pushed", "restriction") in changes
        assert changes.index(("pushed", "restriction")) < changes.index(("lifted", "restriction"))

    # A serious accident recorded in the hazard service becomes a listing proposal in the registry.
    acc = await c.post(
        "/hazard/v1/accidents",
        headers=a,
        json={
            "occurred_at": (datetime.now(UTC) - timedelta(days=3)).isoformat(),
            "uscc": uscc,
            "kind": "collapse",
            "deaths": 11,
            "serious_injuries": 2,
            "direct_loss": "52000000",
        },
    )
    assert acc.status_code == 201, acc.text

    async def proposed():
        r = await c.get("/registry/v1/proposals", headers=a, params={"uscc": uscc})
        items = r.json()["items"] if r.status_code == 200 else []
        return [p for p in items if p["uscc"] == uscc]

    proposals = await eventually(proposed)
    assert proposals[0]["status"] == "pending"
    entry_now = (await c.get(f"/registry/v1/enterprises/{uscc}", headers=a)).json()
    assert entry_now["blacklisted"] is False  # a proposal is never a listing until an officer decides


async def test_a_grid_inspection_finding_becomes_a_hazard_in_the_enterprise_cell(suite):
    """Registry -> grid (placed by township and village) -> inspection -> finding event -> hazard."""
    c = suite.client
    officer = staff(suite, "officer", "officer-a", division_code="330503")
    town = (
        await c.post(
            "/grid/v1/cells", headers=officer, json={"code": "JG", "name": "旧馆镇", "division_code": "330503"}
        )
    ).json()
    village = await c.post(
        "/grid/v1/cells", headers=officer, json={"code": "JG-SQ", "name": "三桥村", "parent_id": town["id"]}
    )
    assert village.status_code == 201, village.text
    village = village.json()
    uscc = generate_uscc(random.Random(), division_code="330503")
    r = await c.post(
        "/registry/v1/enterprises",
        headers=officer,
        json={
            "uscc": uscc,
            "name": "三桥村网格测试厂",
            "legal_representative": "周七",
            "division_code": "330503",
            "township": "旧馆镇",
            "village": "三桥村",
            "address": "湖州市南浔区旧馆镇三桥村",
            "category": "industry_trade",
            "scale": "small",
            "employees": 9,
        },
    )
    assert r.status_code == 201, r.text
    worker = staff(suite, "grid_worker", "worker-sq", grid_cell_ids=[village["id"]])

    async def placed():
        e = await c.get(f"/grid/v1/enterprises/{uscc}", headers=worker)
        return e.status_code == 200 and e.json()["cell_id"] == village["id"]

    await eventually(placed)
    visit = await c.post(
        "/grid/v1/inspections",
        headers=worker,
        json={
            "uscc": uscc,
            "inspected_at": datetime.now(UTC).isoformat(),
            "inspector": "三桥村网格员",
            "checklist": [{"item": "电气线路", "result": "fail"}],
            "findings": [{"description": "电线私拉乱接", "level": "general"}],
        },
    )
    assert visit.status_code == 201, visit.text

    async def hazard_in_cell():
        # The grid worker sees the hazard through the cell its finding carried.
        r = await c.get("/hazard/v1/hazards", headers=worker, params={"uscc": uscc})
        return r.json()["items"] if r.status_code == 200 and r.json()["total"] == 1 else None

    [h] = await eventually(hazard_in_cell)
    # The township's station sees it too (the finding carried the cells above the village).
    chief = staff(suite, "grid_worker", "chief-jg", grid_cell_ids=[town["id"]])
    seen = await c.get(f"/hazard/v1/hazards/{h['id']}", headers=chief)
    assert seen.status_code == 200, seen.text
    assert (h["source"], h["cell_id"], h["description"], h["status"]) == (
        "grid_inspection",
        village["id"],
        "电线私拉乱接",
        "reported",
    )

    # A hazard an officer found on a routine check carries no cell; the grid's placement
    # (grid.enterprise.placed.v1) makes it visible to the enterprise's grid all the same.
    routine = await c.post(
        "/hazard/v1/hazards",
        headers=officer,
        json={
            "uscc": uscc,
            "source": "routine_check",
            "description": "配电箱未上锁",
            "level": "general",
            "found_at": datetime.now(UTC).isoformat(),
            "found_by": "执法检查员",
        },
    )
    assert routine.status_code == 201, routine.text
    assert routine.json()["cell_id"] is None
    for who in (worker, chief):
        r = await c.get(f"/hazard/v1/hazards/{routine.json()['id']}", headers=who)
        assert r.status_code == 200, r.text
    listed = await c.get("/hazard/v1/hazards", headers=worker, params={"uscc": uscc})
    assert listed.json()["total"] == 2
    sibling = staff(suite, "grid_worker", "worker-dg", grid_cell_ids=["another-village"])
    assert (await c.get(f"/hazard/v1/hazards/{routine.json()['id']}", headers=sibling)).status_code == 404
