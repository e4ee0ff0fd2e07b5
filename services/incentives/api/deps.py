"""Dependencies of the incentives routers: the partner runtime and the calling partner key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader

from services.incentives.service.runtime import PartnerKey, PartnerRuntime
from shared.api.deps import Roles

_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="A partner agency's API key")


@dataclass(frozen=True, slots=True)
class PartnerCall:
    """The replica's partner runtime and the verified key of the caller (one dependency on the hot path)."""

    runtime: PartnerRuntime
    key: PartnerKey


# These are async on purpose: FastAPI runs a plain ``def`` dependency in a worker thread.
async def partner_call(request: Request, key: Annotated[str | None, Depends(_api_key)]) -> PartnerCall:
    """The calling partner, verified (401 otherwise)."""
    runtime: PartnerRuntime = request.app.state.ctx.state["partner"]
    return PartnerCall(runtime, await runtime.keys.verify(key))


async def partner_key(call: Annotated[PartnerCall, Depends(partner_call)]) -> PartnerKey:
    return call.key


PartnerCallDep = Annotated[PartnerCall, Depends(partner_call)]
PartnerDep = Annotated[PartnerKey, Depends(partner_key)]
Admin = Roles("admin")
Staff = Roles("admin", "officer")
