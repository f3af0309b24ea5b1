"""A long read in constant memory: one connection of its own, one consistent view of the data,
and the rows of a query fetched from a server-side cursor a chunk at a time.

An export of a million answers outlives its request's session, so it reads on a connection
it owns, through the driver itself (no SQLAlchemy Row per row: that costs more than encoding
the row). On SQLite the view is a deferred read transaction, which in WAL mode takes no lock a
writer waits for (the engine's own ``BEGIN IMMEDIATE`` would hold the write lock for the whole
download); on PostgreSQL it is a read-only REPEATABLE READ transaction, whose cursor streams.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import ClauseElement

#: Rows per fetch: large enough that a fetch's round trip is nothing, small enough to hold.
CHUNK: Final = 1000
Rows = Sequence[Sequence[Any]]


class Snapshot:
    """Queries on one connection that all see the same committed data."""

    def __init__(self, connection: AsyncConnection, driver: Any) -> None:
        self._connection = connection
        self._driver = driver
        self.dialect = connection.dialect
        self.postgresql = connection.dialect.name == "postgresql"

    def sql(self, statement: ClauseElement) -> str:
        """The statement as this dialect's SQL, its constants written in (ids and codes only)."""
        compiled = statement.compile(dialect=self.dialect, compile_kwargs={"literal_binds": True})
        return str(compiled)

    async def all(self, statement: ClauseElement) -> list[Sequence[Any]]:
        """Every row of a small query."""
        sql = self.sql(statement)
        if self.postgresql:
            return list(await self._driver.fetch(sql))
        async with self._driver.execute(sql) as cursor:
            return list(await cursor.fetchall())

    async def chunks(self, statement: ClauseElement, size: int = CHUNK) -> AsyncIterator[Rows]:
        """The query's rows, ``size`` at a time, as the driver hands them (tuples or records)."""
        sql = self.sql(statement)
        if self.postgresql:
            cursor = await self._driver.cursor(sql)
            while rows := await cursor.fetch(size):
                yield rows
            return
        async with self._driver.execute(sql) as lite:
            while rows := await lite.fetchmany(size):
                yield rows


@asynccontextmanager
async def snapshot(engine: AsyncEngine) -> AsyncIterator[Snapshot]:
    """A read-only view of the database on a connection of its own, closed on exit."""
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection  # aiosqlite's or asyncpg's own connection
        if connection.dialect.name == "postgresql":
            async with driver.transaction(isolation="repeatable_read", readonly=True):
                yield Snapshot(connection, driver)
            return
        await driver.execute("BEGIN DEFERRED")
        try:
            yield Snapshot(connection, driver)
        finally:
            await driver.execute("ROLLBACK")
