"""The incentives service: joint incentives and restrictions (守信激励、失信惩戒), partner API, webhooks."""

from __future__ import annotations

from fastapi import FastAPI

from services.incentives import models
from services.incentives.api import routers
from services.incentives.settings import IncentivesSettings
from shared.api.app import create_service_app
from shared.clock import Clock
from shared.contracts import TOPIC_INCENTIVES
from shared.messaging.transport import Transport
from shared.service import ServiceSpec

NAME = "incentives"


def build_spec() -> ServiceSpec:
    return ServiceSpec(
        name=NAME,
        metadata=models.metadata,
        outbox=models.outbox,
        inbox=models.inbox,
        idempotency=models.idempotency,
        produces=(TOPIC_INCENTIVES,),
        path_prefixes=("/incentives", "/partner"),
    )


def create_app(
    settings: IncentivesSettings | None = None,
    *,
    transport: Transport | None = None,
    clock: Clock | None = None,
    background: bool = True,
) -> FastAPI:
    """The incentives app; give it a transport to share one (embedded suite, tests)."""
    return create_service_app(
        spec=build_spec(),
        settings=settings or IncentivesSettings(),
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
