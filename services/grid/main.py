"""The grid service. The three-level inspection grid (网格化管理): cells, members, reports, inspections."""

from __future__ import annotations

from fastapi import FastAPI

from services.grid import models
from services.grid.api import routers
from services.grid.settings import GridSettings
from shared.api.app import create_service_app
from shared.clock import Clock
from shared.contracts import TOPIC_GRID
from shared.messaging.transport import Transport
from shared.service import ConsumerSpec, Job, ServiceSpec

NAME = "grid"


def build_spec(settings: GridSettings | None = None) -> ServiceSpec:
    """The grid service: tables, consumer of registry events, the report escalation job."""
    from services.grid.events.incoming import handlers
    from services.grid.service.reports import escalate_reports

    settings = settings or GridSettings()
    return ServiceSpec(
        name=NAME,
        metadata=models.metadata,
        outbox=models.outbox,
        inbox=models.inbox,
        idempotency=models.idempotency,
        produces=(TOPIC_GRID,),
        consumers=(ConsumerSpec(name=NAME, handlers=handlers),),
        jobs=(Job("report_escalation", settings.report_job_interval_s, escalate_reports),),
        path_prefixes=("/grid",),
    )


def create_app(
    settings: GridSettings | None = None,
    *,
    transport: Transport | None = None,
    clock: Clock | None = None,
    background: bool = True,
) -> FastAPI:
    """The grid app; give it a transport to share one (embedded suite, tests)."""
    settings = settings or GridSettings()
    return create_service_app(
        spec=build_spec(settings),
        settings=settings,
        routers=routers(),
        transport=transport,
        clock=clock,
        background=background,
        title="anjian grid",
        description="The three-level inspection grid (网格化管理): cells, members, reports, inspections.",
    )


def __getattr__(name: str):
    # ``uvicorn services.grid.main:app`` builds the app from the environment on first access.
    if name == "app":
        return create_app()
    raise AttributeError(name)
