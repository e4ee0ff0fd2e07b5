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
from shared.service import ServiceSpec

NAME = "hazard"


def build_spec() -> ServiceSpec:
    return ServiceSpec(
        name=NAME,
        metadata=models.metadata,
        outbox=models.outbox,
        inbox=models.inbox,
        idempotency=models.idempotency,
        produces=(TOPIC_HAZARD,),
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
    return create_service_app(
        spec=build_spec(),
        settings=settings or HazardSettings(),
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
