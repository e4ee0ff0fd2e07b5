"""The city's 2015 hazard figures (mission.md) from a historical ledger built to match them:
4,154 hazards recorded, 1,826 rectification notices, a due-rectification rate of 99.83%.

The ledger is imported through the import job like any bureau's spreadsheet - Chinese headers,
GB18030, dates typed three ways - and the statistics endpoint counts it like any other hazards.
"""

from __future__ import annotations

import asyncio
import csv
import io
import random
from datetime import UTC, date, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))
COUNTIES = {
    "330502": "吴兴安监",
    "330503": "南浔安监",
    "330521": "德清安监",
    "330522": "长兴安监",
    "330523": "安吉安监",
}
HEADERS = [
    "统一社会信用代码",
    "隐患描述",
    "隐患等级",
    "隐患来源",
    "发现时间",
    "判定依据",
    "判定条款",
    "整改通知书编号",
    "通知书下达时间",
    "整改期限",
    "销号时间",
]
SOURCES = ["日常检查", "专项检查", "网格巡查", "专家会诊", "企业自查", "智慧用电"]
DESCRIPTIONS = [
    "消防通道堵塞",
    "配电箱未接地",
    "安全出口标志缺失",
    "粉尘未及时清理",
    "叉车无证驾驶",
    "危化品储存超量",
    "防护栏缺失",
    "应急照明损坏",
    "特种设备未年检",
    "劳动防护用品缺失",
]


def _typed(moment: datetime, style: int) -> str:
    """A local time as clerks type it: ISO with minutes, slashes, or Chinese characters."""
    local = moment.astimezone(CST)
    return [
        local.strftime("%Y-%m-%d %H:%M"),
        f"{local.year}/{local.month}/{local.day} {local.hour}:{local.minute:02d}",
        f"{local.year}年{local.month}月{local.day}日 {local.hour}:{local.minute:02d}",
    ][style % 3]


def city_ledger_2015(enterprises: dict[str, list[str]], seed: int = 2015) -> tuple[list[list[str]], dict]:
    """Rows of a 2015 ledger (and a few 2014 ones that must not count) with the city's figures.

    2015: 4,154 hazards; 2,328 general ones fixed on the spot; 1,826 under a notice, of which
    1,800 fall due in 2015 (1,797 closed on time, 2 late, 1 still open: 1,797 / 1,800 = 99.83%) and
    26 fall due in January 2016.
    """
    rng = random.Random(seed)
    rows: list[list[str]] = []
    seq = {(issuer, year): 0 for issuer in COUNTIES.values() for year in (2014, 2015)}
    counties = list(COUNTIES)

    def add(found: datetime, *, deadline_days=None, close="on_time", year=2015, major=False):
        county = counties[len(rows) % len(counties)]
        uscc = rng.choice(enterprises[county])
        style = len(rows)
        level = "重大" if major else rng.choice(["一般", "一般隐患"])
        basis = ["应急管理部令第10号", f"第{rng.randint(3, 9)}条"] if major else ["", ""]
        row = [uscc, rng.choice(DESCRIPTIONS), level, rng.choice(SOURCES), _typed(found, style), *basis]
        if deadline_days is None:  # fixed on the spot (即查即改)
            rows.append(row + ["", "", "", _typed(found + timedelta(hours=2), style + 1)])
            return
        issuer = COUNTIES[county]
        seq[(issuer, year)] += 1
        issued = found + timedelta(days=1)
        deadline = (issued + timedelta(days=deadline_days)).astimezone(CST).date()
        end_of_deadline = datetime(deadline.year, deadline.month, deadline.day, 23, 0, tzinfo=CST)
        closed = {
            "on_time": issued + (end_of_deadline - issued) * rng.uniform(0.2, 1.0),
            "late": end_of_deadline + timedelta(days=rng.randint(1, 9)),
            "open": None,
        }[close]
        number = f"{issuer}整改〔{year}〕{seq[(issuer, year)]:04d}号"
        rows.append(
            row + [number, _typed(issued, style), deadline.isoformat(), _typed(closed, style) if closed else ""]
        )

    start = datetime(2015, 1, 2, 9, 0, tzinfo=CST)
    for i in range(2_328):
        add(start + timedelta(minutes=i * 220))  # spread over the year, all in 2015
    for i in range(1_800):
        close = "late" if i in (500, 1200) else "open" if i == 1700 else "on_time"
        add(start + timedelta(minutes=i * 250), deadline_days=15 + i % 15, close=close, major=i % 90 == 0)
    for i in range(26):  # found late in December, due in January 2016
        add(datetime(2015, 12, 20, 10, 0, tzinfo=CST) + timedelta(hours=i * 6), deadline_days=20, year=2015)
    for i in range(30):  # the year before: outside every 2015 figure
        add(datetime(2014, 3, 1, 9, 0, tzinfo=CST) + timedelta(days=i * 7), deadline_days=10, year=2014)
    expected = {
        "hazards": 4_154,
        "notices": 1_826,
        "due": 1_800,
        "closed_on_time": 1_797,
        "closed_late": 2,
        "overdue": 1,
        "due_rectification_rate": "99.83",
        "major_listed": 0,
    }
    return rows, expected


def to_csv(header: list[str], rows: list[list[str]], encoding: str) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


async def test_imported_2015_ledger_reproduces_the_city_figures(hz):
    hz.clock.set(datetime(2026, 3, 1, tzinfo=UTC))
    enterprises = {c: [await hz.enterprise(c) for _ in range(8)] for c in COUNTIES}
    rows, expected = city_ledger_2015(enterprises)
    data = to_csv(HEADERS, rows, "gb18030")
    r = await hz.client.post(
        "/hazard/v1/imports", files={"file": ("湖州市2015年隐患台账.csv", data, "text/csv")}, headers=hz.admin
    )
    assert r.status_code == 202, r.text
    await asyncio.gather(*hz.ctx.runtime.oneoffs)
    job = await hz.get(f"/hazard/v1/imports/{r.json()['id']}")
    assert job["errors"] == []
    assert (job["status"], job["total_rows"], job["succeeded_rows"], job["failed_rows"], job["progress"]) == (
        "done",
        4_184,
        4_184,
        0,
        1.0,
    )

    stats = await hz.get("/hazard/v1/stats", **{"from": "2015-01-01", "to": "2015-12-31"})
    assert {k: stats[k] for k in expected} == expected
    city = await hz.get("/hazard/v1/stats", **{"from": "2015-01-01", "to": "2015-12-31"}, division_code="330500")
    assert {k: city[k] for k in expected} == expected
    counties = [
        await hz.get("/hazard/v1/stats", **{"from": "2015-01-01", "to": "2015-12-31"}, division_code=c)
        for c in COUNTIES
    ]
    for field in ("hazards", "notices", "due", "closed_on_time", "closed_late", "overdue"):
        assert sum(c[field] for c in counties) == expected[field], field
    open_one = await hz.get("/hazard/v1/hazards", imported="true", overdue="true")
    assert open_one["total"] == 1 and open_one["items"][0]["status"] == "notice_issued"
    assert date.fromisoformat(open_one["items"][0]["deadline"]).year == 2015
