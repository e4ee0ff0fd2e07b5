"""Run a POST under an Idempotency-Key: a retry with the same key and body gets the first answer."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

import orjson
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from starlette.responses import Response

from shared.db import idempotency as store
from shared.db.uow import UnitOfWork


def request_hash(payload: BaseModel | dict | bytes) -> str:
    if isinstance(payload, BaseModel):
        raw = payload.model_dump_json().encode()
    elif isinstance(payload, dict):
        raw = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
    else:
        raw = payload
    return hashlib.sha256(raw).hexdigest()


async def run_idempotent(
    uow: UnitOfWork,
    *,
    key: str | None,
    scope: str,
    payload: BaseModel | dict | bytes,
    fn: Callable[[UnitOfWork], Awaitable[BaseModel]],
    status_code: int = 201,
) -> Response:
    """Call ``fn(uow)`` once per (scope, key); the stored answer commits with the effect itself."""
    table = uow.ctx.spec.idempotency if uow.ctx else None
    if key is None or table is None:
        result = await fn(uow)
        return Response(result.model_dump_json().encode(), status_code=status_code, media_type="application/json")
    digest = request_hash(payload)
    hit = await store.lookup(uow.session, table, scope=scope, key=key, request_hash=digest)
    if hit is not None:
        return Response(
            hit[1], status_code=hit[0], media_type="application/json", headers={"Idempotent-Replayed": "true"}
        )
    async with uow.hold_commit():
        result = await fn(uow)
    body = result.model_dump_json().encode()
    try:
        await store.remember(
            uow.session,
            table,
            scope=scope,
            key=key,
            request_hash=digest,
            status_code=status_code,
            response=body,
            now=uow.now(),
        )
        await uow.commit()
    except IntegrityError:
        # A concurrent retry with the same key committed first: undo ours and answer with theirs.
        await uow.rollback()
        hit = await store.lookup(uow.session, table, scope=scope, key=key, request_hash=digest)
        if hit is None:
            raise
        return Response(
            hit[1], status_code=hit[0], media_type="application/json", headers={"Idempotent-Replayed": "true"}
        )
    return Response(body, status_code=status_code, media_type="application/json")
