"""SQLAlchemy's aiosqlite driver with one trip to SQLite's thread per statement.

aiosqlite runs each sqlite3 call on the connection's own thread, and SQLAlchemy's adapter
makes one call per cursor step: a new cursor, execute, fetchall, close. That is four trips
for a SELECT and three for an INSERT, each a future, a wake-up of the event loop and a
greenlet switch; an answer's transaction took about 25 (bench/conversation.py). On SQLite,
where writers take the lock in turn, the trips are also time the lock is held while the busy
event loop serves other updates first. Here the cursor does the four steps in one function
on that thread, so a statement is one trip. Server-side cursors (streamed exports) fetch in
chunks and keep SQLAlchemy's own.

BEGIN makes no trip of its own either: it is kept and run, in the same trip, before the
transaction's first statement (a transaction in which nothing ran commits or rolls back with
no trip at all). BEGIN IMMEDIATE there is tried again, a bounded number of times, when the
busy timeout runs out: the busy timeout is no queue (a waiting connection polls with growing
sleeps, up to 100 ms, and a writer arriving in between takes the lock first), so on a loaded
machine one transaction could lose every race for the whole timeout although each holder
keeps the lock only briefly (seen in ``csat demo``). Another try polls afresh; nothing has
run in the transaction yet, so beginning again is safe.

This is handed to SQLAlchemy as the dialect's DB-API module (``create_engine(module=...)``),
its documented way to replace a dialect's DBAPI; URLs stay ``sqlite+aiosqlite://``.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections import deque
from collections.abc import Iterator
from typing import Any, Final

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)

log = logging.getLogger(__name__)
BEGINS: Final = frozenset({"BEGIN", "BEGIN DEFERRED", "BEGIN IMMEDIATE"})
LOCKED: Final = "database is locked"

# What one trip brings back: the cursor's description, its rows, lastrowid and rowcount.
Outcome = tuple[Any, list[Any], int | None, int]


def _begin(connection: sqlite3.Connection, statement: str, attempts: int) -> None:
    """On the connection's thread: BEGIN, tried ``attempts`` times while the lock is taken."""
    for attempt in range(1, attempts + 1):
        try:
            connection.execute(statement)
            return
        except sqlite3.OperationalError as exc:
            if attempt == attempts or LOCKED not in str(exc).lower():
                raise
            log.warning("SQLite write lock still taken (try %d): waiting again", attempt)


def _run(
    connection: sqlite3.Connection,
    begin: tuple[str, int] | None,
    operation: str,
    parameters: Any,
    many: bool,
) -> Outcome:
    """The whole cursor life of one statement, after ``begin`` (a kept BEGIN and its
    attempts) when there is one."""
    if begin is not None:
        _begin(connection, *begin)
    cursor = connection.cursor()
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


async def _here(connection: sqlite3.Connection, operation: str, parameters: Any) -> Outcome:
    """A statement on the event loop's thread. A coroutine that never suspends: awaiting it
    returns at once, with no pass through the loop, and SQLAlchemy sees the await it asks of
    every async statement (AwaitRequired otherwise)."""
    return _run(connection, None, operation, parameters, False)


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """SQLAlchemy's aiosqlite cursor, each statement in one call on SQLite's thread."""

    __slots__ = ()

    def _trip(self, operation: str, parameters: Any, *, many: bool) -> None:
        adapted: OneTripConnection = self._adapt_connection  # type: ignore[assignment]
        if not many and not parameters and operation.strip().upper() in BEGINS:
            adapted.begin = operation  # run with the transaction's first statement
            self.description, self.lastrowid, self.rowcount = None, -1, -1
            return
        begin, adapted.begin = adapted.begin, None
        aio: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        conn = aio._conn  # the sqlite3 connection, used on its thread (or inline, below)
        if adapted.inline and begin is None and not many:
            call = _here(conn, operation, parameters)
        else:
            kept = None if begin is None else (begin, adapted.dbapi.begin_attempts)
            call = aio._execute(_run, conn, kept, operation, parameters, many)  # type: ignore[no-untyped-call]
        try:
            outcome: Outcome = self.await_(call)
        except Exception as error:
            adapted._handle_exception(error)
        description, rows, self.lastrowid, self.rowcount = outcome  # type: ignore[assignment]
        self.description = description
        self._rows = deque(rows)

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        self._trip(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        self._trip(operation, seq_of_parameters, many=True)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """The adapted connection, with one-trip cursors and a BEGIN kept for the next trip."""

    __slots__ = ("begin", "inline")

    def __init__(self, dbapi: OneTripDBAPI, connection: aiosqlite.Connection) -> None:
        super().__init__(dbapi, connection)  # type: ignore[arg-type]
        self.dbapi: OneTripDBAPI = dbapi
        self.begin: str | None = None
        # Statements run on the event loop's own thread, no trip at all (``inline``).
        self.inline = False

    def cursor(self, server_side: bool = False) -> AsyncAdapt_aiosqlite_cursor:
        if server_side and self.begin is not None:  # its trips are SQLAlchemy's own
            self.begin_now()
        return super().cursor(server_side) if server_side else OneTripCursor(self)

    def begin_now(self) -> None:
        """Run the kept BEGIN in a trip of its own."""
        assert self.begin is not None
        begin, self.begin = self.begin, None
        aio: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        try:
            self.await_(aio._execute(_begin, aio._conn, begin, self.dbapi.begin_attempts))  # type: ignore[no-untyped-call]
        except Exception as error:
            self._handle_exception(error)

    def commit(self) -> None:
        if self.begin is None:
            super().commit()
        self.begin = None  # else nothing ran: there is nothing to commit

    def rollback(self) -> None:
        if self.begin is None:
            super().rollback()
        self.begin = None


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """aiosqlite's DB-API adapter whose connections make one trip per statement; BEGIN
    IMMEDIATE is tried ``begin_attempts`` times while another connection holds the lock."""

    def __init__(self, begin_attempts: int = 1) -> None:
        super().__init__(aiosqlite, sqlite3)
        self.begin_attempts = begin_attempts

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)  # type: ignore[arg-type]


@contextlib.contextmanager
def inline(dbapi_connection: Any) -> Iterator[None]:
    """Within, the connection's statements run on the calling thread: for a transaction
    that holds SQLite's write lock and runs a few short, indexed statements (an answer).

    A trip to aiosqlite's thread costs two passes through the event loop's queue of ready
    callbacks, and while a transaction holds the write lock every other writer waits; under
    load the lock was taken 94 % of the time, 5.6 ms per transaction, most of it waiting for
    the busy loop (bench/conversation.py). Its first statement, which carries BEGIN
    IMMEDIATE and may wait for another connection's lock, and its COMMIT still go to the
    thread, as does every executemany. Anything else is a no-op here."""
    if not isinstance(dbapi_connection, OneTripConnection):
        yield
        return
    dbapi_connection.inline = True
    try:
        yield
    finally:
        dbapi_connection.inline = False
