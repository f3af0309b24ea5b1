"""The outbox: queued once, claimed by one worker, finished only by its claimant."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import outbox
from storage.engine import create_engine, create_sessionmaker, transaction
from storage.models import OutboundMessage

NOW = datetime(2026, 11, 23, 2, tzinfo=UTC)


async def _queue(sessions: async_sessionmaker[AsyncSession], count: int) -> None:
    async with transaction(sessions) as session:
        for n in range(count):
            await outbox.enqueue(
                session, kind="reminder", dedupe_key=f"reminder:{n}:1", chat_id=n, not_before=NOW
            )


async def test_the_same_key_is_queued_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(sessions) as session:
        first = await outbox.enqueue(session, kind="alert", dedupe_key="alert:1", chat_id=5)
        again = await outbox.enqueue(session, kind="alert", dedupe_key="alert:1", chat_id=5)
        count = await session.scalar(select(func.count()).select_from(OutboundMessage))
    assert (first, again, count) == (True, False, 1)


async def test_messages_are_not_claimed_before_they_are_due(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _queue(sessions, 2)
    async with transaction(sessions) as session:
        early = await outbox.claim_due(session, worker="w1", now=NOW - timedelta(seconds=1))
        due = await outbox.claim_due(session, worker="w1", now=NOW)
    assert early == [] and [row.chat_id for row in due] == [0, 1]


async def test_a_claimed_message_is_not_claimed_again_until_its_lease_ends(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _queue(sessions, 1)
    async with transaction(sessions) as session:
        (row,) = await outbox.claim_due(session, worker="w1", now=NOW)
    async with transaction(sessions) as session:
        assert await outbox.claim_due(session, worker="w2", now=NOW + timedelta(seconds=1)) == []
    later = NOW + outbox.DEFAULT_LEASE + timedelta(seconds=1)
    async with transaction(sessions) as session:
        (again,) = await outbox.claim_due(session, worker="w2", now=later)
    async with transaction(sessions) as session:
        # The first worker lost its lease: it may no longer finish the row.
        assert not await outbox.mark_sent(session, row.id, worker="w1", telegram_message_id=7)
        assert await outbox.mark_sent(session, again.id, worker="w2", telegram_message_id=8)
        stored = await session.get(OutboundMessage, row.id)
    assert stored is not None
    assert (stored.state, stored.message_id, stored.attempts) == ("sent", 8, 2)


async def test_retry_later_gives_the_message_back_after_the_wait(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _queue(sessions, 1)
    async with transaction(sessions) as session:
        (row,) = await outbox.claim_due(session, worker="w1", now=NOW)
        assert await outbox.retry_later(
            session, row.id, worker="w1", error="429", not_before=NOW + timedelta(seconds=5)
        )
    async with transaction(sessions) as session:
        assert await outbox.claim_due(session, worker="w1", now=NOW + timedelta(seconds=4)) == []
        (again,) = await outbox.claim_due(session, worker="w2", now=NOW + timedelta(seconds=5))
        assert again.id == row.id and again.error == "429"
        assert await outbox.mark_failed(session, again.id, worker="w2", error="blocked")
        assert await outbox.pending_count(session) == 0


async def test_two_processes_claiming_at_once_share_the_work(db_url: str) -> None:
    """Two engines (two processes' pools) claim concurrently: every row goes to one of them."""
    engines = [create_engine(db_url), create_engine(db_url)]
    try:
        makers = [create_sessionmaker(engine) for engine in engines]
        await _queue(makers[0], 60)

        async def claim(maker: async_sessionmaker[AsyncSession], worker: str) -> list[int]:
            claimed: list[int] = []
            for _ in range(6):
                async with transaction(maker) as session:
                    rows = await outbox.claim_due(session, worker=worker, now=NOW, limit=10)
                    claimed += [row.id for row in rows]
                await asyncio.sleep(0)
            return claimed

        first, second = await asyncio.gather(claim(makers[0], "w1"), claim(makers[1], "w2"))
    finally:
        for engine in engines:
            await engine.dispose()
    assert not set(first) & set(second)
    assert len(first) + len(second) == 60
