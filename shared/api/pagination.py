"""Offset pagination: ``?limit=&offset=`` -> ``{items, total, limit, offset}``, limit capped at 200."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

MAX_LIMIT = 200
#: Beyond any table here, and inside every database's integer range.
MAX_OFFSET = 1_000_000_000
T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class PageParams:
    limit: int
    offset: int


def page_params(
    limit: Annotated[int, Query(ge=1, description=f"page size, at most {MAX_LIMIT}")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> PageParams:
    return PageParams(min(limit, MAX_LIMIT), offset)


PageDep = Annotated[PageParams, Depends(page_params)]


async def paginate(session: AsyncSession, stmt: Select, page: PageParams) -> tuple[list, int]:
    """Run ``stmt`` for one page and count the whole result in SQL."""
    total = (await session.execute(select(func.count()).select_from(stmt.order_by(None).subquery()))).scalar_one()
    rows = (await session.execute(stmt.limit(page.limit).offset(page.offset))).all()
    return rows, total
