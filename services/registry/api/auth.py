"""``POST /auth/v1/token``: the embedded issuer (OAuth2 password form)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form

from services.registry.schemas.auth import Token, UserCreate, UserPublic
from services.registry.service import users
from shared.api.deps import Roles, UowDep

router = APIRouter(tags=["auth"])
Admin = Roles("admin")


@router.post(
    "/auth/v1/token",
    response_model=Token,
    summary="Sign in (OAuth2 password grant)",
    responses={401: {"description": "wrong username or password"}},
)
async def token(uow: UowDep, username: Annotated[str, Form()], password: Annotated[str, Form()]) -> Token:
    return await users.sign_in(uow=uow, username=username, password=password)


@router.post("/registry/v1/users", response_model=UserPublic, status_code=201, summary="Create a staff account")
async def create_user(uow: UowDep, body: UserCreate, _: Admin) -> UserPublic:
    return await users.create_user(uow=uow, data=body)


@router.get("/registry/v1/users", response_model=list[UserPublic], summary="Staff accounts")
async def list_users(uow: UowDep, _: Admin) -> list[UserPublic]:
    return await users.list_users(uow=uow)
