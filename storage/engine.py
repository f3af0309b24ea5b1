"""Engine and session factory: SQLite (WAL, busy timeout, BEGIN IMMEDIATE) or PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.sqlite_driver import OneTripDBAPI

log = logging.getLogger(__name__)
SQLITE_BUSY_TIMEOUT_MS = 15_000
# PostgreSQL connections kept per process: a webhook handles 16 updates at once
# (bot/application.py), each with a transaction and then its prompt's; the scheduler, the
# outbox and the pages take the rest. Overflow connections are closed on return, so a pool
# smaller than the load connects again and again (bench/conversation.py: two processes went
# from 143–166 to 154–231 answers/s with 20 instead of 10).
POOL_SIZE = 20
PING = "SELECT 1"  # as text: a simple query, one round trip (asyncpg fails on an empty one)
_FRESH = "csat_fresh"  # a connection's record: made, not yet checked out
# BEGIN IMMEDIATE is tried this many times, each waiting up to the busy timeout: a transaction
# waits at most about a minute for SQLite's write lock, then fails as transient (is_transient).
SQLITE_BEGIN_ATTEMPTS = 4
# SQLSTATE classes and codes that say "not now" rather than "never": connection exceptions,
# transaction rollbacks (serialization, deadlock), insufficient resources, operator
# intervention (shutdown, "cannot connect now"), and a read-only transaction (a standby
# during fail-over).
TRANSIENT_SQLSTATE_CLASSES = ("08", "40", "53", "57")
TRANSIENT_SQLSTATES = ("25006", "55P03")
# SQLite's words for the same (its errors carry no SQLSTATE).
MAX_CAUSES = 10  # how far down an exception's chain of causes to look
TRANSIENT_SQLITE = ("database is locked", "readonly database", "disk i/o error", "unable to open")
# The execution option of ``reading``'s sessions: their transactions only read.
READ_ONLY = "csat_read_only"
READ_STATEMENTS = frozenset({"SELECT", "WITH", "BEGIN"})


class WriteWhileReading(RuntimeError):
    """A statement that is no read, sent in a ``reading`` transaction (rolled back: it would
    be lost)."""


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``url`` tuned for its backend."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise ValueError("use a SQLite file: an in-memory database is one connection only")
        # One trip to aiosqlite's thread per statement (sqlite_driver.py). check_same_thread
        # off: an answer's statements may run on the loop's thread (sqlite_driver.inline),
        # never two at once on one connection.
        kwargs.setdefault("module", OneTripDBAPI(begin_attempts=SQLITE_BEGIN_ATTEMPTS))
        connect_args = {"timeout": 30, "check_same_thread": False}
        engine = create_async_engine(url, connect_args=connect_args, **kwargs)
        _tune_sqlite(engine)
    else:
        kwargs.setdefault("pool_size", POOL_SIZE)
        engine = create_async_engine(url, **kwargs)
        if not kwargs.get("pool_pre_ping"):
            _ping_on_checkout(engine)
    _guard_reads(engine)
    return engine


def _ping_on_checkout(engine: AsyncEngine) -> None:
    """``pool_pre_ping`` in one round trip: asyncpg's ping through SQLAlchemy opens a
    transaction around its query (BEGIN, ``;``, ROLLBACK: three), and every transaction
    pays it, twice per answer. A connection just made is not pinged. A dead one (PostgreSQL
    restarted or failed over) makes the pool drop every connection older and connect anew,
    as pre-ping does."""

    @event.listens_for(engine.sync_engine, "connect")
    def _made(_dbapi_connection: Any, record: Any) -> None:
        record.info[_FRESH] = True

    @event.listens_for(engine.sync_engine, "checkout")
    def _ping(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if record.info.pop(_FRESH, False):
            return
        try:
            dbapi_connection.run_async(lambda connection: connection.execute(PING))
        except Exception as exc:
            log.info("a pooled connection is gone (%s); connecting anew", exc)
            raise sa_exc.InvalidatePoolError(str(exc)) from exc


def _guard_reads(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _only_reads(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            words = statement.lstrip().split(None, 1)
            if not words or words[0].upper() not in READ_STATEMENTS:
                raise WriteWhileReading(f"a reading transaction cannot run {statement[:60]!r}")


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            # Only reads: in WAL mode a deferred transaction holds no lock a writer waits for.
            connection.exec_driver_sql("BEGIN DEFERRED")
            return
        # A deferred transaction that later writes fails with SQLITE_BUSY without waiting;
        # the driver tries BEGIN IMMEDIATE again while the lock is taken (sqlite_driver.py).
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose objects stay readable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


def is_postgresql(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"


@asynccontextmanager
async def transaction(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One short transaction: commit on success, roll back on error."""
    async with sessions() as session, session.begin():
        yield session


@asynccontextmanager
async def reading(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A transaction that only reads, rolled back at the end. On SQLite it is deferred, so a
    long read (a report's million answers) never holds the write lock the bot's answers wait
    for; on both backends it sees the data as committed when it first read. A statement that
    would write raises ``WriteWhileReading`` instead of being lost in the rollback."""
    engine: AsyncEngine = sessions.kw["bind"]
    options: dict[str, Any] = {READ_ONLY: True}
    if is_postgresql(engine):
        # One snapshot for every statement of the transaction, as SQLite's read gives.
        options.update(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    reader = engine.execution_options(**options)
    async with AsyncSession(reader, expire_on_commit=False) as session:
        yield session  # closing the session rolls its transaction back


def is_transient(error: BaseException) -> bool:
    """Did the database fail for now (retrying later can succeed), not because of the data?

    A missing table or a too-long value is no such failure: retrying it changes nothing.
    """
    seen: BaseException | None = error
    for _ in range(MAX_CAUSES):
        if seen is None:
            return False
        if isinstance(seen, sa_exc.DBAPIError):
            if seen.connection_invalidated:
                return True
            state = str(getattr(seen.orig, "sqlstate", None) or "")
            if state.startswith(TRANSIENT_SQLSTATE_CLASSES) or state in TRANSIENT_SQLSTATES:
                return True
            if not state and isinstance(seen, sa_exc.OperationalError):
                message = str(seen.orig).lower()
                return any(words in message for words in TRANSIENT_SQLITE)
        if isinstance(seen, sa_exc.TimeoutError | ConnectionError | TimeoutError):
            return True  # pool exhausted, connection refused or reset, no answer in time
        seen = seen.__cause__ or seen.__context__
    return False
