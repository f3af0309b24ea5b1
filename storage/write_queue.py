"""Transactions of the answer path taking SQLite's write lock in turn within a process.

On SQLite every transaction begins with BEGIN IMMEDIATE (storage/engine.py), so only one at a
time runs anyway. Left to SQLite, the others wait in its busy handler, which is no queue: each
polls with sleeps of up to 100 ms and whoever polls first after a commit wins, so with dozens
of people answering at once some lose every race for the whole busy timeout (seen in
bench/conversation.py: 15-second waits at 200 respondents). Here they wait in a FIFO asyncio
lock instead and start the moment the one before ends. Another process still meets the busy
handler; PostgreSQL needs no queue (its locks are per row).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.engine import transaction
from storage.sqlite_driver import inline

# One lock per engine and event loop (a lock belongs to the loop it was first awaited in).
_TURNS: weakref.WeakKeyDictionary[Any, weakref.WeakKeyDictionary[Any, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def _sqlite(sessions: async_sessionmaker[AsyncSession]) -> Any | None:
    """The engine of ``sessions`` when it is SQLite's (no queue is needed otherwise)."""
    bind = sessions.kw.get("bind")
    return bind if bind is not None and bind.dialect.name == "sqlite" else None


def _turn(engine: Any) -> asyncio.Lock:
    """The lock of this engine and event loop."""
    locks = _TURNS.get(engine.sync_engine)
    if locks is None:  # not setdefault: its default would be made anew for every transaction
        locks = _TURNS[engine.sync_engine] = weakref.WeakKeyDictionary()
    loop = asyncio.get_running_loop()
    lock = locks.get(loop)
    if lock is None:
        lock = locks[loop] = asyncio.Lock()
    return lock


@asynccontextmanager
async def queued_transaction(
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """``storage.engine.transaction``, begun only when this process's SQLite transactions
    before it have ended. Never open another one inside it on the same database: it would
    wait for this one forever."""
    engine = _sqlite(sessions)
    if engine is None:
        async with transaction(sessions) as session:
            yield session
        return
    async with _turn(engine), transaction(sessions) as session:
        raw = await (await session.connection()).get_raw_connection()
        with inline(raw.dbapi_connection):  # its statements after the first: no thread trip
            yield session
