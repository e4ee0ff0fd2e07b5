"""Demo data of the incentives service: the partner agencies of the joint measures (no keys)."""

from __future__ import annotations

from sqlmodel import func, select

from services.incentives.models import Agency
from services.incentives.schemas.partners import AgencyCreate
from services.incentives.service.agencies import create_agency

DEMO_AGENCIES = (
    AgencyCreate(name="湖州银行", kind="bank", domains=["loans"]),
    AgencyCreate(name="国网湖州供电公司", kind="power_utility", domains=["electricity"]),
    AgencyCreate(name="湖州市自然资源和规划局", kind="land_bureau", domains=["land"]),
    AgencyCreate(name="国家税务总局湖州市税务局", kind="tax_bureau", domains=["tax"]),
    AgencyCreate(name="湖州市精神文明建设委员会办公室", kind="award_body", domains=["awards"]),
)


async def seed(ctx) -> None:
    """Create the demo agencies once (keys are issued by an admin, never printed here)."""
    async with ctx.uow() as uow:
        if (await uow.session.exec(select(func.count()).select_from(Agency))).one():
            return
    for data in DEMO_AGENCIES:
        async with ctx.uow() as uow:
            await create_agency(uow=uow, data=data)
