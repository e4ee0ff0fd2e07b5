"""The incentives service's routers, one module per resource."""

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from services.incentives.api import agencies, catalogue, partner, stats

    # The partner router first: requests are matched router by router, and its lookup is the hot path.
    return [partner.fast, partner.router, catalogue.router, agencies.router, stats.router]
