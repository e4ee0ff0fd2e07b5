"""The grid tree: cells, their members, reading one cell or a subtree."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from services.grid.domain.tree import child_level, child_path, path_ids, validate_code
from services.grid.models import Cell, Enterprise, Member
from services.grid.schemas.grid import (
    CellCreate,
    CellDetail,
    CellPublic,
    CellTree,
    MemberCreate,
    MemberPublic,
    MemberUpdate,
)
from services.grid.service import access
from services.grid.service.enterprises import place_matching
from services.grid.service.views import cell_fields, cell_public, member_public
from shared.api.etag import check_version, parse_if_match, required_version
from shared.api.pagination import Page, PageParams, paginate
from shared.areas import division_covers
from shared.db.uow import UnitOfWork
from shared.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed, field_error
from shared.ids import new_id
from shared.security.principal import Principal

#: A subtree read at once is capped: a county's whole grid, not a province's.
MAX_TREE_CELLS = 20_000


async def load(uow: UnitOfWork, user: Principal, cell_id: str, *, lock: bool = False) -> Cell:
    """A cell the caller may see (404 otherwise)."""
    access.require_role(user, access.READERS, "read the grid")
    stmt = select(Cell).where(Cell.id == cell_id)
    if lock:
        stmt = stmt.with_for_update()
    return access.require_cell(user, (await uow.session.execute(stmt)).scalar_one_or_none(), cell_id)


async def create_cell(*, uow: UnitOfWork, user: Principal, data: CellCreate) -> CellPublic:
    """Add a cell under a parent (or a root); the enterprises its names match are placed in it."""
    access.require_role(user, access.BUILDERS, "build the grid")
    code = validate_code(data.code.strip())
    parent = None
    if data.parent_id is not None:
        parent = await uow.session.get(Cell, data.parent_id)
        if parent is None or not access.can_see_cell(user, parent):
            raise Invalid(
                f"no grid cell {data.parent_id} to put this cell under",
                code="unknown_parent",
                errors=[field_error("parent_id", "unknown cell")],
            )
    level = child_level(parent.level if parent else None, data.level, uow.ctx.settings.max_depth)
    scope = _scope_code(user, data.division_code, parent)
    if await uow.session.scalar(select(Cell.id).where(Cell.code == code)) is not None:
        raise Conflict(f"grid code {code} is taken", code="duplicate_code", errors=[field_error("code", "taken")])
    cell_id = new_id()
    cell = Cell(
        id=cell_id,
        code=code,
        name=data.name.strip(),
        level=level,
        parent_id=parent.id if parent else None,
        division_code=data.division_code,
        scope_code=scope,
        path=child_path(parent.path if parent else None, cell_id),
        created_at=uow.now(),
        created_by=user.sub,
    )
    uow.session.add(cell)
    try:
        await uow.session.flush()
    except IntegrityError:  # two requests raced for the same code
        raise Conflict(f"grid code {code} is taken", code="duplicate_code") from None
    await place_matching(uow, cell)
    await uow.commit()
    return cell_public(cell)


def _scope_code(user: Principal, division_code: str | None, parent: Cell | None) -> str | None:
    """Which officers answer for the new cell; an officer may only build inside their division."""
    if division_code is not None and parent is not None and parent.scope_code is not None:
        if not division_covers(parent.scope_code, division_code):
            raise Invalid(
                f"division {division_code} lies outside the parent's division {parent.scope_code}",
                code="division_outside_parent",
                errors=[field_error("division_code", "outside the parent's division")],
            )
    scope = division_code or (parent.scope_code if parent else None)
    if user.role == "officer":
        if scope is None:
            scope = user.division_code  # a functional zone without a division code: the creator's
        if not user.division_code or not division_covers(user.division_code, scope):
            raise Forbidden(f"division {scope} lies outside your division {user.division_code}", code="out_of_scope")
    return scope


async def get_cell(*, uow: UnitOfWork, user: Principal, cell_id: str) -> CellDetail:
    cell = await load(uow, user, cell_id)
    members = await _members(uow, [cell.id])
    children = await uow.session.scalar(select(func.count()).where(Cell.parent_id == cell.id))
    enterprises = await uow.session.scalar(select(func.count()).where(Enterprise.cell_id == cell.id))
    return CellDetail(
        **cell_fields(cell),
        path=path_ids(cell.path),
        members=[member_public(m) for m in members],
        children=children or 0,
        enterprises=enterprises or 0,
    )


async def list_cells(
    *,
    uow: UnitOfWork,
    user: Principal,
    page: PageParams,
    parent_id: str | None,
    roots: bool,
    q: str | None,
) -> Page[CellPublic]:
    """Cells in the caller's scope: the children of a cell, the roots, or a name/code search."""
    access.require_role(user, access.READERS, "read the grid")
    stmt = select(Cell).where(*(await access.cell_scope(uow, user)))
    if parent_id is not None:
        stmt = stmt.where(Cell.parent_id == parent_id)
    elif roots:
        stmt = stmt.where(col(Cell.parent_id).is_(None))
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(col(Cell.name).contains(q.strip()) | col(Cell.code).like(like))
    rows, total = await paginate(uow.session, stmt.order_by(Cell.level, Cell.code), page)
    return Page(items=[cell_public(r[0]) for r in rows], total=total, limit=page.limit, offset=page.offset)


async def tree(*, uow: UnitOfWork, user: Principal, cell_id: str, depth: int | None) -> CellTree:
    """The cell and everything under it (``depth`` levels down, all when None), with members."""
    root = await load(uow, user, cell_id)
    stmt = select(Cell).where(access.subtree(Cell.path, root.path))
    if depth is not None:
        stmt = stmt.where(Cell.level <= root.level + depth)
    cells = (await uow.session.execute(stmt.order_by(Cell.level, Cell.code).limit(MAX_TREE_CELLS + 1))).scalars().all()
    if len(cells) > MAX_TREE_CELLS:
        raise Invalid(
            f"the subtree has more than {MAX_TREE_CELLS} cells; ask for less depth",
            code="tree_too_large",
            errors=[field_error("depth", "too deep for this subtree")],
        )
    members = (
        (
            await uow.session.execute(
                select(Member)
                .join(Cell, Cell.id == Member.cell_id)
                .where(access.subtree(Cell.path, root.path))
                .order_by(Member.created_at, Member.id)
            )
        )
        .scalars()
        .all()
    )
    counts = dict(
        (
            await uow.session.execute(
                select(Enterprise.cell_id, func.count())
                .join(Cell, Cell.id == Enterprise.cell_id)
                .where(access.subtree(Cell.path, root.path))
                .group_by(Enterprise.cell_id)
            )
        ).all()
    )
    nodes = {
        c.id: CellTree(
            **cell_fields(c),
            members=[member_public(m) for m in members if m.cell_id == c.id],
            enterprises=counts.get(c.id, 0),
            children=[],
        )
        for c in cells
    }
    for c in cells:  # ordered by level: a parent's node exists before its children's
        if c.id != root.id and c.parent_id in nodes:
            nodes[c.parent_id].children.append(nodes[c.id])
    return nodes[root.id]


async def _members(uow: UnitOfWork, cell_ids: list[str]) -> list[Member]:
    if not cell_ids:
        return []
    stmt = select(Member).where(col(Member.cell_id).in_(cell_ids)).order_by(Member.created_at, Member.id)
    return list((await uow.session.execute(stmt)).scalars().all())


async def add_member(*, uow: UnitOfWork, user: Principal, cell_id: str, data: MemberCreate) -> MemberPublic:
    """Name a responsible person of a cell, with their duties."""
    access.require_role(user, access.BUILDERS, "name grid members")
    cell = await load(uow, user, cell_id)
    m = Member(
        id=new_id(),
        cell_id=cell.id,
        name=data.name.strip(),
        phone=data.phone.strip(),
        role=data.role.value,
        duties=data.duties.strip(),
        username=data.username,
        created_at=uow.now(),
    )
    uow.session.add(m)
    await uow.commit()
    return member_public(m)


async def _member(uow: UnitOfWork, user: Principal, cell_id: str, member_id: str, *, lock: bool = False) -> Member:
    """A member of a cell the caller may see: 404 ``cell_not_found`` for the cell, ``member_not_found``
    when the cell has no such member (unknown, or a member of another cell)."""
    cell = await load(uow, user, cell_id)
    stmt = select(Member).where(Member.id == member_id, Member.cell_id == cell.id)
    if lock:
        stmt = stmt.with_for_update()
    m = (await uow.session.execute(stmt)).scalar_one_or_none()
    if m is None:
        raise NotFound(f"grid cell {cell_id} has no member {member_id}", code="member_not_found")
    return m


async def get_member(*, uow: UnitOfWork, user: Principal, cell_id: str, member_id: str) -> MemberPublic:
    """One responsible person of a cell the caller may see."""
    return member_public(await _member(uow, user, cell_id, member_id))


async def update_member(
    *, uow: UnitOfWork, user: Principal, cell_id: str, member_id: str, data: MemberUpdate, if_match: str | None
) -> MemberPublic:
    """Change a member at the version the caller read (428 without If-Match, 412 when it moved on)."""
    access.require_role(user, access.BUILDERS, "change grid members")
    expected = required_version(if_match)
    values = data.model_dump(exclude_unset=True)
    cleared = [f for f, v in values.items() if v is None]
    if cleared:
        raise Invalid(
            f"cannot clear {', '.join(cleared)}",
            code="validation_error",
            errors=[field_error(f, "may not be null") for f in cleared],
        )
    if "role" in values:
        values["role"] = values["role"].value
    m = await _member(uow, user, cell_id, member_id, lock=True)
    check_version(m.version, expected)
    changed = {k: v for k, v in values.items() if getattr(m, k) != v}
    if not changed:
        return member_public(m)
    # The row is locked (SQLite: BEGIN IMMEDIATE); the version condition still guards the write.
    result = await uow.session.execute(
        update(Member)
        .where(col(Member.id) == m.id, col(Member.version) == expected)
        .values(**changed, version=expected + 1)
        .execution_options(synchronize_session="evaluate")
    )
    if result.rowcount != 1:
        await _raise_moved(uow, cell_id, member_id, expected)
    await uow.commit()
    return member_public(m)


async def remove_member(
    *, uow: UnitOfWork, user: Principal, cell_id: str, member_id: str, if_match: str | None
) -> None:
    """Remove a member from a cell (412 when If-Match names an older version)."""
    access.require_role(user, access.BUILDERS, "remove grid members")
    expected = parse_if_match(if_match)
    m = await _member(uow, user, cell_id, member_id, lock=True)
    check_version(m.version, expected)
    result = await uow.session.execute(
        delete(Member)
        .where(col(Member.id) == m.id, col(Member.version) == m.version)
        .execution_options(synchronize_session="evaluate")
    )
    if result.rowcount != 1:
        await _raise_moved(uow, cell_id, member_id, m.version)
    await uow.commit()


async def _raise_moved(uow: UnitOfWork, cell_id: str, member_id: str, expected: int) -> None:
    """The guarded write matched no row: the member was removed (404) or changed (412) meanwhile."""
    await uow.rollback()
    current = await uow.session.scalar(
        select(Member.version).where(col(Member.id) == member_id, col(Member.cell_id) == cell_id)
    )
    if current is None:
        raise NotFound(f"grid cell {cell_id} has no member {member_id}", code="member_not_found")
    check_version(current, expected)
    raise PreconditionFailed(f"the member changed while version {expected} was written; read it again")
