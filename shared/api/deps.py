"""FastAPI dependencies every service uses: the service context, a unit of work, the caller."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.db.uow import UnitOfWork
from shared.errors import Forbidden, Unauthorized
from shared.security.principal import Principal
from shared.service import ServiceContext

_bearer = HTTPBearer(auto_error=False, description="A staff token from POST /auth/v1/token")


def get_ctx(request: Request) -> ServiceContext:
    return request.app.state.ctx


CtxDep = Annotated[ServiceContext, Depends(get_ctx)]


async def get_uow(ctx: CtxDep) -> AsyncIterator[UnitOfWork]:
    async with ctx.uow() as uow:
        yield uow


async def get_read_uow(ctx: CtxDep) -> AsyncIterator[UnitOfWork]:
    async with ctx.uow(write=False) as uow:
        yield uow


UowDep = Annotated[UnitOfWork, Depends(get_uow)]
ReadUowDep = Annotated[UnitOfWork, Depends(get_read_uow)]


def current_principal(
    ctx: CtxDep, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    if creds is None or creds.scheme.lower() != "bearer" or not creds.credentials:
        raise Unauthorized(
            "send Authorization: Bearer <token>", code="unauthorized", headers={"WWW-Authenticate": "Bearer"}
        )
    return ctx.auth.verify(creds.credentials)


CurrentUser = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: str) -> Callable[[Principal], Principal]:
    """A dependency that lets only these roles through (403 ``forbidden_role`` otherwise)."""

    def check(user: CurrentUser) -> Principal:
        if user.role not in roles:
            raise Forbidden(f"role {user.role!r} may not do this; allowed: {', '.join(roles)}", code="forbidden_role")
        return user

    check.__name__ = f"require_{'_'.join(roles)}"
    return check


def Roles(*roles: str):  # noqa: N802  (reads like a type in signatures: user: Roles("admin"))
    return Annotated[Principal, Depends(require_roles(*roles))]
