"""Registering hazards: levels and sources, the major-hazard basis, unknown enterprises, events, lists."""

from __future__ import annotations

from datetime import timedelta

import orjson


async def test_registered_hazard_is_reported_and_announced_on_the_outbox_and_the_wire(hz):
    uscc = await hz.enterprise(name="湖州示范化工有限公司")
    h = await hz.hazard(uscc, source="expert_checkup", description="储罐区防火堤破损", found_by="专家组")
    assert h["status"] == "reported" and h["enterprise_name"] == "湖州示范化工有限公司"
    assert h["division_code"] == "330503" and h["allowed_moves"] == ["fix_on_spot", "issue_notice"]
    [row] = await hz.outbox("hazard.hazard.registered.v1")
    assert row["key"] == uscc
    assert row["data"] == {
        "hazard_id": h["id"],
        "uscc": uscc,
        "level": "general",
        "division_code": "330503",
        "source": "expert_checkup",
        "description": "储罐区防火堤破损",
        "found_at": "2026-01-01T00:00:00Z",
        "found_by": "专家组",
        "major_basis": None,
        "cell_id": None,
        "finding_id": None,
    }
    [msg] = await hz.delivered("hazard.hazard.registered.v1")
    assert msg.topic == "safety.hazard.v1" and msg.key == uscc.encode()
    assert msg.header("ce_source") == "/services/hazard" and msg.header("ce_subject") == uscc
    assert orjson.loads(msg.value) == row["data"]


async def test_major_hazard_without_standard_and_clause_is_422(hz):
    uscc = await hz.enterprise()
    body = {
        "uscc": uscc,
        "source": "routine_check",
        "description": "粉尘爆炸危险场所未设置泄爆装置",
        "level": "major",
        "found_at": "2026-01-01T00:00:00Z",
        "found_by": "检查员",
    }
    for basis in (None, {"standard": "应急管理部令第10号", "clause": " "}, {"standard": "", "clause": "第三条"}):
        r = await hz.client.post("/hazard/v1/hazards", json={**body, "major_basis": basis}, headers=hz.admin)
        assert r.status_code == 422, r.text
        assert r.json()["code"] == "major_basis_required"
        assert r.json()["errors"][0]["field"] == "major_basis"
    ok = await hz.client.post(
        "/hazard/v1/hazards",
        json={**body, "major_basis": {"standard": "应急管理部令第10号", "clause": "第四条第（一）项"}},
        headers=hz.admin,
    )
    assert ok.status_code == 201
    assert ok.json()["major_basis"] == {"standard": "应急管理部令第10号", "clause": "第四条第（一）项"}
    r = await hz.client.get("/hazard/v1/hazards", headers=hz.admin)
    assert r.json()["total"] == 1


async def test_hazard_for_an_enterprise_the_service_never_heard_of_is_422(hz):
    r = await hz.client.post(
        "/hazard/v1/hazards",
        json={
            "uscc": hz.new_uscc(),
            "source": "routine_check",
            "description": "d",
            "level": "general",
            "found_at": "2026-01-01T00:00:00Z",
            "found_by": "x",
        },
        headers=hz.admin,
    )
    assert r.status_code == 422 and r.json()["code"] == "unknown_enterprise"
    assert r.json()["errors"] == [{"field": "uscc", "message": "unknown enterprise"}]
    assert await hz.outbox() == []


async def test_found_in_the_future_naive_times_and_unknown_sources_are_422(hz):
    uscc = await hz.enterprise()
    base = {"uscc": uscc, "source": "routine_check", "description": "d", "level": "general", "found_by": "x"}
    future = (hz.clock.now() + timedelta(hours=1)).isoformat()
    cases = [
        ({**base, "found_at": future}, "found_in_future"),
        ({**base, "found_at": "2026-01-01T08:00:00"}, "validation_error"),
        ({**base, "found_at": "2026-01-01T00:00:00Z", "source": "rumour"}, "validation_error"),
        ({**base, "found_at": "2026-01-01T00:00:00Z", "level": "medium"}, "validation_error"),
    ]
    for body, code in cases:
        r = await hz.client.post("/hazard/v1/hazards", json=body, headers=hz.admin)
        assert r.status_code == 422 and r.json()["code"] == code, r.text


async def test_a_retried_post_with_the_same_idempotency_key_gets_the_first_answer(hz):
    uscc = await hz.enterprise()
    body = {
        "uscc": uscc,
        "source": "electrical_alarm",
        "description": "剩余电流超限报警",
        "level": "general",
        "found_at": "2026-01-01T00:00:00Z",
        "found_by": "智慧用电监测中心",
    }
    headers = {**hz.admin, "Idempotency-Key": "alarm-7781"}
    first = await hz.client.post("/hazard/v1/hazards", json=body, headers=headers)
    again = await hz.client.post("/hazard/v1/hazards", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again.headers["idempotent-replayed"] == "true"
    assert len(await hz.outbox("hazard.hazard.registered.v1")) == 1


async def test_list_filters_by_status_level_area_code_listing_overdue_and_period(hz):
    nanxun = await hz.enterprise("330503")
    deqing = await hz.enterprise("330521")
    a = await hz.hazard(nanxun)
    b = await hz.hazard(deqing, level="major")
    await hz.post(f"/hazard/v1/hazards/{a['id']}/notices", {"deadline": "2026-01-10", "measures": "m"}, expect=201)
    hz.clock.advance(timedelta(days=40))
    c = await hz.hazard(nanxun)
    await hz.post(f"/hazard/v1/hazards/{b['id']}/listing")

    async def ids(**params):
        page = await hz.get("/hazard/v1/hazards", **params)
        assert page["total"] == len(page["items"])
        return {i["id"] for i in page["items"]}

    assert await ids() == {a["id"], b["id"], c["id"]}
    assert await ids(division_code="330500") == {a["id"], b["id"], c["id"]}
    assert await ids(division_code="330521") == {b["id"]}
    assert await ids(uscc=nanxun) == {a["id"], c["id"]}
    assert await ids(status="notice_issued") == {a["id"]}
    assert await ids(level="major") == {b["id"]}
    assert await ids(listed="true") == {b["id"]}
    assert await ids(overdue="true") == {a["id"]}
    assert await ids(overdue="false") == {b["id"], c["id"]}
    assert await ids(**{"from": "2026-02-01"}) == {c["id"]}
    assert await ids(**{"from": "2026-01-01", "to": "2026-01-31"}) == {a["id"], b["id"]}
    page = await hz.get("/hazard/v1/hazards", limit=1)
    assert page["total"] == 3 and len(page["items"]) == 1 and page["items"][0]["id"] == c["id"]
    bad = await hz.client.get("/hazard/v1/hazards", params={"division_code": "3305"}, headers=hz.admin)
    assert bad.status_code == 422
