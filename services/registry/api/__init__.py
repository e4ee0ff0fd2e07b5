"""The registry's routers, one module per resource."""

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from services.registry.api import auth

    return [auth.router]
