"""The incentives service: joint incentives and restrictions (守信激励、失信惩戒), partner API, webhooks."""

from __future__ import annotations

from fastapi import FastAPI

from services.incentives import models
from services.incentives.api import routers
from services.incentives.events.incoming import handlers
from services.incentives.settings import IncentivesSettings
from shared.api.app import create_service_app
from shared.clock import Clock
from shared.contracts import TOPIC_INCENTIVES
from shared.messaging.transport import Transport
from shared.service import ConsumerSpec, Job, ServiceContext, ServiceSpec

NAME = "incentives"


async def start_partner_runtime(ctx: ServiceContext) -> None:
    """Seed the catalogue on first start, then build the partner runtime and start its tasks."""
    from services.incentives.service.catalogue import seed_catalogue
    from services.incentives.service.runtime import PartnerRuntime

    async with ctx.uow() as uow:
        await seed_catalogue(uow=uow)
    partner = PartnerRuntime(ctx)
    ctx.state["partner"] = partner
    # The audit writer always runs: an answered query must be written even in tests without background tasks.
    ctx.runtime.spawn("partner-audit", partner.run)
    if ctx.spec.extras.get("background", True):
        # Queued deliveries commit with outbox rows, so the relay's after-commit hook also wakes the sender.
        ctx.db.after_commit.append(partner.webhooks.wake)
        ctx.runtime.spawn("webhook-delivery", partner.webhooks.run)


async def refresh_measures(ctx: ServiceContext) -> int:
    """The scheduled recompute of every enterprise's measures, when the day or the catalogue changed."""
    from services.incentives.service.standings import refresh_all, refresh_fingerprint

    # The full pass runs once per replica start and then only when the local day or a measure's
    # version changed since this replica's last pass (catalogue edits also trigger it at once).
    fingerprint = await refresh_fingerprint(ctx=ctx)
    if ctx.state.get("refreshed_for") == fingerprint:
        return 0
    changed = await refresh_all(ctx=ctx)
    ctx.state["refreshed_for"] = fingerprint
    return changed


def build_spec(*, background: bool = True, refresh_interval_s: float = 3600.0) -> ServiceSpec:
    return ServiceSpec(
        name=NAME,
        metadata=models.metadata,
        outbox=models.outbox,
        inbox=models.inbox,
        idempotency=models.idempotency,
        produces=(TOPIC_INCENTIVES,),
        consumers=(ConsumerSpec(name=NAME, handlers=handlers),),
        jobs=(Job("measures-refresh", refresh_interval_s, refresh_measures),),
        path_prefixes=("/incentives", "/partner"),
        on_start=(start_partner_runtime,),
        extras={"background": background},
    )


def create_app(
    settings: IncentivesSettings | None = None,
    *,
    transport: Transport | None = None,
    clock: Clock | None = None,
    background: bool = True,
) -> FastAPI:
    """The incentives app; give it a transport to share one (embedded suite, tests)."""
    settings = settings or IncentivesSettings()
    return create_service_app(
        spec=build_spec(background=background, refresh_interval_s=settings.measures_refresh_interval_s),
        settings=settings,
        routers=routers(),
        transport=transport,
        clock=clock,
        background=background,
        title="anjian incentives",
        description="Joint incentives and restrictions (守信激励、失信惩戒): partner API, webhooks, feedback.",
    )


def __getattr__(name: str):
    # ``uvicorn services.incentives.main:app`` builds the app from the environment on first access.
    if name == "app":
        return create_app()
    raise AttributeError(name)
