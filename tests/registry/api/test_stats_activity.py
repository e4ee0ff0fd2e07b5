"""Base-data activity in a period: "enterprise base data added or completed 956 times" (2015).

Built the way officers work: spreadsheets imported as jobs (new enterprises, updates, unchanged
rows, bad rows, a file run again), registrations and PATCHes through the API (some changing
nothing, one stale), around it changes in 2014 and 2016 and at the China-time edges of the year.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.registry.api.test_imports import HEADER, upload

URL = "/registry/v1/stats/activity"
NANXUN, WUXING = "330503", "330502"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def activity(registry, headers=None, **params) -> dict:
    r = await registry.client.get(URL, params=params, headers=headers or registry.admin)
    assert r.status_code == 200, r.text
    return r.json()


def line(code: str, division: str, i: int, township: str = "旧馆镇", employees: int = 10) -> str:
    return f"{code},企业{code[-6:]},张三,{division},{township},三桥村,industry_trade,small,{employees + i % 7}"


async def imported(registry, lines: list[str], expect_ok: int) -> dict:
    job = await upload(registry, "台账.csv", (HEADER + "\n".join(lines) + "\n").encode())
    assert job["status"] == "done" and job["succeeded_rows"] == expect_ok, job
    return job


async def patch(registry, uscc: str, version: int, body: dict, headers=None, expect: int = 200) -> None:
    r = await registry.client.patch(
        f"/registry/v1/enterprises/{uscc}",
        json=body,
        headers=(headers or registry.admin) | {"If-Match": f'"{version}"'},
    )
    assert r.status_code == expect, r.text


async def test_the_citys_956_base_data_changes_of_2015_come_out_exactly(registry):
    reg = registry
    officer = reg.as_("officer", "nanxun-1", division_code=NANXUN)

    # --- 2014: 100 enterprises imported, 5 of them corrected by hand (none of it counts in 2015)
    reg.clock.set(utc(2014, 6, 1, 2))
    old = [reg.code(NANXUN) for _ in range(100)]
    await imported(reg, [line(c, NANXUN, i) for i, c in enumerate(old)], 100)
    reg.clock.set(utc(2014, 9, 1, 2))
    for c in old[:5]:
        await patch(reg, c, 1, {"safety_lead": "王五"}, headers=officer)
    # 00:00 on 1 January 2015 in China (16:00 UTC the day before): counted in 2015.
    reg.clock.set(utc(2014, 12, 31, 16, 0))
    await patch(reg, old[10], 1, {"person_in_charge": "李四"}, headers=officer)

    # --- 2015
    reg.clock.set(utc(2015, 3, 1, 2))
    first = [reg.code(NANXUN) for _ in range(480)] + [reg.code(WUXING) for _ in range(120)]
    divisions = [NANXUN] * 480 + [WUXING] * 120
    await imported(reg, [line(c, d, i) for i, (c, d) in enumerate(zip(first, divisions, strict=True))], 600)

    reg.clock.set(utc(2015, 6, 1, 2))
    newer = [reg.code(WUXING) for _ in range(50)]
    ledger = (
        [line(c, NANXUN, i, employees=30) for i, c in enumerate(old)]  # 100 updated (employees)
        + [line(c, NANXUN, i) for i, c in enumerate(first[:300])]  # 300 unchanged: nothing
        + [line(c, NANXUN, i, township="和孚镇") for i, c in enumerate(first[300:450], start=300)]  # 150 updated
        + [line(c, WUXING, i) for i, c in enumerate(newer)]  # 50 registered
        + [f"{reg.code()},坏行,张三,3305,旧馆镇,三桥村,industry_trade,small,1"] * 2  # refused: nothing
    )
    job = await imported(reg, ledger, 600)
    assert job["failed_rows"] == 2
    reg.clock.set(utc(2015, 7, 1, 2))
    await imported(reg, ledger, 600)  # the same ledger again: every row already holds, nothing changes

    reg.clock.set(utc(2015, 8, 1, 2))
    by_hand = [(await reg.register(headers=officer))["uscc"] for _ in range(30)]  # 30 registered
    reg.clock.set(utc(2015, 9, 1, 2))
    for i, c in enumerate(by_hand[:25]):  # 25 updated
        await patch(reg, c, 1, {"employees": 100 + i, "safety_lead_phone": "0572-3000000"}, headers=officer)
    for c in by_hand[25:]:  # changing nothing: nothing
        await patch(reg, c, 1, {"employees": 40, "name": "湖州测试制造有限公司"}, headers=officer)
    await patch(reg, by_hand[0], 1, {"employees": 1}, headers=officer, expect=412)  # stale: nothing
    for c in old[20:25]:  # changing nothing, and the import's values again: nothing
        await patch(reg, c, 2, {"employees": 30 + old.index(c) % 7, "township": "旧馆镇"})

    # --- 2016 (in China): not counted
    reg.clock.set(utc(2015, 12, 31, 16, 0))
    await patch(reg, old[11], 2, {"village": "南浔村"})
    reg.clock.set(utc(2016, 2, 1, 2))
    await imported(reg, [line(reg.code(NANXUN), NANXUN, i) for i in range(40)], 40)

    year = {"from": "2015-01-01", "to": "2015-12-31"}
    city = await activity(reg, **year)
    assert city == {
        "from": "2015-01-01",
        "to": "2015-12-31",
        "division_code": None,
        "registered": 600 + 50 + 30,
        "updated": 100 + 150 + 1 + 25,
        "changes": 956,
        "enterprises": 600 + 50 + 30 + 100,
    }
    assert await activity(reg, reg.officer_a, **year, division_code="330500") == city | {"division_code": "330500"}
    nanxun = await activity(reg, **year, division_code=NANXUN)
    wuxing = await activity(reg, **year, division_code=WUXING)
    assert (nanxun["registered"], nanxun["updated"], nanxun["changes"], nanxun["enterprises"]) == (510, 276, 786, 610)
    assert (wuxing["registered"], wuxing["updated"], wuxing["changes"], wuxing["enterprises"]) == (170, 0, 170, 170)
    assert await activity(reg, officer, **year) == nanxun | {"division_code": None}

    # The edges of the year are China's.
    shifted = await activity(reg, **{"from": "2015-01-02", "to": "2016-01-01"})
    assert (shifted["updated"], shifted["changes"]) == (276 - 1 + 1, 956)
    before = await activity(reg, **{"from": "2014-01-01", "to": "2014-12-31"})
    assert (before["registered"], before["updated"], before["changes"], before["enterprises"]) == (100, 5, 105, 100)
    after = await activity(reg, **{"from": "2016-01-01", "to": "2016-12-31"})
    assert (after["registered"], after["updated"], after["changes"]) == (40, 1, 41)
