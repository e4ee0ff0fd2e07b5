"""The registry's routers, one module per resource."""

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from services.registry.api import (
        assessments,
        auth,
        blacklist,
        enterprises,
        imports,
        proposals,
        public,
        repairs,
        rule_sets,
        stats,
    )

    return [
        auth.router,
        enterprises.router,
        assessments.router,
        rule_sets.router,
        blacklist.router,
        repairs.router,
        proposals.router,
        stats.router,
        imports.router,
        public.router,
    ]
