"""Every move of the closed loop through the API: each legal one lands where the domain's table
says, each illegal one is 409 invalid_transition naming the state and the allowed moves."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from services.hazard.domain.hazards import HazardLevel, HazardStatus, RemediationPlan
from services.hazard.domain.state_machine import HazardAction, HazardState, allowed_moves, apply

A = HazardAction
S = HazardStatus
G, M = HazardLevel.GENERAL, HazardLevel.MAJOR
DEADLINE = "2026-01-31"
PLAN = {
    "measures": "更换腐蚀储罐及安全阀",
    "funds": "180000.00",
    "deadline": "2026-03-31",
    "responsible_person": "王伟",
    "emergency_plan": "罐区泄漏应急预案 v3",
}


def state(level, status, *, listed=False, pending=False) -> HazardState:
    plan = level == M and status in (S.RECTIFYING, S.AWAITING_ACCEPTANCE, S.CLOSED)
    return HazardState(status, level, listed=listed, plan_submitted=plan, extension_pending=pending)


STATES = [state(G, s) for s in S] + [state(G, S.NOTICE_ISSUED, pending=True), state(G, S.RECTIFYING, pending=True)]
for _listed in (False, True):
    STATES += [state(M, s, listed=_listed) for s in S]
    STATES += [state(M, s, listed=_listed, pending=True) for s in (S.NOTICE_ISSUED, S.RECTIFYING)]


def _id(st: HazardState) -> str:
    flags = [n for n in ("listed", "extension_pending") if getattr(st, n)]
    return "-".join([st.level.value, st.status.value, *flags])


async def build(hz, uscc: str, target: HazardState) -> tuple[str, str | None]:
    """A hazard brought to ``target`` through the API; returns its id and any pending extension id."""
    h = await hz.hazard(uscc, level=target.level.value)
    base = f"/hazard/v1/hazards/{h['id']}"
    if target.listed:
        await hz.post(f"{base}/listing")
    if target.status != S.REPORTED:
        await hz.post(f"{base}/notices", {"deadline": DEADLINE, "measures": "整改"}, expect=201)
    order = [S.NOTICE_ISSUED, S.RECTIFYING, S.AWAITING_ACCEPTANCE, S.CLOSED]
    reached = S.NOTICE_ISSUED if target.status != S.REPORTED else S.REPORTED
    for nxt in order[1:]:
        if target.status == S.REPORTED or order.index(nxt) > order.index(target.status):
            break
        if nxt == S.RECTIFYING:
            if target.level == M:
                await hz.post(f"{base}/plan", PLAN)
            else:
                await hz.post(f"{base}/rectification")
        elif nxt == S.AWAITING_ACCEPTANCE:
            await hz.post(f"{base}/completion", {"evidence": ["photo:done.jpg"]})
        else:
            await hz.post(f"{base}/acceptance", {"passed": True, "note": "验收合格"})
        reached = nxt
    assert reached == target.status
    ext = None
    if target.extension_pending:
        ext = (await hz.post(f"{base}/extensions", {"deadline": "2026-02-28", "reason": "设备到货延迟"}, expect=201))[
            "id"
        ]
    got = await hz.get(base)
    assert (got["status"], got["listed"], got["plan_submitted"], got["extension_pending"]) == (
        target.status.value,
        target.listed,
        target.plan_submitted,
        target.extension_pending,
    )
    return h["id"], ext


def request_for(action: HazardAction, hazard_id: str, ext: str | None) -> tuple[str, dict, int]:
    """(path, body, success status) of the endpoint that performs ``action``."""
    base = f"/hazard/v1/hazards/{hazard_id}"
    return {
        A.FIX_ON_SPOT: (f"{base}/fix-on-spot", {"evidence": ["photo:fixed.jpg"]}, 200),
        A.ISSUE_NOTICE: (f"{base}/notices", {"deadline": DEADLINE, "measures": "整改"}, 201),
        A.SUBMIT_PLAN: (f"{base}/plan", PLAN, 200),
        A.START_RECTIFICATION: (f"{base}/rectification", {}, 200),
        A.COMPLETE: (f"{base}/completion", {"evidence": ["photo:done.jpg"]}, 200),
        A.ACCEPT: (f"{base}/acceptance", {"passed": True, "note": "合格"}, 200),
        A.FAIL_ACCEPTANCE: (f"{base}/acceptance", {"passed": False, "note": "仍未整改到位"}, 200),
        A.REQUEST_EXTENSION: (f"{base}/extensions", {"deadline": "2026-03-15", "reason": "停产检修"}, 201),
        A.GRANT_EXTENSION: (f"{base}/extensions/{ext or 'none'}/grant", {}, 200),
        A.REFUSE_EXTENSION: (f"{base}/extensions/{ext or 'none'}/refuse", {"note": "理由不充分"}, 200),
        A.LIST_SUPERVISION: (f"{base}/listing", {}, 200),
        A.DELIST: (f"{base}/delisting", {}, 200),
    }[action]


@pytest.mark.parametrize("target", STATES, ids=_id)
async def test_every_move_in_each_state_is_legal_exactly_when_the_table_says(hz, target):
    uscc = await hz.enterprise()
    hazard_id, ext = await build(hz, uscc, target)
    legal = allowed_moves(target)
    for action in HazardAction:
        if action in legal:
            continue
        path, body, _ = request_for(action, hazard_id, ext)
        r = await hz.client.post(path, json=body, headers=hz.admin)
        assert r.status_code == 409, f"{action}: {r.status_code} {r.text}"
        problem = r.json()
        assert r.headers["content-type"].startswith("application/problem+json")
        assert problem["code"] == "invalid_transition"
        assert problem["state"] == target.status.value
        assert problem["action"] == action.value
        assert problem["allowed"] == [a.value for a in legal]
    detail = await hz.get(f"/hazard/v1/hazards/{hazard_id}")
    assert detail["allowed_moves"] == [a.value for a in legal]
    for action in legal:
        fresh, fresh_ext = await build(hz, uscc, target)
        path, body, ok = request_for(action, fresh, fresh_ext)
        r = await hz.client.post(path, json=body, headers=hz.admin)
        assert r.status_code == ok, f"{action}: {r.status_code} {r.text}"
        expected = apply(
            target,
            action,
            evidence=["x"],
            plan=RemediationPlan("m", Decimal(1), date(2026, 3, 31), "p", "e"),
        )
        got = await hz.get(f"/hazard/v1/hazards/{fresh}")
        assert (got["status"], got["listed"], got["plan_submitted"], got["extension_pending"]) == (
            expected.status.value,
            expected.listed,
            expected.plan_submitted,
            expected.extension_pending,
        ), action
        assert got["transitions"][-1]["action"] == action.value


async def test_general_hazard_goes_round_the_loop_with_every_move_recorded(hz):
    uscc = await hz.enterprise()
    h = await hz.hazard(uscc)
    base = f"/hazard/v1/hazards/{h['id']}"
    notice = await hz.post(f"{base}/notices", {"deadline": "2026-01-15", "measures": "清理通道"}, expect=201)
    assert notice["number"] == "南浔安监整改〔2026〕0001号"
    hz.clock.advance(timedelta(days=2))
    await hz.post(f"{base}/rectification", {"note": "已安排人员"}, headers=hz.headers("enterprise", uscc=uscc))
    hz.clock.advance(timedelta(days=3))
    done = await hz.post(
        f"{base}/completion",
        {"evidence": ["photo:clear.jpg", "整改报告.pdf"]},
        headers=hz.headers("enterprise", uscc=uscc),
    )
    assert done["status"] == "awaiting_acceptance"
    assert done["acceptance_due_by"] == "2026-01-16"
    hz.clock.advance(timedelta(days=1))
    closed = await hz.post(f"{base}/acceptance", {"passed": True, "note": "复查合格"})
    assert closed["status"] == "closed" and closed["acceptance_late"] is False
    detail = await hz.get(base)
    assert [(t["action"], t["from_status"], t["to_status"], t["by_role"]) for t in detail["transitions"]] == [
        ("register", None, "reported", "admin"),
        ("issue_notice", "reported", "notice_issued", "admin"),
        ("start_rectification", "notice_issued", "rectifying", "enterprise"),
        ("complete", "rectifying", "awaiting_acceptance", "enterprise"),
        ("accept", "awaiting_acceptance", "closed", "admin"),
    ]
    assert detail["transitions"][3]["details"]["evidence"] == ["photo:clear.jpg", "整改报告.pdf"]
    assert detail["transitions"][4]["reason"] == "复查合格"
    assert detail["evidence"] == ["photo:clear.jpg", "整改报告.pdf"]
    closed_events = await hz.outbox("hazard.hazard.closed.v1")
    assert [e["data"]["on_time"] for e in closed_events] == [True]


async def test_major_hazard_needs_a_plan_and_is_delisted_only_after_a_passed_acceptance(hz):
    uscc = await hz.enterprise()
    h = await hz.hazard(uscc, level="major", work_suspended=True)
    base = f"/hazard/v1/hazards/{h['id']}"
    listed = await hz.post(f"{base}/listing", {"note": "市级挂牌督办"})
    assert listed["listed"] is True and listed["listed_at"]
    await hz.post(f"{base}/notices", {"deadline": "2026-03-31", "measures": "停产整改"}, expect=201)
    r = await hz.client.post(f"{base}/rectification", json={}, headers=hz.admin)
    assert r.status_code == 409 and r.json()["allowed"] == ["request_extension", "submit_plan"]
    incomplete = await hz.client.post(f"{base}/plan", json={**PLAN, "emergency_plan": " "}, headers=hz.admin)
    assert incomplete.status_code == 422 and incomplete.json()["code"] == "invalid_plan"
    await hz.post(f"{base}/plan", PLAN, headers=hz.headers("enterprise", uscc=uscc))
    await hz.post(f"{base}/completion", {"evidence": ["检测报告.pdf"]}, headers=hz.headers("enterprise", uscc=uscc))
    failed = await hz.post(f"{base}/acceptance", {"passed": False, "note": "安全阀未更换"})
    assert failed["status"] == "rectifying" and failed["completed_at"] is None
    early = await hz.client.post(f"{base}/delisting", json={}, headers=hz.admin)
    assert early.status_code == 409
    await hz.post(f"{base}/completion", {"evidence": ["复检报告.pdf"]}, headers=hz.headers("enterprise", uscc=uscc))
    await hz.post(f"{base}/acceptance", {"passed": True, "note": "合格"})
    delisted = await hz.post(f"{base}/delisting", {"note": "摘牌"})
    assert delisted["listed"] is False and delisted["delisted_at"]
    detail = await hz.get(base)
    assert detail["plan"]["funds"] == "180000.00" and detail["plan"]["responsible_person"] == "王伟"
    types = [e["type"] for e in await hz.outbox()]
    assert types == [
        "hazard.hazard.registered.v1",
        "hazard.major.listed.v1",
        "hazard.hazard.closed.v1",
        "hazard.major.delisted.v1",
    ]
    wire = await hz.delivered()
    assert [m.header("ce_type") for m in wire] == types
    assert all(m.key == uscc.encode() and m.header("ce_subject") == uscc for m in wire)


async def test_failed_acceptance_without_a_note_is_refused(hz):
    uscc = await hz.enterprise()
    h = await hz.hazard(uscc)
    base = f"/hazard/v1/hazards/{h['id']}"
    await hz.post(f"{base}/notices", {"deadline": DEADLINE, "measures": "m"}, expect=201)
    await hz.post(f"{base}/completion", {"evidence": ["e"]})
    r = await hz.client.post(f"{base}/acceptance", json={"passed": False}, headers=hz.admin)
    assert r.status_code == 422 and r.json()["code"] == "note_required"
    assert (await hz.get(base))["status"] == "awaiting_acceptance"


async def test_completion_without_evidence_is_422_and_changes_nothing(hz):
    uscc = await hz.enterprise()
    h = await hz.hazard(uscc)
    base = f"/hazard/v1/hazards/{h['id']}"
    await hz.post(f"{base}/notices", {"deadline": DEADLINE, "measures": "m"}, expect=201)
    r = await hz.client.post(f"{base}/completion", json={"evidence": []}, headers=hz.admin)
    assert r.status_code == 422 and r.json()["code"] == "evidence_required"
    detail = await hz.get(base)
    assert detail["status"] == "notice_issued" and detail["version"] == 2 and len(detail["transitions"]) == 2


async def test_fix_on_the_spot_closes_a_general_hazard_without_a_deadline(hz):
    uscc = await hz.enterprise()
    h = await hz.hazard(uscc)
    closed = await hz.post(f"/hazard/v1/hazards/{h['id']}/fix-on-spot", {"evidence": ["现场已整改.jpg"]})
    assert closed["status"] == "closed" and closed["deadline"] is None
    [event] = await hz.outbox("hazard.hazard.closed.v1")
    assert event["data"]["on_time"] is None


async def test_extension_is_requested_then_granted_with_reasons_and_moves_the_deadline(hz):
    uscc = await hz.enterprise()
    h = await hz.hazard(uscc)
    base = f"/hazard/v1/hazards/{h['id']}"
    await hz.post(f"{base}/notices", {"deadline": "2026-01-20", "measures": "m"}, expect=201)
    same = await hz.client.post(f"{base}/extensions", json={"deadline": "2026-01-20", "reason": "r"}, headers=hz.admin)
    assert same.status_code == 422 and same.json()["code"] == "invalid_extension"
    ext = await hz.post(
        f"{base}/extensions",
        {"deadline": "2026-02-20", "reason": "设备到货延迟"},
        headers=hz.headers("enterprise", uscc=uscc),
        expect=201,
    )
    assert ext["status"] == "pending" and ext["previous_deadline"] == "2026-01-20"
    assert (await hz.get(base))["deadline"] == "2026-01-20"
    enterprise_grant = await hz.client.post(
        f"{base}/extensions/{ext['id']}/grant", json={}, headers=hz.headers("enterprise", uscc=uscc)
    )
    assert enterprise_grant.status_code == 403
    granted = await hz.post(f"{base}/extensions/{ext['id']}/grant", {"deadline": "2026-02-10", "note": "同意延期"})
    assert granted["status"] == "granted" and granted["granted_deadline"] == "2026-02-10"
    again = await hz.client.post(f"{base}/extensions/{ext['id']}/refuse", json={"note": "x"}, headers=hz.admin)
    assert again.status_code == 409
    detail = await hz.get(base)
    assert detail["deadline"] == "2026-02-10" and detail["extension_pending"] is False
    assert detail["transitions"][-1]["details"] == {
        "extension_id": ext["id"],
        "previous_deadline": "2026-01-20",
        "deadline": "2026-02-10",
    }
    second = await hz.post(f"{base}/extensions", {"deadline": "2026-03-01", "reason": "再延"}, expect=201)
    refused = await hz.post(f"{base}/extensions/{second['id']}/refuse", {"note": "不予延期"})
    assert refused["status"] == "refused"
    assert (await hz.get(base))["deadline"] == "2026-02-10"
    third = await hz.post(f"{base}/extensions", {"deadline": "2026-03-01", "reason": "三延"}, expect=201)
    await hz.post(f"{base}/completion", {"evidence": ["e"]})
    detail = await hz.get(base)
    assert [e["status"] for e in detail["extensions"]] == ["granted", "refused", "lapsed"]
    assert detail["extensions"][2]["id"] == third["id"]


async def test_stale_if_match_is_412_and_a_fresh_one_moves(hz):
    uscc = await hz.enterprise()
    h = await hz.hazard(uscc)
    base = f"/hazard/v1/hazards/{h['id']}"
    r = await hz.client.get(base, headers=hz.admin)
    assert r.headers["etag"] == '"1"'
    await hz.post(f"{base}/notices", {"deadline": DEADLINE, "measures": "m"}, expect=201)
    stale = await hz.client.post(f"{base}/rectification", json={}, headers={**hz.admin, "If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["code"] == "version_mismatch"
    ok = await hz.client.post(f"{base}/rectification", json={}, headers={**hz.admin, "If-Match": '"2"'})
    assert ok.status_code == 200 and ok.json()["version"] == 3


async def test_notice_deadline_in_the_past_is_refused(hz):
    uscc = await hz.enterprise()
    h = await hz.hazard(uscc)
    r = await hz.client.post(
        f"/hazard/v1/hazards/{h['id']}/notices", json={"deadline": "2025-12-31", "measures": "m"}, headers=hz.admin
    )
    assert r.status_code == 422 and r.json()["code"] == "deadline_in_past"


async def test_unknown_hazard_is_404(hz):
    r = await hz.client.post("/hazard/v1/hazards/nope/rectification", json={}, headers=hz.admin)
    assert r.status_code == 404 and r.json()["code"] == "hazard_not_found"
