"""The grid service's routers, one module per resource."""

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    return []
