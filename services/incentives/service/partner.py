"""The partner API's use cases: look up, batch check, feedback, and what an agency was pushed.

A partner sees only the measures of its agency's domains. The lookups read the denormalized
standing rows through ``StandingRow`` columns only (no ORM objects) and build the JSON directly:
this is the hot path, measured by bench/incentives_partner.py.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Any

import orjson
from sqlalchemy import update
from sqlmodel import col, select

from services.incentives.domain.feedback import FeedbackAction, MeasureLifeStatus, is_overdue, next_status
from services.incentives.models import Measure, MeasureLife
from services.incentives.schemas.catalogue import MeasurePublic
from services.incentives.schemas.feedback import FeedbackCreate, MeasureLifePublic
from services.incentives.service.catalogue import measure_public
from services.incentives.service.runtime import PartnerKey, PartnerRuntime
from shared.api.pagination import PageParams, paginate
from shared.contracts.incentives import MeasureFeedbackReceivedV1
from shared.db.uow import UnitOfWork
from shared.errors import Invalid, NotFound, PreconditionFailed, field_error
from shared.logging import request_id_var

_ALPHABET = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")
_JSON = orjson.OPT_UTC_Z


def normalize_uscc(value: str, field: str = "uscc") -> str:
    """Strip, fold full-width to half-width, upper-case; 422 ``invalid_uscc`` unless 18 code characters.

    Only the shape is checked: the registry validates check characters, and an unknown but
    well-formed code is simply not found.
    """
    code = (value or "").strip().upper()
    if not code.isascii():
        code = unicodedata.normalize("NFKC", code).strip().upper()
    if len(code) != 18 or not set(code) <= _ALPHABET:
        raise Invalid(
            f"{value!r} is not a unified social credit code",
            code="invalid_uscc",
            errors=[field_error(field, "must be 18 characters of 0-9 and A-Y without I, O, S, V, Z")],
        )
    return code


def _answer(row: Any, domains: frozenset[str]) -> dict[str, Any]:
    measures = [m for m in orjson.loads(row["measures"]) if m["domain"] in domains]
    return {
        "uscc": row["uscc"],
        "name": row["name"],
        "credit_class": row["credit_class"],
        "blacklisted": bool(row["blacklisted"]),
        "honour_roll": bool(row["honour_roll"]),
        "measures": measures,
        "as_of": row["as_of"],
    }


def _audit_row(caller: PartnerKey, *, at, uscc: str, endpoint: str, answer: dict | None) -> dict[str, Any]:
    summary = (
        {
            "found": True,
            "credit_class": answer["credit_class"],
            "blacklisted": answer["blacklisted"],
            "measures": [m["code"] for m in answer["measures"]],
        }
        if answer is not None
        else {"found": False}
    )
    return {
        "at": at,
        "key_id": caller.key_id,
        "agency_id": caller.agency_id,
        "uscc": uscc,
        "endpoint": endpoint,
        "found": answer is not None,
        "answer": orjson.dumps(summary).decode(),
        "request_id": request_id_var.get() or None,
    }


def admit(*, runtime: PartnerRuntime, caller: PartnerKey, audit_rows: int = 1) -> None:
    """The per-key rate limit (429 with Retry-After for this key only) and room in the audit queue."""
    runtime.limiter.check(caller.key_id, rate_per_minute=caller.rate_limit_per_minute)
    runtime.audit.ensure_capacity(audit_rows)


async def lookup(*, runtime: PartnerRuntime, caller: PartnerKey, uscc: str) -> bytes:
    """One enterprise's standing and the measures of the caller's domains, as JSON; 404 if unknown."""
    code = normalize_uscc(uscc)
    admit(runtime=runtime, caller=caller)
    row = await runtime.reader.one(code)
    now = runtime.ctx.clock.now()
    if row is None:
        runtime.audit.record([_audit_row(caller, at=now, uscc=code, endpoint="enterprise", answer=None)])
        raise NotFound(f"no enterprise {code}", code="enterprise_not_found")
    answer = _answer(row, caller.domains)
    runtime.audit.record([_audit_row(caller, at=now, uscc=code, endpoint="enterprise", answer=answer)])
    return orjson.dumps(answer, option=_JSON)


async def checks(*, runtime: PartnerRuntime, caller: PartnerKey, usccs: list[str]) -> bytes:
    """The single answer for each code, in the order asked; ``{uscc, found: false}`` for unknown codes."""
    limit = runtime.ctx.settings.partner_checks_max
    if len(usccs) > limit:
        raise Invalid(
            f"at most {limit} codes per check, got {len(usccs)}",
            code="too_many_codes",
            errors=[field_error("usccs", f"at most {limit} items")],
        )
    errors, codes = [], []
    for i, value in enumerate(usccs):
        try:
            codes.append(normalize_uscc(value, f"usccs.{i}"))
        except Invalid as exc:
            errors.extend(exc.errors or [])
    if errors:
        raise Invalid("some codes are not unified social credit codes", code="invalid_uscc", errors=errors)
    admit(runtime=runtime, caller=caller, audit_rows=len(codes))
    rows = await runtime.reader.many(codes)
    now = runtime.ctx.clock.now()
    items, audit = [], []
    for code in codes:
        row = rows.get(code)
        answer = _answer(row, caller.domains) if row is not None else None
        items.append({"found": True, **answer} if answer is not None else {"uscc": code, "found": False})
        audit.append(_audit_row(caller, at=now, uscc=code, endpoint="checks", answer=answer))
    runtime.audit.record(audit)
    return orjson.dumps({"items": items}, option=_JSON)


async def partner_measures(*, uow: UnitOfWork, caller: PartnerKey) -> list[MeasurePublic]:
    """The catalogue's measures of the caller's domains (to map codes to texts and legal bases)."""
    rows = (
        await uow.session.exec(
            select(Measure).where(col(Measure.domain).in_(sorted(caller.domains))).order_by(Measure.code)
        )
    ).all()
    return [measure_public(r) for r in rows]


def life_public(life: MeasureLife, *, now, overdue_after: timedelta) -> MeasureLifePublic:
    """A measure life with its overdue flag computed for now."""
    return MeasureLifePublic(
        id=life.id,
        agency_id=life.agency_id,
        uscc=life.uscc,
        measure_code=life.measure_code,
        cycle=life.cycle,
        status=life.status,
        pushed_at=life.pushed_at,
        acknowledged_at=life.acknowledged_at,
        acknowledged_reference=life.acknowledged_reference,
        applied_at=life.applied_at,
        applied_reference=life.applied_reference,
        not_applicable_at=life.not_applicable_at,
        not_applicable_reference=life.not_applicable_reference,
        lift_pushed_at=life.lift_pushed_at,
        lifted_at=life.lifted_at,
        lifted_reference=life.lifted_reference,
        overdue=is_overdue(life.pushed_at, life.acted_at, now, overdue_after),
    )


def overdue_after(uow: UnitOfWork) -> timedelta:
    return timedelta(days=uow.ctx.settings.feedback_overdue_days)


async def record_feedback(*, uow: UnitOfWork, caller: PartnerKey, data: FeedbackCreate) -> MeasureLifePublic:
    """Move the agency's latest life of the measure by its action and announce the feedback."""
    code = normalize_uscc(data.uscc)
    life = (
        await uow.session.exec(
            select(MeasureLife)
            .where(
                MeasureLife.agency_id == caller.agency_id,
                MeasureLife.uscc == code,
                MeasureLife.measure_code == data.measure_code,
            )
            .order_by(col(MeasureLife.cycle).desc())
            .limit(1)
        )
    ).first()
    if life is None:
        raise NotFound(
            f"measure {data.measure_code!r} was never pushed to your agency for {code}", code="measure_not_pushed"
        )
    action = FeedbackAction(data.action)
    before = MeasureLifeStatus(life.status)
    target = next_status(before, action)  # 409 invalid_feedback naming the allowed actions
    now = uow.now()
    acted_at = data.acted_at
    values: dict[str, Any] = {"status": target.value, "updated_at": now, "version": life.version + 1}
    if life.acted_at is None:
        # The first answer of any kind counts for the overdue statistic; it is when we heard, not
        # the partner's own acted_at, so a late report cannot make an answer look timely.
        values["acted_at"] = now
        values["response_s"] = (now - life.pushed_at).total_seconds()
    stamp = {
        FeedbackAction.ACKNOWLEDGED: ("acknowledged_at", "acknowledged_reference"),
        FeedbackAction.APPLIED: ("applied_at", "applied_reference"),
        FeedbackAction.NOT_APPLICABLE: ("not_applicable_at", "not_applicable_reference"),
        FeedbackAction.LIFTED: ("lifted_at", "lifted_reference"),
    }[action]
    if getattr(life, stamp[0]) is None:
        values[stamp[0]] = acted_at
        values[stamp[1]] = data.reference
    if action is FeedbackAction.NOT_APPLICABLE and target is MeasureLifeStatus.LIFTED and life.lifted_at is None:
        values["lifted_at"] = acted_at  # nothing was applied, so nothing is left to lift
    result = await uow.session.execute(
        update(MeasureLife).where(MeasureLife.id == life.id, MeasureLife.version == life.version).values(**values)
    )
    if result.rowcount != 1:
        raise PreconditionFailed(
            "the measure's life changed meanwhile; send the feedback again", code="version_mismatch"
        )
    uow.publish(
        MeasureFeedbackReceivedV1(
            agency_id=caller.agency_id,
            uscc=code,
            measure_code=data.measure_code,
            action=action.value,
            acted_at=acted_at,
            reference=data.reference,
        )
    )
    await uow.commit()
    await uow.session.refresh(life)
    return life_public(life, now=now, overdue_after=overdue_after(uow))


async def list_lives(
    *, uow: UnitOfWork, agency_id: str, status: str | None, uscc: str | None, limit: int, offset: int
) -> tuple[list[MeasureLifePublic], int]:
    """The measure lives of one agency, newest push first (what it must act on: ``status=pushed``)."""
    stmt = select(MeasureLife).where(MeasureLife.agency_id == agency_id)
    if status:
        stmt = stmt.where(MeasureLife.status == status)
    if uscc:
        stmt = stmt.where(MeasureLife.uscc == normalize_uscc(uscc))
    stmt = stmt.order_by(col(MeasureLife.pushed_at).desc(), col(MeasureLife.id).desc())
    rows, total = await paginate(uow.session, stmt, PageParams(limit, offset))
    now = uow.now()
    after = overdue_after(uow)
    return [life_public(r[0], now=now, overdue_after=after) for r in rows], total
