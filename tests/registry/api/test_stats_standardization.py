"""Standardization results in a period: "110 enterprises passed grade-3 standardization review" (南浔区, 2015).

The population is built through the API the way officers build it (an import, then assessments
submitted by one officer and approved by another, each at its day), with results that must not
count around the 110: other grades, other years, other districts, reviews not (yet) approved, a
later review replacing an earlier one, and the China-time edges of the year.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.registry.api.test_imports import upload
from tests.registry.conftest import problem

URL = "/registry/v1/stats/standardization"
#: standardization scores giving grade 1, 2, 3 and none (lines 90/75/60).
GRADE = {1: 95, 2: 80, 3: 65, None: 50}
NANXUN, WUXING = "330503", "330502"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def stats(registry, headers=None, **params) -> dict:
    r = await registry.client.get(URL, params=params, headers=headers or registry.admin)
    assert r.status_code == 200, r.text
    return r.json()


class Population:
    """Enterprises registered by one import, then handed out to the cases below."""

    def __init__(self, registry, codes: dict[str, list[str]]) -> None:
        self.registry = registry
        self.codes = codes
        self.imported = {division: list(items) for division, items in codes.items()}

    def take(self, division: str, n: int) -> list[str]:
        taken, self.codes[division] = self.codes[division][:n], self.codes[division][n:]
        assert len(taken) == n
        return taken

    async def review(self, codes: list[str], when: datetime, period: str, grade: int | None, **kw) -> list[dict]:
        self.registry.clock.set(when)
        return [
            await self.registry.assess(code, period=period, total=85, standardization=GRADE[grade], **kw)
            for code in codes
        ]


async def build(registry) -> Population:
    reg = registry
    reg.clock.set(utc(2014, 6, 1, 2))
    # Assessments in 2014-2015 need rules in force then (the stored v1 takes effect in 2020).
    r = await reg.client.post(
        "/registry/v1/rule-sets",
        json={
            "title": "湖州市安全生产信用评价（2014）",
            "effective_from": "2014-01-01",
            "weights": {
                "standardization": "0.5",
                "safety_culture": "0.1",
                "staff_participation": "0.1",
                "public_commitment": "0.1",
                "legal_compliance": "0.2",
            },
            "class_lines": {"A": 90, "B": 75, "C": 60},
        },
        headers=reg.admin,
    )
    assert r.status_code == 201, r.text
    codes = {NANXUN: [reg.code(NANXUN) for _ in range(210)], WUXING: [reg.code(WUXING) for _ in range(30)]}
    lines = [
        f"{code},企业{i},张三,{division},旧馆镇,三桥村,{'industry_trade' if i % 4 else 'hazardous_chemicals'},small,10"
        for division, items in codes.items()
        for i, code in enumerate(items)
    ]
    header = "uscc,name,legal_representative,division_code,township,village,category,scale,employees\n"
    job = await upload(reg, "enterprises.csv", (header + "\n".join(lines) + "\n").encode())
    assert job["succeeded_rows"] == 240, job
    return Population(reg, codes)


async def test_the_110_grade_3_enterprises_of_nanxun_in_2015_come_out_exactly(registry):
    pop = await build(registry)
    reg = registry
    take = pop.take
    # --- 2014, not counted in 2015
    await pop.review(take(NANXUN, 12), utc(2014, 11, 1, 2), "2014", 3)
    # 2015-01-01 00:00 in China is still 2014 in UTC: counted in 2015.
    edge_2015 = take(NANXUN, 1)
    await pop.review(edge_2015, utc(2014, 12, 31, 16, 0), "2014", 3)
    # --- 2015: each enterprise counts once, by its latest approved review (of the latest period)
    superseded = take(NANXUN, 3)  # grade 3 in January, a new review in October gives grade 2
    await pop.review(superseded, utc(2015, 1, 20, 2), "2014", 3)
    improved = take(NANXUN, 5)  # grade 2 in February, grade 3 in November
    await pop.review(improved, utc(2015, 2, 1, 2), "2014", 2)
    late_old = take(NANXUN, 4)  # 2015's grade 3 in May; 2014's review approved late in September
    await pop.review(late_old, utc(2015, 5, 1, 2), "2015", 3)
    plain = take(NANXUN, 100)
    await pop.review(plain, utc(2015, 6, 15, 2), "2015", 3)
    await pop.review(take(WUXING, 25), utc(2015, 6, 15, 3), "2015", 3)
    await pop.review(take(WUXING, 5), utc(2015, 6, 15, 4), "2015", 2)
    await pop.review(take(NANXUN, 20), utc(2015, 7, 1, 2), "2015", 1)
    await pop.review(take(NANXUN, 27), utc(2015, 7, 1, 3), "2015", 2)
    await pop.review(take(NANXUN, 15), utc(2015, 7, 1, 4), "2015", None)
    await pop.review(take(NANXUN, 4), utc(2015, 7, 2, 2), "2015", 3, approve=False)  # never approved
    for a in await pop.review(take(NANXUN, 2), utc(2015, 7, 3, 2), "2015", 3, approve=False):
        r = await reg.client.post(
            f"/registry/v1/assessments/{a['id']}/reject", json={"reason": "材料不全"}, headers=reg.officer_b
        )
        assert r.status_code == 200, r.text
    await pop.review(late_old, utc(2015, 9, 1, 2), "2014", 1)
    await pop.review(superseded, utc(2015, 10, 1, 2), "2015", 2)
    await pop.review(improved, utc(2015, 11, 1, 2), "2015", 3)
    # 00:30 on 1 January 2016 in China, still 2015 in UTC: not counted in 2015.
    edge_2016 = take(NANXUN, 2)
    await pop.review(edge_2016, utc(2015, 12, 31, 16, 30), "2015", 3)
    # --- 2016, not counted; and one of 2015's enterprises closes (it was still reviewed in 2015)
    await pop.review(take(NANXUN, 6), utc(2016, 3, 1, 2), "2016", 3)
    r = await reg.client.patch(
        f"/registry/v1/enterprises/{plain[0]}", json={"status": "closed"}, headers=reg.admin | {"If-Match": '"2"'}
    )
    assert r.status_code == 200, r.text

    year = {"from": "2015-01-01", "to": "2015-12-31"}
    nanxun = await stats(reg, **year, division_code=NANXUN)
    assert nanxun == {
        "from": "2015-01-01",
        "to": "2015-12-31",
        "division_code": NANXUN,
        "category": None,
        "assessed": 175,
        "by_grade": {"1": 20, "2": 30, "3": 110},
        "not_passed": 15,
    }
    # The district officer sees the same without naming the district; the city sees both districts.
    officer = reg.as_("officer", "nanxun-1", division_code=NANXUN)
    assert await stats(reg, officer, **year) == nanxun | {"division_code": None}
    city = await stats(reg, reg.officer_a, **year, division_code="330500")
    assert (city["assessed"], city["by_grade"], city["not_passed"]) == (205, {"1": 20, "2": 35, "3": 135}, 15)
    assert {k: v for k, v in (await stats(reg, **year)).items() if k != "division_code"} == {
        k: v for k, v in city.items() if k != "division_code"
    }
    # A quarter of the import is hazardous chemicals: the category narrows the count.
    chem = await stats(reg, **year, division_code=NANXUN, category="hazardous_chemicals")
    chemicals = set(pop.imported[NANXUN][::4])
    grade_3 = set(edge_2015 + improved + late_old + plain)
    assert chem["category"] == "hazardous_chemicals"
    assert chem["by_grade"]["3"] == len(grade_3 & chemicals) and 0 < len(grade_3 & chemicals) < 110
    # The edges of the year are China's: a day later at the start, a day later at the end.
    later = await stats(reg, **{"from": "2015-01-02", "to": "2016-01-01"}, division_code=NANXUN)
    assert (later["assessed"], later["by_grade"]["3"]) == (175 - 1 + 2, 110 - 1 + 2)
    last_year = await stats(reg, **{"from": "2014-01-01", "to": "2014-12-31"}, division_code=NANXUN)
    assert (last_year["assessed"], last_year["by_grade"]) == (12, {"1": 0, "2": 0, "3": 12})


async def test_one_period_counts_one_result_per_enterprise_and_the_default_period_is_this_year(registry):
    e = await registry.register()
    await registry.assess(e["uscc"], period="2025", total=85, standardization=GRADE[2])
    body = await stats(registry)  # the clock stands in March 2026
    assert (body["from"], body["to"], body["assessed"], body["by_grade"]["2"]) == ("2026-01-01", "2026-12-31", 1, 1)
    body = await stats(registry, **{"from": "2025-01-01", "to": "2025-12-31"})
    assert body["assessed"] == 0


async def test_bad_periods_are_422(registry):
    r = await registry.client.get(URL, params={"from": "2015-02-30"}, headers=registry.admin)
    problem(r, 422, "validation_error")
    r = await registry.client.get(URL, params={"from": "2015-06-01", "to": "2015-05-31"}, headers=registry.admin)
    assert problem(r, 422, "invalid_period")["errors"] == [{"field": "to", "message": "must not be before from"}]
