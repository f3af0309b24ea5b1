"""storage.write_queue.queued_transaction: on SQLite a process's transactions begin one after
another in the order they asked, each the moment the one before ends; on PostgreSQL they run
side by side (its locks are per row)."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import ProcessedUpdate
from storage.write_queue import queued_transaction

pytestmark = pytest.mark.both_backends
COUNT = 12
HOLD = 0.05  # seconds each transaction keeps its turn


async def _write(
    sessions: async_sessionmaker[AsyncSession], n: int, log: list[tuple[str, int, float]]
) -> None:
    async with queued_transaction(sessions) as session:
        log.append(("begin", n, time.monotonic()))
        session.add(ProcessedUpdate(update_id=n))
        await session.flush()
        await asyncio.sleep(HOLD)  # the turn is kept across awaits, as an update's is
        log.append(("end", n, time.monotonic()))


async def _overlap(log: list[tuple[str, int, float]]) -> int:
    """The most transactions open at once."""
    open_, most = 0, 0
    for kind, _, _ in sorted(log, key=lambda entry: entry[2]):
        open_ += 1 if kind == "begin" else -1
        most = max(most, open_)
    return most


async def test_sqlite_takes_turns_first_come_first_served(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    log: list[tuple[str, int, float]] = []
    waiters = []
    for n in range(COUNT):
        waiters.append(asyncio.create_task(_write(sessions, n, log)))
        await asyncio.sleep(0)  # each asks for its turn before the next is made
    await asyncio.gather(*waiters)
    async with sessions() as session:
        stored = await session.scalar(text("SELECT count(*) FROM processed_updates"))
    assert stored == COUNT  # every one committed
    begun = [n for kind, n, _ in log if kind == "begin"]
    if sessions.kw["bind"].dialect.name == "sqlite":
        assert begun == list(range(COUNT))  # in the order asked
        assert await _overlap(log) == 1  # one at a time
        ends = {n: at for kind, n, at in log if kind == "end"}
        starts = {n: at for kind, n, at in log if kind == "begin"}
        # The next begins right after the one before ends: no poll of SQLite's busy handler
        # (its sleeps reach 100 ms) in between.
        gaps = [starts[n + 1] - ends[n] for n in range(COUNT - 1)]
        assert max(gaps) < HOLD
    else:
        assert await _overlap(log) > 1  # PostgreSQL: no queue


async def test_sqlite_turn_is_given_back_when_a_transaction_fails(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A transaction that raises rolls back and the next one still gets its turn."""
    with pytest.raises(ZeroDivisionError):
        async with queued_transaction(sessions) as session:
            session.add(ProcessedUpdate(update_id=1))
            await session.flush()
            _ = 1 / 0
    log: list[tuple[str, int, float]] = []
    await asyncio.wait_for(_write(sessions, 2, log), timeout=10)
    async with sessions() as session:
        ids = list(await session.scalars(text("SELECT update_id FROM processed_updates")))
    assert ids == [2]


@pytest.mark.sqlite_only
async def test_sqlite_waiters_never_meet_the_busy_handler(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Queued transactions issue BEGIN only once the one before has committed: none of them
    sees SQLite's write lock taken (each BEGIN IMMEDIATE returns at once)."""
    engine = sessions.kw["bind"]
    begins: list[float] = []

    @event.listens_for(engine.sync_engine, "begin")
    def _timed(connection: object) -> None:
        begins.append(time.monotonic())

    log: list[tuple[str, int, float]] = []
    await asyncio.gather(*(_write(sessions, n, log) for n in range(COUNT)))
    assert len(begins) == COUNT
    ends = sorted(at for kind, _, at in log if kind == "end")
    # Every BEGIN after the first happens after an earlier transaction ended.
    assert all(any(end <= at for end in ends) for at in sorted(begins)[1:])
