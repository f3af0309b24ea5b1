"""SQLite's write lock under contention: a transaction waits for it within a bounded time
(storage/engine.py), instead of failing when one busy timeout runs out."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import (
    SQLITE_BEGIN_ATTEMPTS,
    WriteWhileReading,
    create_engine,
    create_sessionmaker,
    is_transient,
    reading,
    transaction,
)

BUSY_MS = 200  # the tests' busy timeout: short, so that waiting past it takes little time


def _short_busy_timeout(engine: AsyncEngine) -> AsyncEngine:
    """Our engine, with a busy timeout of BUSY_MS set after storage/engine.py's own."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        cursor.close()

    return engine


async def _contend(path: Path, hold: float) -> float:
    """One transaction keeps the write lock ``hold`` seconds while another writes; how long
    the other one took."""
    url = f"sqlite+aiosqlite:///{path}"
    holding, waiting = create_engine(url), _short_busy_timeout(create_engine(url))
    try:
        async with transaction(create_sessionmaker(holding)) as session:
            await session.execute(text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
        locked = asyncio.Event()

        async def holder() -> None:
            async with transaction(create_sessionmaker(holding)) as session:
                await session.execute(text("INSERT INTO t VALUES (1)"))
                locked.set()
                await asyncio.sleep(hold)

        async def writer() -> float:
            await locked.wait()
            started = time.monotonic()
            try:
                async with transaction(create_sessionmaker(waiting)) as session:
                    await session.execute(text("INSERT INTO t VALUES (2)"))
            except OperationalError:
                # Gave up while the lock was still held, after trying more than once.
                assert BUSY_MS / 1000 * 2 < time.monotonic() - started < hold
                raise
            return time.monotonic() - started

        # Both to the end: the holder still has its connection when the writer gives up.
        held, took = await asyncio.gather(holder(), writer(), return_exceptions=True)
        for outcome in (held, took):
            if isinstance(outcome, BaseException):
                raise outcome
        assert isinstance(took, float)
        return took
    finally:
        await holding.dispose()
        await waiting.dispose()


async def test_a_writer_waits_past_one_busy_timeout(tmp_path: Path) -> None:
    took = await _contend(tmp_path / "db", hold=BUSY_MS / 1000 * 2)
    assert BUSY_MS / 1000 < took < BUSY_MS / 1000 * SQLITE_BEGIN_ATTEMPTS


async def test_the_wait_is_bounded_and_its_failure_transient(tmp_path: Path) -> None:
    hold = BUSY_MS / 1000 * (SQLITE_BEGIN_ATTEMPTS + 4)
    with pytest.raises(OperationalError) as failure:
        await _contend(tmp_path / "db", hold=hold)
    assert "database is locked" in str(failure.value)
    assert is_transient(failure.value)


async def test_a_reading_transaction_holds_no_lock_a_writer_waits_for(tmp_path: Path) -> None:
    """``reading`` begins deferred: a writer commits at once while it is open, and it goes
    on seeing the data as it was when it first read (WAL's snapshot)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'db'}"
    reader, writer = create_engine(url), _short_busy_timeout(create_engine(url))
    try:
        async with transaction(create_sessionmaker(writer)) as session:
            await session.execute(text("CREATE TABLE t (x INTEGER)"))
            await session.execute(text("INSERT INTO t VALUES (1)"))
        async with reading(create_sessionmaker(reader)) as read:
            assert await read.scalar(text("SELECT count(*) FROM t")) == 1
            started = time.monotonic()
            async with transaction(create_sessionmaker(writer)) as session:
                await session.execute(text("INSERT INTO t VALUES (2)"))
            assert time.monotonic() - started < BUSY_MS / 1000  # never waited for a lock
            assert await read.scalar(text("SELECT count(*) FROM t")) == 1
        async with reading(create_sessionmaker(reader)) as read:
            assert await read.scalar(text("SELECT count(*) FROM t")) == 2
    finally:
        await reader.dispose()
        await writer.dispose()


async def test_without_reading_the_same_read_holds_the_write_lock(tmp_path: Path) -> None:
    """The contrast: the engine's ordinary transaction begins IMMEDIATE, so the writer waits
    past its busy timeout and gives up while a plain read is open."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'db'}"
    reader, writer = create_engine(url), _short_busy_timeout(create_engine(url))
    try:
        async with transaction(create_sessionmaker(writer)) as session:
            await session.execute(text("CREATE TABLE t (x INTEGER)"))
        async with transaction(create_sessionmaker(reader)) as read:
            await read.scalar(text("SELECT count(*) FROM t"))
            with pytest.raises(OperationalError, match="database is locked"):
                async with transaction(create_sessionmaker(writer)) as session:
                    await session.execute(text("INSERT INTO t VALUES (2)"))
    finally:
        await reader.dispose()
        await writer.dispose()


@pytest.mark.parametrize("statement", ["INSERT INTO t VALUES (3)", "UPDATE t SET x = 4"])
async def test_a_reading_transaction_refuses_to_write(tmp_path: Path, statement: str) -> None:
    """A write in ``reading`` would be rolled back unseen: it raises before it is sent."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'db'}"
    engine = create_engine(url)
    try:
        async with transaction(create_sessionmaker(engine)) as session:
            await session.execute(text("CREATE TABLE t (x INTEGER)"))
            await session.execute(text("INSERT INTO t VALUES (1)"))
        async with reading(create_sessionmaker(engine)) as read:
            with pytest.raises(WriteWhileReading):
                await read.execute(text(statement))
        async with transaction(create_sessionmaker(engine)) as session:
            assert await session.scalar(text("SELECT group_concat(x) FROM t")) == "1"
            await session.execute(text(statement))  # an ordinary transaction writes
    finally:
        await engine.dispose()
