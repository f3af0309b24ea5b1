"""storage.sqlite_driver: each statement is one trip to SQLite's thread, with the same rows,
counts, ids and errors as SQLAlchemy's own aiosqlite cursor; streamed results still stream."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import exc, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import create_engine
from storage.sqlite_driver import inline


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'trips.db'}")
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"))
        await conn.execute(text("INSERT INTO t (v) VALUES ('a'), ('b'), ('c')"))
    yield engine
    await engine.dispose()


def _count_trips(raw: Any) -> list[str]:
    """Note each call the aiosqlite connection runs on its thread."""
    aio = raw.driver_connection
    trips: list[str] = []
    run = aio._execute

    async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(getattr(fn, "__name__", repr(fn)))
        return await run(fn, *args, **kwargs)

    aio._execute = counted
    return trips


async def test_a_select_and_an_update_are_one_trip_each(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        await conn.begin()  # BEGIN IMMEDIATE: a trip of its own, before the count
        trips = _count_trips(await conn.get_raw_connection())
        rows = (await conn.execute(text("SELECT id, v FROM t ORDER BY id"))).all()
        assert [tuple(r) for r in rows] == [(1, "a"), (2, "b"), (3, "c")]
        assert len(trips) == 1, trips  # SQLAlchemy's own cursor: cursor, execute, fetch, close
        updated = await conn.execute(text("UPDATE t SET v = 'z' WHERE id >= 2"))
        assert updated.rowcount == 2
        assert len(trips) == 2, trips
        await conn.rollback()


async def test_ids_counts_and_many_rows_as_before(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        inserted = await conn.execute(text("INSERT INTO t (v) VALUES ('d')"))
        assert inserted.lastrowid == 4
        many = await conn.execute(
            text("INSERT INTO t (v) VALUES (:v)"), [{"v": "e"}, {"v": "f"}, {"v": "g"}]
        )
        assert many.rowcount == 3
        returned = await conn.execute(text("INSERT INTO t (v) VALUES ('h') RETURNING id, v"))
        assert tuple(returned.one()) == (8, "h")
        empty = await conn.execute(text("SELECT v FROM t WHERE id > 100"))
        assert empty.all() == []
    async with engine.connect() as conn:
        values = (await conn.execute(text("SELECT v FROM t ORDER BY id"))).scalars().all()
    assert values == list("abcdefgh")


async def test_errors_are_sqlalchemys_and_leave_the_connection_usable(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        with pytest.raises(exc.IntegrityError):
            await conn.execute(text("INSERT INTO t (id, v) VALUES (1, 'again')"))
        await conn.rollback()
        with pytest.raises(exc.OperationalError, match="no such table"):
            await conn.execute(text("SELECT * FROM missing"))
        await conn.rollback()
        assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar() == 3


async def test_streamed_results_still_arrive_in_chunks(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        rows = [{"v": str(n)} for n in range(500)]
        await conn.execute(text("INSERT INTO t (v) VALUES (:v)"), rows)
    async with engine.connect() as conn:
        result = await conn.stream(text("SELECT id FROM t ORDER BY id"))
        chunks = [len(chunk) async for chunk in result.partitions(100)]
    assert chunks == [100] * 5 + [3]


async def test_begin_rides_with_the_first_statement(engine: AsyncEngine) -> None:
    """BEGIN IMMEDIATE makes no trip of its own; a transaction where nothing ran, none."""
    async with engine.connect() as conn:
        trips = _count_trips(await conn.get_raw_connection())
        async with conn.begin():
            await conn.execute(text("UPDATE t SET v = 'x' WHERE id = 1"))
        assert len(trips) == 2, trips  # BEGIN + UPDATE, then COMMIT
        async with conn.begin():
            pass
        assert len(trips) == 2, trips
        async with conn.begin():
            assert (await conn.execute(text("SELECT v FROM t WHERE id = 1"))).scalar() == "x"
            await conn.rollback()
        assert len(trips) == 4, trips


async def test_the_kept_begin_takes_the_write_lock(engine: AsyncEngine, tmp_path: Path) -> None:
    """The transaction is immediate from its first statement: another connection cannot
    begin a write until it ends (a deferred one would let it)."""
    rival = sqlite3.connect(tmp_path / "trips.db", timeout=0.05, isolation_level=None)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("SELECT 1"))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                rival.execute("BEGIN IMMEDIATE")
        rival.execute("BEGIN IMMEDIATE")  # free again once it ended
        rival.execute("ROLLBACK")
    finally:
        rival.close()


async def test_a_stream_in_a_transaction_begins_it(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        result = await conn.stream(text("SELECT v FROM t ORDER BY id"))
        assert [row.v async for row in result] == ["a", "b", "c"]
        await conn.execute(text("INSERT INTO t (v) VALUES ('d')"))
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar() == 4


async def test_inline_statements_after_the_first_make_no_trip(engine: AsyncEngine) -> None:
    """The first statement carries BEGIN IMMEDIATE (it may wait for the lock) and COMMIT
    ends the transaction on the thread; the statements between run on the caller's."""
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        trips = _count_trips(raw)
        async with conn.begin():
            with inline(raw.dbapi_connection):
                await conn.execute(text("UPDATE t SET v = 'x' WHERE id = 1"))
                assert len(trips) == 1
                assert (await conn.execute(text("SELECT v FROM t WHERE id = 1"))).scalar() == "x"
                await conn.execute(text("INSERT INTO t (v) VALUES ('d')"))
                with pytest.raises(exc.IntegrityError):  # an error inline is SQLAlchemy's too
                    await conn.execute(text("INSERT INTO t (id, v) VALUES (1, 'again')"))
                assert len(trips) == 1, trips
        assert len(trips) == 2, trips  # and COMMIT
    async with engine.connect() as conn:
        values = (await conn.execute(text("SELECT v FROM t ORDER BY id"))).scalars().all()
    assert values == ["x", "b", "c", "d"]
