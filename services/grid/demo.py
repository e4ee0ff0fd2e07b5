"""Demo data for the embedded suite: a grid over the demo enterprises, with members, visits and reports.

Runs after the registry's demo, so the grid's copy of the enterprises is already filled by its
events. Every township the enterprises name becomes a level-1 cell with its safety station chief,
every village a level-2 cell with its grid worker; the enterprises are placed by the same rule as
live registrations. A few hundred visits of the last quarter (some with findings, which become
hazards in the hazard service) and a handful of reports go through the service functions, so
they carry their real events.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select
from sqlmodel import col

from services.grid.models import Enterprise
from services.grid.schemas.grid import CellCreate, FindingIn, InspectionCreate, MemberCreate, ReportCreate
from services.grid.service import cells, inspections, reports
from shared.logging import get_logger
from shared.security.principal import Principal

log = get_logger("anjian.grid.demo")

DEMO = Principal(sub="demo", role="admin")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱沈"
GIVEN = ["建国", "海燕", "伟", "丽华", "志强", "秀英", "国庆", "晓明", "卫东", "静"]
CHECKLIST = ["安全出口畅通", "消防器材有效", "电气线路规范", "特种作业持证上岗", "危化品存放合规"]
FINDINGS = ["安全出口堵塞", "灭火器过期未换", "电线私拉乱接", "未设置安全警示标志", "粉尘未及时清理"]
VISITS = 300


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phone(rng: random.Random) -> str:
    return f"139{rng.randrange(10**8):08d}"


async def seed(ctx) -> None:
    rng = random.Random(20261130)
    async with ctx.uow(write=False) as uow:
        places = (
            await uow.session.execute(
                select(Enterprise.division_code, Enterprise.township, Enterprise.village)
                .distinct()
                .where(col(Enterprise.township).is_not(None))
                .order_by(Enterprise.division_code, Enterprise.township, Enterprise.village)
            )
        ).all()
    towns: dict[tuple[str, str], str] = {}
    villages: list[str] = []
    for division, township, village in places:
        if (division, township) not in towns:
            async with ctx.uow() as uow:
                code = f"{division}-{len([k for k in towns if k[0] == division]) + 1:02d}"
                cell = await cells.create_cell(
                    uow=uow, user=DEMO, data=CellCreate(code=code, name=township, division_code=division)
                )
            towns[(division, township)] = cell.id
            await _name_member(ctx, rng, cell.id, "station_chief", "安监站站长：乡镇安全生产日常监管")
        if village:
            parent = towns[(division, township)]
            async with ctx.uow() as uow:
                n = len(villages) + 1
                cell = await cells.create_cell(
                    uow=uow, user=DEMO, data=CellCreate(code=f"{division}-V{n:03d}", name=village, parent_id=parent)
                )
            villages.append(cell.id)
            await _name_member(ctx, rng, cell.id, "grid_worker", "网格员：每月巡查，发现隐患及时上报")
    await _visits(ctx, rng)
    await _reports(ctx, rng, villages)
    log.info("grid demo seeded", townships=len(towns), villages=len(villages))


async def _name_member(ctx, rng: random.Random, cell_id: str, role: str, duties: str) -> None:
    """A responsible person with a demo name and phone number."""
    async with ctx.uow() as uow:
        data = MemberCreate(name=_person(rng), phone=_phone(rng), role=role, duties=duties)
        await cells.add_member(uow=uow, user=DEMO, cell_id=cell_id, data=data)


async def _visits(ctx, rng: random.Random) -> None:
    async with ctx.uow(write=False) as uow:
        placed = (
            (await uow.session.execute(select(Enterprise.uscc).where(col(Enterprise.cell_id).is_not(None))))
            .scalars()
            .all()
        )
    now = ctx.clock.now()
    for uscc in rng.sample(sorted(placed), min(VISITS, len(placed))):
        findings = []
        if rng.random() < 0.15:
            findings = [FindingIn(description=rng.choice(FINDINGS), level="general")]
        data = InspectionCreate(
            uscc=uscc,
            inspected_at=now - timedelta(days=rng.randint(1, 90), hours=rng.randint(0, 8)),
            inspector=_person(rng),
            checklist=[
                {"item": item, "result": "fail" if findings and i == 0 else "pass"} for i, item in enumerate(CHECKLIST)
            ],
            findings=findings,
        )
        async with ctx.uow() as uow:
            await inspections.record(uow=uow, user=DEMO, data=data)


async def _reports(ctx, rng: random.Random, villages: list[str]) -> None:
    texts = [
        ("illegal_activity", "夜间疑似非法生产，门口有货车装卸"),
        ("hazard", "厂区外墙堆放易燃物料"),
        ("data_correction", "企业已搬迁，地址需更新"),
        ("other", "村民反映异味"),
    ]
    for i, cell_id in enumerate(rng.sample(villages, min(6, len(villages)))):
        kind, text = texts[i % len(texts)]
        async with ctx.uow() as uow:
            r = await reports.file_report(
                uow=uow, user=DEMO, data=ReportCreate(cell_id=cell_id, kind=kind, description=text)
            )
        if i % 2 == 0:
            async with ctx.uow() as uow:
                await reports.act(uow=uow, user=DEMO, report_id=r.id, action="acknowledge", note="已安排核查")
