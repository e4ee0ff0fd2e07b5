"""The registry service: enterprises, assessments, credit classes, blacklist and repair; staff sign-in."""

from __future__ import annotations

from fastapi import FastAPI

from services.registry import models
from services.registry.api import routers
from services.registry.settings import RegistrySettings
from shared.api.app import create_service_app
from shared.clock import Clock
from shared.contracts import TOPIC_REGISTRY
from shared.messaging.transport import Transport
from shared.service import ServiceSpec

NAME = "registry"


def build_spec() -> ServiceSpec:
    return ServiceSpec(
        name=NAME,
        metadata=models.metadata,
        outbox=models.outbox,
        inbox=models.inbox,
        idempotency=models.idempotency,
        produces=(TOPIC_REGISTRY,),
        path_prefixes=("/registry", "/auth", "/public"),
    )


def create_app(
    settings: RegistrySettings | None = None,
    *,
    transport: Transport | None = None,
    clock: Clock | None = None,
    background: bool = True,
) -> FastAPI:
    """The registry app; give it a transport to share one (embedded suite, tests)."""
    return create_service_app(
        spec=build_spec(),
        settings=settings or RegistrySettings(),
        routers=routers(),
        transport=transport,
        clock=clock,
        background=background,
        title="anjian registry",
        description="Enterprise registry, credit assessment (一次考评两个结果), blacklist and credit repair.",
    )


def __getattr__(name: str):
    # ``uvicorn services.registry.main:app`` builds the app from the environment on first access.
    if name == "app":
        return create_app()
    raise AttributeError(name)
