"""Demo data for the embedded suite: a Huzhou population across the five districts and counties.

Enterprises are registered through the import path and assessed, approved and listed through the
service functions, so every event flows to the other services as it would in use. Deterministic:
the same seed gives the same codes, classes and listings.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from services.registry.domain.calendar import local_date
from services.registry.domain.uscc import generate_uscc
from services.registry.schemas.assessments import AssessmentCreate, Scores
from services.registry.schemas.blacklist import BlacklistEntryCreate
from services.registry.service import assessments, blacklist, imports
from shared.logging import get_logger
from shared.security.principal import Principal

log = get_logger("anjian.registry.demo")

#: An A-class enterprise in 南浔区旧馆镇三桥村, for a demo enterprise account.
DEMO_ENTERPRISE_USCC = "91330503MA2JB7Q53M"

#: Towns (and a village each) of each county, as the city's account names them where it does.
TOWNS = {
    "330502": [("织里镇", "晟舍村"), ("八里店镇", "南山村"), ("妙西镇", "妙西村"), ("东林镇", "东林村")],
    "330503": [
        ("旧馆镇", "三桥村"),
        ("练市镇", "荻港村"),
        ("双林镇", "双林村"),
        ("菱湖镇", "下昂村"),
        ("和孚镇", "荻港村"),
    ],
    "330521": [("新市镇", "土林村"), ("乾元镇", "城东村"), ("洛舍镇", "砂村村"), ("钟管镇", "钟管村")],
    "330522": [("李家巷镇", "石泉村"), ("煤山镇", "煤山村"), ("泗安镇", "泗安村"), ("夹浦镇", "夹浦村")],
    "330523": [("孝丰镇", "孝丰村"), ("天子湖镇", "高禹村"), ("梅溪镇", "梅溪村"), ("递铺街道", "鹤鹿溪村")],
}
#: Trades and the category each falls under.
TRADES = [
    ("五金制品", "industry_trade"),
    ("纺织", "industry_trade"),
    ("童装", "industry_trade"),
    ("木业", "industry_trade"),
    ("竹木制品", "industry_trade"),
    ("印染", "industry_trade"),
    ("不锈钢", "metallurgy"),
    ("铸造", "metallurgy"),
    ("化工", "hazardous_chemicals"),
    ("涂料", "hazardous_chemicals"),
    ("石料", "mining"),
    ("建材", "general"),
    ("家具", "general"),
    ("电器", "general"),
]
#: Trade names (字号) enterprises choose.
STEMS = (
    "恒达 兴旺 宏业 金鑫 永盛 华星 天成 鑫源 瑞丰 新光 佳美 升华 立信 欣荣 振兴 "
    "通达 汇丰 顺发 丰收 绿源 博远 德润 安泰 富春 长虹 明珠 东方 银河 春晖 锦程"
).split()
SURNAMES = "王李张刘陈杨黄赵吴周徐孙沈朱胡姚钱费"
GIVEN = ["伟", "芳", "强", "敏", "军", "磊", "洁", "勇", "艳", "杰", "涛", "明", "华", "平", "建国", "国强", "丽华"]
SIZE = 300
#: Totals per class, close to the city's shares (A 15%, B 81%, C 2.5%, D and listed rare).
CLASS_TOTALS = {"A": (92, 97), "B": (76, 89), "C": (61, 74), "D": (45, 58)}
LISTED = (
    ("unlicensed_or_suspended_operation", "湖应急罚〔2025〕17号", 300),
    ("concealed_or_false_accident_report", "南浔应急罚〔2025〕5号", 120),
    ("two_larger_accidents_in_12_months", "长应急罚〔2024〕31号", 450),
    ("failed_rescue_or_absconded", "德应急罚〔2025〕9号", 200),
    ("unlicensed_or_suspended_operation", "安应急罚〔2025〕22号", 60),
)


def population(rng: random.Random) -> list[dict]:
    """The demo enterprises as import rows; the second (in 南浔区) is the demo enterprise account's."""
    rows = []
    names: set[str] = set()
    counties = list(TOWNS)
    for i in range(SIZE):
        division = counties[i % len(counties)]
        town, village = rng.choice(TOWNS[division])
        trade, category = rng.choice(TRADES)
        if division == "330522" and town == "李家巷镇" and rng.random() < 0.5:
            trade, category = "矿业", "mining"  # the mining area
        person = rng.choice(SURNAMES) + rng.choice(GIVEN)
        code = DEMO_ENTERPRISE_USCC if i == 1 else generate_uscc(rng, division)
        if i == 1:
            division, town, village, trade, category = "330503", "旧馆镇", "三桥村", "五金制品", "industry_trade"
        name = f"湖州{rng.choice(STEMS)}{trade}有限公司"
        while name in names:
            name = f"湖州{town[:2]}{rng.choice(STEMS)}{trade}有限公司"
        names.add(name)
        rows.append(
            {
                "uscc": code,
                "name": name,
                "legal_representative": person,
                "person_in_charge": person,
                "safety_lead": rng.choice(SURNAMES) + rng.choice(GIVEN),
                "safety_lead_phone": f"1385720{i:04d}",
                "division_code": division,
                "township": town,
                "village": village,
                "address": f"湖州市{town}{village}{rng.randint(1, 300)}号",
                "category": category,
                "scale": rng.choice(["micro", "small", "small", "small", "medium"]),
                "employees": rng.randint(8, 400),
            }
        )
    return rows


def _scores(rng: random.Random, total: int) -> Scores:
    parts = {p: Decimal(min(100, max(0, total + rng.randint(-3, 3)))) for p in Scores.model_fields}
    parts["standardization"] = Decimal(total)
    return Scores(**parts)


async def seed(ctx) -> None:
    """Register, assess and list the demo population (skipped when the registry has enterprises)."""
    from sqlmodel import func, select

    from services.registry.models import Enterprise

    async with ctx.uow(write=False) as uow:
        if (await uow.session.exec(select(func.count()).select_from(Enterprise))).one():
            return
    rng = random.Random(330500)
    rows = population(rng)
    async with ctx.uow() as uow:
        errors = await imports.process_batch(uow, list(enumerate(rows, start=2)), by="demo")
        await uow.commit()
    if errors:
        raise RuntimeError(f"demo rows refused: {errors}")

    author = Principal("officer", "officer", division_code="330500")
    approver = Principal("officer2", "officer", division_code="330500")
    period = str(local_date(ctx.clock.now()).year - 1)
    classes = ["A"] * 45 + ["B"] * 225 + ["C"] * 12 + ["D"] * 3
    rng.shuffle(classes)
    classes[1] = "A"
    # One transaction for the lot (each service function's commit becomes a flush): the demo starts fast.
    async with ctx.uow() as uow:
        async with uow.hold_commit():
            for row, credit_class in zip(rows, classes, strict=False):
                low, high = CLASS_TOTALS[credit_class]
                data = AssessmentCreate(period=period, scores=_scores(rng, rng.randint(low, high)))
                a = await assessments.submit(uow=uow, user=author, uscc=row["uscc"], data=data)
                await assessments.approve(uow=uow, user=approver, assessment_id=a.id)
        await uow.commit()

    # Listings of enterprises that had been C or D, with real-looking penalty decisions.
    listed = [r for r, c in zip(rows, classes, strict=False) if c in ("C", "D")][: len(LISTED)]
    for row, (situation, ref, days_ago) in zip(listed, LISTED, strict=False):
        data = BlacklistEntryCreate(
            uscc=row["uscc"],
            situation=situation,
            penalty_decision_ref=ref,
            decided_at=ctx.clock.now() - timedelta(days=days_ago),
        )
        async with ctx.uow() as uow:
            await blacklist.add_entry(uow=uow, user=author, data=data)
    log.info("registry demo data seeded", enterprises=len(rows), assessed=len(classes), listed=len(listed))
