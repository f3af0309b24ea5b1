"""SQLAlchemy's aiosqlite driver with one trip to SQLite's thread per statement.

aiosqlite runs each sqlite3 call on the connection's own thread, and SQLAlchemy's adapter
makes one call per cursor step: a new cursor, execute, fetchall, close. That is four trips
for a SELECT and three for an INSERT, each a future, a wake-up of the event loop and a
greenlet switch; an answer's transaction took about 25 (bench/conversation.py). On SQLite,
where writers take the lock in turn, the trips are also time the lock is held while the busy
event loop serves other updates first. Here the cursor does the four steps in one function
on that thread, so a statement is one trip. Server-side cursors (streamed exports) fetch in
chunks and keep SQLAlchemy's own.

This is handed to SQLAlchemy as the dialect's DB-API module (``create_engine(module=...)``),
its documented way to replace a dialect's DBAPI; URLs stay ``sqlite+aiosqlite://``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)

# What one trip brings back: the cursor's description, its rows, lastrowid and rowcount.
Outcome = tuple[Any, list[Any], int | None, int]


def _run(connection: aiosqlite.Connection, operation: str, parameters: Any, many: bool) -> Outcome:
    """On the connection's thread: the whole cursor life of one statement."""
    cursor = connection._conn.cursor()  # aiosqlite's sqlite3 connection, on its own thread
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        if cursor.description:
            return cursor.description, cursor.fetchall(), -1, -1
        return None, [], cursor.lastrowid, cursor.rowcount
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """SQLAlchemy's aiosqlite cursor, each statement in one call on SQLite's thread."""

    __slots__ = ()

    def _trip(self, operation: str, parameters: Any, *, many: bool) -> None:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        try:
            outcome: Outcome = self.await_(
                connection._execute(_run, connection, operation, parameters, many)  # type: ignore[no-untyped-call]
            )
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        description, rows, lastrowid, rowcount = outcome
        self.description = description
        self._rows.clear()
        self._rows.extend(rows)
        self.lastrowid, self.rowcount = lastrowid, rowcount  # type: ignore[assignment]

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        self._trip(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        self._trip(operation, seq_of_parameters, many=True)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    def cursor(self, server_side: bool = False) -> AsyncAdapt_aiosqlite_cursor:
        return super().cursor(server_side) if server_side else OneTripCursor(self)


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """aiosqlite's DB-API adapter whose connections have one-trip cursors."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)
