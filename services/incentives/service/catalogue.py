"""The measures catalogue: seeding, reading, and admin changes that are each versioned."""

from __future__ import annotations

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.incentives.domain.measures import SEED_MEASURES, validate_measure
from services.incentives.domain.measures import Measure as DomainMeasure
from services.incentives.models import Measure, MeasureVersion
from services.incentives.schemas.catalogue import (
    MeasureCreate,
    MeasurePublic,
    MeasureUpdate,
    MeasureVersionPublic,
)
from shared.api.etag import check_version
from shared.api.pagination import PageParams, paginate
from shared.db.uow import UnitOfWork
from shared.errors import Conflict, NotFound, PreconditionFailed
from shared.security.principal import Principal


def to_domain(row: Measure) -> DomainMeasure:
    """The catalogue row as the pure domain's measure."""
    return validate_measure(
        code=row.code,
        domain=row.domain,
        kind=row.kind,
        applies_to=row.applies_to,
        text=row.text,
        basis=row.basis,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
    )


async def load_catalogue(session) -> list[DomainMeasure]:
    """Every measure of the catalogue (a few dozen rows: read per use, so every replica sees edits at once)."""
    rows = (await session.exec(select(Measure))).all()
    return [to_domain(r) for r in rows]


def measure_public(row: Measure) -> MeasurePublic:
    """The response model of a catalogue row."""
    return MeasurePublic(
        code=row.code,
        domain=row.domain,
        kind=row.kind,
        applies_to=sorted(row.applies_to),
        text=row.text,
        basis=row.basis,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        version=row.version,
        updated_at=row.updated_at,
    )


def _version_row(m: DomainMeasure, *, version: int, change: str, at, by: str | None) -> MeasureVersion:
    return MeasureVersion(
        code=m.code,
        version=version,
        change=change,
        domain=m.domain.value,
        kind=m.kind.value,
        applies_to=sorted(m.applies_to),
        text=m.text,
        basis=m.basis,
        valid_from=m.valid_from,
        valid_to=m.valid_to,
        changed_at=at,
        changed_by=by,
    )


async def seed_catalogue(*, uow: UnitOfWork) -> int:
    """Write the seed measures on first start (an empty catalogue); returns how many were written."""
    count = (await uow.session.exec(select(func.count()).select_from(Measure))).one()
    if count:
        return 0
    now = uow.now()
    for m in SEED_MEASURES:
        uow.session.add(
            Measure(
                code=m.code,
                domain=m.domain.value,
                kind=m.kind.value,
                applies_to=sorted(m.applies_to),
                text=m.text,
                basis=m.basis,
                valid_from=m.valid_from,
                valid_to=m.valid_to,
                created_at=now,
                updated_at=now,
                updated_by="seed",
            )
        )
        uow.session.add(_version_row(m, version=1, change="seeded", at=now, by="seed"))
    try:
        await uow.commit()
    except IntegrityError:
        # Another replica seeded at the same moment: its rows are the same seed.
        await uow.rollback()
        return 0
    return len(SEED_MEASURES)


async def list_measures(
    *, uow: UnitOfWork, page: PageParams, domain: str | None = None, kind: str | None = None
) -> tuple[list[MeasurePublic], int]:
    """The catalogue, by code, optionally one domain or kind."""
    stmt = select(Measure).order_by(Measure.code)
    if domain:
        stmt = stmt.where(Measure.domain == domain)
    if kind:
        stmt = stmt.where(Measure.kind == kind)
    rows, total = await paginate(uow.session, stmt, page)
    return [measure_public(r[0]) for r in rows], total


async def get_measure(*, uow: UnitOfWork, code: str) -> MeasurePublic:
    """One measure as it is now."""
    return measure_public(await _row(uow, code))


async def _row(uow: UnitOfWork, code: str) -> Measure:
    row = await uow.session.get(Measure, code)
    if row is None:
        raise NotFound(f"no measure {code!r}", code="measure_not_found")
    return row


async def list_versions(*, uow: UnitOfWork, code: str) -> list[MeasureVersionPublic]:
    """Every saved version of a measure, oldest first."""
    await _row(uow, code)
    rows = (
        await uow.session.exec(
            select(MeasureVersion).where(MeasureVersion.code == code).order_by(MeasureVersion.version)
        )
    ).all()
    return [
        MeasureVersionPublic(
            code=r.code,
            domain=r.domain,
            kind=r.kind,
            applies_to=r.applies_to,
            text=r.text,
            basis=r.basis,
            valid_from=r.valid_from,
            valid_to=r.valid_to,
            version=r.version,
            updated_at=r.changed_at,
            change=r.change,
            changed_by=r.changed_by,
        )
        for r in rows
    ]


async def create_measure(*, uow: UnitOfWork, user: Principal, data: MeasureCreate) -> MeasurePublic:
    """Add a measure to the catalogue (version 1)."""
    m = validate_measure(**data.model_dump())
    if await uow.session.get(Measure, m.code) is not None:
        raise Conflict(f"measure {m.code!r} exists", code="measure_exists")
    now = uow.now()
    row = Measure(
        code=m.code,
        domain=m.domain.value,
        kind=m.kind.value,
        applies_to=sorted(m.applies_to),
        text=m.text,
        basis=m.basis,
        valid_from=m.valid_from,
        valid_to=m.valid_to,
        created_at=now,
        updated_at=now,
        updated_by=user.sub,
    )
    uow.session.add(row)
    uow.session.add(_version_row(m, version=1, change="created", at=now, by=user.sub))
    await uow.commit()
    return measure_public(row)


async def update_measure(
    *, uow: UnitOfWork, user: Principal, code: str, version: int, data: MeasureUpdate
) -> MeasurePublic:
    """Change a measure under If-Match; the new version is also kept in the history."""
    row = await _row(uow, code)
    check_version(row.version, version)
    changes = data.model_dump(exclude_unset=True)
    merged = {
        "code": row.code,
        "domain": row.domain,
        "kind": row.kind,
        "applies_to": row.applies_to,
        "text": row.text,
        "basis": row.basis,
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
    } | changes
    m = validate_measure(**merged)
    now = uow.now()
    values = {
        "applies_to": sorted(m.applies_to),
        "text": m.text,
        "basis": m.basis,
        "valid_from": m.valid_from,
        "valid_to": m.valid_to,
        "version": version + 1,
        "updated_at": now,
        "updated_by": user.sub,
    }
    # Compare-and-set on the version: a concurrent editor's change is never overwritten.
    result = await uow.session.execute(
        update(Measure).where(Measure.code == code, Measure.version == version).values(**values)
    )
    if result.rowcount != 1:
        raise PreconditionFailed("the measure changed meanwhile; read it again", code="version_mismatch")
    uow.session.add(_version_row(m, version=version + 1, change="updated", at=now, by=user.sub))
    await uow.commit()
    await uow.session.refresh(row)
    return measure_public(row)
