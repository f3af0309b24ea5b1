"""Pagination of list routes: ``?limit=&offset=`` in, ``{data, count, limit, offset}`` out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Final, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.pages import page_of
from storage.storable import MAX_INTEGER

DEFAULT_LIMIT: Final = 50
MAX_LIMIT: Final = 500
# No table holds more rows than its Integer ids can number: a larger offset is a mistake.
MAX_OFFSET: Final = MAX_INTEGER

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """Which slice of a list the client asked for."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page")] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip")] = 0,
) -> Page:
    return Page(limit=limit, offset=offset)


PageDep = Annotated[Page, Depends(page_params)]


class Paginated(BaseModel, Generic[T]):
    """One page of a list: ``count`` is the total number of rows matching the filters."""

    data: list[T]
    count: int
    limit: int
    offset: int


async def fetch_page(
    session: AsyncSession, query: Select[Any], page: Page
) -> tuple[list[Any], int]:
    """The rows of ``query`` on ``page`` and the total count (the query must be ordered)."""
    return await page_of(session, query, limit=page.limit, offset=page.offset)
