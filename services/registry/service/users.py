"""Staff accounts and sign-in for the embedded issuer."""

from __future__ import annotations

from sqlmodel import select

from services.registry.domain.uscc import validate_uscc
from services.registry.models import User
from services.registry.schemas.auth import Token, UserCreate, UserPublic
from shared.db.uow import UnitOfWork
from shared.errors import Conflict, Invalid, Unauthorized
from shared.security.jwt import issue_token
from shared.security.passwords import hash_password, needs_rehash, verify_password
from shared.security.principal import SCOPE_CLAIM, Principal


def _public(u: User) -> UserPublic:
    return UserPublic(
        id=u.id,
        username=u.username,
        role=u.role,
        division_code=u.division_code,
        grid_cell_ids=[c for c in (u.grid_cell_ids or "").split(",") if c],
        uscc=u.uscc,
        agency_id=u.agency_id,
        active=u.active,
    )


def _check_scope(data: UserCreate) -> UserCreate:
    claim = SCOPE_CLAIM.get(data.role)
    value = (
        {
            "division_code": data.division_code,
            "grid_cell_ids": data.grid_cell_ids,
            "uscc": data.uscc,
            "agency_id": data.agency_id,
        }.get(claim)
        if claim
        else True
    )
    if not value:
        raise Invalid(
            f"a {data.role} account needs {claim}",
            code="scope_required",
            errors=[{"field": claim, "message": f"required for role {data.role}"}],
        )
    if data.uscc:
        data = data.model_copy(update={"uscc": validate_uscc(data.uscc)})
    return data


async def create_user(*, uow: UnitOfWork, data: UserCreate) -> UserPublic:
    """Create a staff account with an argon2 password hash."""
    data = _check_scope(data)
    exists = (await uow.session.exec(select(User.id).where(User.username == data.username))).first()
    if exists is not None:
        raise Conflict(f"user {data.username!r} exists", code="user_exists")
    user = User(
        username=data.username,
        password_hash=hash_password(data.password),
        role=data.role,
        division_code=data.division_code,
        grid_cell_ids=",".join(data.grid_cell_ids) or None,
        uscc=data.uscc,
        agency_id=data.agency_id,
        created_at=uow.now(),
    )
    uow.session.add(user)
    await uow.commit()
    return _public(user)


async def list_users(*, uow: UnitOfWork) -> list[UserPublic]:
    rows = (await uow.session.exec(select(User).order_by(User.id))).all()
    return [_public(u) for u in rows]


async def sign_in(*, uow: UnitOfWork, username: str, password: str) -> Token:
    """Check the password and issue a token carrying the role and its scope claim."""
    user = (await uow.session.exec(select(User).where(User.username == username))).first()
    if not verify_password(user.password_hash if user else None, password) or not user.active:
        raise Unauthorized(
            "wrong username or password", code="invalid_credentials", headers={"WWW-Authenticate": "Bearer"}
        )
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        await uow.commit()
    principal = Principal(
        sub=user.username,
        role=user.role,
        division_code=user.division_code,
        grid_cell_ids=tuple(c for c in (user.grid_cell_ids or "").split(",") if c),
        uscc=user.uscc,
        agency_id=user.agency_id,
    )
    token, ttl = issue_token(uow.ctx.settings, principal, now=uow.now())
    return Token(access_token=token, expires_in=ttl)
