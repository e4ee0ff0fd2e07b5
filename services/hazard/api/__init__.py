"""The hazard service's routers, one module per resource."""

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from services.hazard.api import accidents, hazards, imports, moves, stats

    return [hazards.router, moves.router, imports.router, stats.router, accidents.router]
