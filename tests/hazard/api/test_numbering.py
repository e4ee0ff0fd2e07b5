"""Rectification notice numbers are unique per issuer and year and without gaps, also when many
notices are issued at once; a request that fails does not use up a number."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from services.hazard.domain.numbering import parse_notice_number
from services.hazard.service import moves
from shared.errors import Invalid

CONCURRENT = 50


async def reported(hz, uscc: str, n: int) -> list[str]:
    return [(await hz.hazard(uscc, description=f"隐患{i}"))["id"] for i in range(n)]


async def issue(hz, hazard_id: str, headers=None):
    return await hz.client.post(
        f"/hazard/v1/hazards/{hazard_id}/notices",
        json={"deadline": "2026-02-28", "measures": "限期整改"},
        headers=headers or hz.headers("officer", division_code="330500"),
    )


async def test_fifty_concurrent_notices_get_numbers_1_to_50_without_gap_or_duplicate(hz):
    uscc = await hz.enterprise()
    ids = await reported(hz, uscc, CONCURRENT)
    responses = await asyncio.gather(*(issue(hz, i) for i in ids))
    assert [r.status_code for r in responses] == [201] * CONCURRENT
    parsed = [parse_notice_number(r.json()["number"]) for r in responses]
    assert {(p[0], p[1]) for p in parsed} == {("湖安监", 2026)}
    assert sorted(p[2] for p in parsed) == list(range(1, CONCURRENT + 1))
    # Each hazard carries the number of its own notice.
    for hazard_id, r in zip(ids, responses, strict=True):
        assert (await hz.get(f"/hazard/v1/hazards/{hazard_id}"))["notice_number"] == r.json()["number"]


async def test_concurrent_requests_that_fail_burn_no_number(hz, monkeypatch):
    uscc = await hz.enterprise()
    ids = await reported(hz, uscc, 30)
    doomed = set(ids[::3])
    real_apply = moves._apply

    def apply_or_fail(uow, h, user, decided, details=None):
        # Fails after the counter was raised in this transaction: the rollback must undo it.
        if h.id in doomed and decided[1].action == "issue_notice":
            raise Invalid("a check that fails after the number was drawn", code="late_failure")
        return real_apply(uow, h, user, decided, details)

    monkeypatch.setattr(moves, "_apply", apply_or_fail)
    closed = ids[1]
    await hz.post(f"/hazard/v1/hazards/{closed}/fix-on-spot", {"evidence": ["e"]})
    responses = await asyncio.gather(*(issue(hz, i) for i in ids))
    codes = dict(zip(ids, (r.status_code for r in responses), strict=True))
    assert {codes[i] for i in doomed} == {422}
    assert codes[closed] == 409
    ok = [r.json()["number"] for i, r in zip(ids, responses, strict=True) if codes[i] == 201]
    assert len(ok) == 30 - len(doomed) - 1
    assert sorted(parse_notice_number(n)[2] for n in ok) == list(range(1, len(ok) + 1))
    for i in doomed:
        assert (await hz.get(f"/hazard/v1/hazards/{i}"))["status"] == "reported"
    monkeypatch.setattr(moves, "_apply", real_apply)
    after = await issue(hz, ids[0])
    assert parse_notice_number(after.json()["number"])[2] == len(ok) + 1


async def test_each_issuer_and_each_year_counts_from_one(hz):
    nanxun = await hz.enterprise("330503")
    deqing = await hz.enterprise("330521")
    n1, n2, n3 = await reported(hz, nanxun, 3)
    d1, d2 = await reported(hz, deqing, 2)
    city = hz.headers("officer", division_code="330500")
    numbers = [
        (await issue(hz, n1, hz.headers("officer", division_code="330503"))).json()["number"],
        (await issue(hz, d1, hz.headers("officer", division_code="330521"))).json()["number"],
        (await issue(hz, n2, city)).json()["number"],
        (await issue(hz, d2, hz.admin)).json()["number"],
    ]
    assert numbers == [
        "南浔安监整改〔2026〕0001号",
        "德清安监整改〔2026〕0001号",
        "湖安监整改〔2026〕0001号",
        "德清安监整改〔2026〕0002号",
    ]
    # The year is the local one: 16:00 UTC on 31 December is already 1 January in Huzhou.
    hz.clock.set(datetime(2026, 12, 31, 16, 0, tzinfo=UTC))
    r = await hz.client.post(
        f"/hazard/v1/hazards/{n3}/notices", json={"deadline": "2027-01-31", "measures": "m"}, headers=city
    )
    assert r.json()["number"] == "湖安监整改〔2027〕0001号"


@pytest.mark.parametrize("rounds", [3])
async def test_waves_of_concurrent_notices_stay_gap_free(hz, rounds):
    uscc = await hz.enterprise()
    seen: list[int] = []
    for _ in range(rounds):
        ids = await reported(hz, uscc, 10)
        responses = await asyncio.gather(*(issue(hz, i) for i in ids))
        seen += [parse_notice_number(r.json()["number"])[2] for r in responses]
    assert sorted(seen) == list(range(1, 10 * rounds + 1))
