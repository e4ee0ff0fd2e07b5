"""The hazard service. Hazards to closure (隐患排查治理), rectification notices, deadlines, accidents and indicators."""

from __future__ import annotations

from fastapi import FastAPI

from services.hazard import models
from services.hazard.api import routers
from services.hazard.settings import HazardSettings
from shared.api.app import create_service_app
from shared.clock import Clock
from shared.contracts import TOPIC_HAZARD
from shared.messaging.transport import Transport
from shared.service import ConsumerSpec, Job, ServiceSpec

NAME = "hazard"


def build_spec(settings: HazardSettings | None = None) -> ServiceSpec:
    """The hazard service: tables, consumer of registry and grid events, scheduled jobs."""
    from services.hazard.events.incoming import handlers
    from services.hazard.service.deadlines import enforce_deadlines
    from services.hazard.service.imports import importer

    settings = settings or HazardSettings()
    return ServiceSpec(
        name=NAME,
        metadata=models.metadata,
        outbox=models.outbox,
        inbox=models.inbox,
        idempotency=models.idempotency,
        produces=(TOPIC_HAZARD,),
        consumers=(ConsumerSpec(name=NAME, handlers=handlers),),
        jobs=(
            Job("deadlines", settings.deadline_job_interval_s, enforce_deadlines),
            # Queued ledgers resume after a restart; a fresh upload also starts at once.
            Job("imports", settings.import_job_interval_s, lambda ctx: importer.run_pending(ctx)),
        ),
        path_prefixes=("/hazard",),
    )


def create_app(
    settings: HazardSettings | None = None,
    *,
    transport: Transport | None = None,
    clock: Clock | None = None,
    background: bool = True,
) -> FastAPI:
    """The hazard app; give it a transport to share one (embedded suite, tests)."""
    settings = settings or HazardSettings()
    return create_service_app(
        spec=build_spec(settings),
        settings=settings,
        routers=routers(),
        transport=transport,
        clock=clock,
        background=background,
        title="anjian hazard",
        description="Hazards to closure (隐患排查治理), rectification notices, deadlines, accidents and indicators.",
    )


def __getattr__(name: str):
    # ``uvicorn services.hazard.main:app`` builds the app from the environment on first access.
    if name == "app":
        return create_app()
    raise AttributeError(name)
