"""Demo data for the embedded suite: hazards in every state, notices, overdue ones, accidents.

Runs after the registry's demo, so the local enterprise copy is already filled by its events.
History (two years of ledger rows, the 2014 and 2015 accidents behind the city's figures) is
written in bulk through the same code as an import; a few dozen current hazards go through the
loop's own service functions, so they carry real notices, transitions and events.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import insert, select
from sqlmodel import col

from services.hazard.domain.accidents import AccidentKind, accident_grade
from services.hazard.domain.deadlines import CHINA_STANDARD_TIME
from services.hazard.domain.hazards import HazardLevel, HazardSource, MajorBasis
from services.hazard.domain.periods import local_today
from services.hazard.models import Accident, Enterprise
from services.hazard.schemas.accidents import AccidentCreate
from services.hazard.schemas.hazards import AcceptanceCreate, CompletionCreate, MoveNote, NoticeCreate, PlanCreate
from services.hazard.service import moves
from services.hazard.service.accidents import GRADING_RULE, record_accident
from services.hazard.service.hazards import NewHazard, create_hazard
from services.hazard.service.imports import process_ledger_batch
from shared.ids import new_id
from shared.logging import get_logger
from shared.security.principal import Principal

log = get_logger("anjian.hazard.demo")

DEMO = Principal(sub="demo", role="admin")
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
MAJOR = MajorBasis("应急管理部令第10号（工贸行业重大事故隐患判定标准）", "第四条第（一）项")
#: The city's 2015 figures (mission.md) and the 2014 ones they imply: (accidents, deaths, loss in yuan).
ACCIDENT_YEARS = {2014: (983, 344, 19_177_800), 2015: (980, 342, 17_340_600)}


async def seed(ctx) -> None:
    """Seed hazards and accidents for the enterprises the registry's demo announced."""
    async with ctx.uow(write=False) as uow:
        stmt = select(Enterprise).where(col(Enterprise.division_code).is_not(None)).limit(300)
        usccs = [e.uscc for e in (await uow.session.execute(stmt)).scalars().all() if e.known]
    if not usccs:
        log.warning("no enterprises known to the hazard service; no hazard demo data")
        return
    rng = random.Random(2015)
    await _ledger(ctx, rng, usccs)
    await _live(ctx, rng, usccs)
    await _accidents(ctx, rng, usccs)
    log.info("hazard demo data seeded", enterprises=len(usccs))


async def _ledger(ctx, rng: random.Random, usccs: list[str]) -> None:
    """About 300 historical hazards from two years back, some still open and overdue."""
    now = ctx.clock.now()
    rows = []
    for n in range(300):
        found = now - timedelta(days=rng.randint(20, 700), hours=rng.randint(0, 10))
        row = {
            "uscc": rng.choice(usccs),
            "description": rng.choice(DESCRIPTIONS),
            "level": "general",
            "source": rng.choice([s.value for s in HazardSource]),
            "found_at": found,
            "found_by": "台账",
        }
        if n % 3:
            issued = found + timedelta(days=1)
            deadline = (issued + timedelta(days=rng.randint(7, 30))).date()
            days = (deadline - issued.date()).days + (5 if n % 23 == 0 else -1)
            closed = None if n % 37 == 0 else issued + timedelta(days=days)
            row |= {
                "notice_issued_at": issued,
                "deadline": deadline,
                "closed_at": closed if closed and closed < now else None,
            }
        else:
            row["closed_at"] = found + timedelta(hours=1)  # fixed on the spot
        rows.append(row)
    # Numbered per year in issue order, as the bureau's own register would have them.
    seq: dict[int, int] = {}
    for row in sorted((r for r in rows if "notice_issued_at" in r), key=lambda r: r["notice_issued_at"]):
        year = local_today(row["notice_issued_at"], CHINA_STANDARD_TIME).year
        seq[year] = seq.get(year, 0) + 1
        row["notice_number"] = f"湖安监整改〔{year}〕{seq[year]:04d}号"
    async with ctx.uow() as uow:
        errors = await process_ledger_batch(uow, list(enumerate(rows, start=2)))
        await uow.commit()
    if errors:
        log.warning("demo ledger rows refused", rows=len(errors))


async def _live(ctx, rng: random.Random, usccs: list[str]) -> None:
    """Forty current hazards through the loop itself, left in every state."""
    now = ctx.clock.now()
    today = local_today(now, CHINA_STANDARD_TIME)
    for i in range(40):
        major = i % 8 == 0
        async with ctx.uow() as uow:
            h, _ = await create_hazard(
                uow,
                NewHazard(
                    uscc=usccs[i % len(usccs)],
                    source=rng.choice(list(HazardSource)),
                    description=rng.choice(DESCRIPTIONS),
                    level=HazardLevel.MAJOR if major else HazardLevel.GENERAL,
                    major_basis=MAJOR if major else None,
                    found_at=now - timedelta(days=rng.randint(0, 10)),
                    found_by="演示检查员",
                    created_by=DEMO.sub,
                    created_by_role=DEMO.role,
                ),
            )
            await uow.commit()
        stage = i % 5
        if stage == 0:
            continue  # reported
        if major:
            async with ctx.uow() as uow:
                await moves.list_supervision(uow=uow, user=DEMO, hazard_id=h.id, data=MoveNote(note="挂牌督办"))
        async with ctx.uow() as uow:
            deadline = today + timedelta(days=rng.choice([2, 5, 15, 30]))
            await moves.issue_notice(
                uow=uow, user=DEMO, hazard_id=h.id, data=NoticeCreate(deadline=deadline, measures="限期整改")
            )
        if stage == 1:
            continue  # notice issued
        async with ctx.uow() as uow:
            if major:
                plan = PlanCreate(
                    measures="停产整改，更换设备",
                    funds=Decimal("120000.00"),
                    deadline=deadline,
                    responsible_person="企业负责人",
                    emergency_plan="专项应急预案",
                )
                await moves.submit_plan(uow=uow, user=DEMO, hazard_id=h.id, data=plan)
            else:
                await moves.start_rectification(uow=uow, user=DEMO, hazard_id=h.id, data=MoveNote())
        if stage == 2:
            continue  # rectifying
        async with ctx.uow() as uow:
            await moves.complete(uow=uow, user=DEMO, hazard_id=h.id, data=CompletionCreate(evidence=["整改照片.jpg"]))
        if stage == 3:
            continue  # awaiting acceptance
        async with ctx.uow() as uow:
            await moves.decide_acceptance(
                uow=uow, user=DEMO, hazard_id=h.id, data=AcceptanceCreate(passed=True, note="复查合格")
            )


async def _accidents(ctx, rng: random.Random, usccs: list[str]) -> None:
    """The 2014 and 2015 accidents behind the city's figures in bulk, and a few this year announced."""
    now = ctx.clock.now()
    rows = []
    for year, (count, deaths, loss) in ACCIDENT_YEARS.items():
        each = loss // count
        for i in range(count):
            dead = 1 if i < deaths else 0
            money = Decimal(each if i < count - 1 else loss - each * (count - 1))
            rows.append(
                {
                    "id": new_id(),
                    "uscc": rng.choice(usccs),
                    "occurred_at": now.replace(year=year, month=1, day=1, hour=2) + timedelta(hours=i * 8),
                    "kind": rng.choice([k.value for k in AccidentKind if k != AccidentKind.FIRE]),
                    "is_fire": False,
                    "deaths": dead,
                    "serious_injuries": 0,
                    "direct_loss_fen": int(money * 100),
                    "grade": accident_grade(dead, 0, money).value,
                    "grading_rule": GRADING_RULE,
                    "description": "历史事故记录",
                    "recorded_at": now,
                    "recorded_by": DEMO.sub,
                }
            )
    async with ctx.uow() as uow:
        stmt = select(Enterprise.uscc, Enterprise.division_code).where(col(Enterprise.uscc).in_(usccs))
        divisions = dict((await uow.session.execute(stmt)).all())
        for row in rows:
            row["division_code"] = divisions[row["uscc"]]
        await uow.session.execute(insert(Accident.__table__), rows)
        await uow.commit()
    for i in range(6):
        async with ctx.uow() as uow:
            await record_accident(
                uow=uow,
                user=DEMO,
                data=AccidentCreate(
                    occurred_at=now - timedelta(days=10 + 25 * i),
                    uscc=usccs[(i * 7) % len(usccs)],
                    kind=[AccidentKind.MECHANICAL_INJURY, AccidentKind.FALL_FROM_HEIGHT][i % 2],
                    deaths=1 if i % 3 == 0 else 0,
                    serious_injuries=i % 2,
                    direct_loss=Decimal(80_000 * (i + 1)),
                ),
            )
