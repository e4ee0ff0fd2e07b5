"""The registry service: enterprises, assessments, credit classes, blacklist and repair; staff sign-in."""

from __future__ import annotations

from fastapi import FastAPI

from services.registry import models
from services.registry.api import routers
from services.registry.events.incoming import handlers
from services.registry.service import blacklist, imports, rule_sets, standing
from services.registry.settings import RegistrySettings
from shared.api.app import create_service_app
from shared.clock import Clock
from shared.contracts import TOPIC_REGISTRY
from shared.messaging.transport import Transport
from shared.service import ConsumerSpec, Job, ServiceSpec

NAME = "registry"


def build_spec(settings: RegistrySettings | None = None) -> ServiceSpec:
    settings = settings or RegistrySettings()
    return ServiceSpec(
        name=NAME,
        metadata=models.metadata,
        outbox=models.outbox,
        inbox=models.inbox,
        idempotency=models.idempotency,
        produces=(TOPIC_REGISTRY,),
        consumers=(ConsumerSpec(name=NAME, handlers=handlers),),
        jobs=(
            Job("blacklist_expiry", settings.blacklist_expiry_interval_s, blacklist.expire_due),
            Job("honour_roll", settings.honour_roll_interval_s, standing.refresh_honour_roll),
            Job("imports", settings.import_resume_interval_s, imports.run_pending),
        ),
        path_prefixes=("/registry", "/auth", "/public"),
        on_start=(rule_sets.ensure_default,),
    )


def create_app(
    settings: RegistrySettings | None = None,
    *,
    transport: Transport | None = None,
    clock: Clock | None = None,
    background: bool = True,
) -> FastAPI:
    """The registry app; give it a transport to share one (embedded suite, tests)."""
    settings = settings or RegistrySettings()
    return create_service_app(
        spec=build_spec(settings),
        settings=settings,
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
