"""``/public/v1``: the published blacklist and honour roll; no sign-in, rate-limited per client address."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from services.registry.schemas.blacklist import HonourRollItem, PublicBlacklistItem
from services.registry.service import public
from shared.api.deps import CtxDep, ReadUowDep
from shared.api.pagination import Page, PageDep
from shared.api.ratelimit import RateLimiter


def rate_limited(request: Request, ctx: CtxDep) -> None:
    """429 with Retry-After when a client address asks too often (limiter per process)."""
    limiter = ctx.state.get("public_limiter")
    if limiter is None:
        limiter = ctx.state.setdefault("public_limiter", RateLimiter(ctx.settings.public_rate_limit_per_minute))
    limiter.check(request.client.host if request.client else "unknown")


router = APIRouter(prefix="/public/v1", tags=["public"], dependencies=[Depends(rate_limited)])


@router.get("/blacklist", response_model=Page[PublicBlacklistItem], summary="The published blacklist")
async def blacklist(uow: ReadUowDep, page: PageDep) -> Page[PublicBlacklistItem]:
    return await public.blacklist(uow=uow, page=page)


@router.get(
    "/honour-roll", response_model=Page[HonourRollItem], summary="The honour roll (A class, reward conditions met)"
)
async def honour_roll(uow: ReadUowDep, page: PageDep) -> Page[HonourRollItem]:
    return await public.honour_roll(uow=uow, page=page)
