"""One page of a query's rows and the count of them all, for the repositories' list queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession


async def page_of(
    session: AsyncSession, query: Select[Any], *, limit: int, offset: int
) -> tuple[list[Any], int]:
    """The rows of ``query`` from ``offset``, at most ``limit``, and the total count (the query
    must be ordered, so that pages do not overlap)."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await session.execute(query.limit(limit).offset(offset))
    return list(rows.all()), int(total or 0)
