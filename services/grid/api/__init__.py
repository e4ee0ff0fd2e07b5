"""The grid service's routers, one module per resource."""

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from services.grid.api import cells, enterprises, inspections, reports, work

    return [cells.router, enterprises.router, reports.router, inspections.router, work.router]
