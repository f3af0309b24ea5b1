"""bot.prompt_ids.PromptIds: the live prompt's message id of every chat that noted one while a
batch was written goes in one transaction; each caller returns once its id is committed, and
an older id never replaces a newer one."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.prompt_ids import PromptIds
from storage.engine import create_engine, create_sessionmaker, transaction
from storage.models import ChatSession
from storage.sessions import lock_chat_session

pytestmark = pytest.mark.both_backends
USERS = (501, 502, 503)


async def _chats(sessions: async_sessionmaker[AsyncSession]) -> dict[int, int | None]:
    async with sessions() as session:
        rows = await session.execute(
            select(ChatSession.telegram_user_id, ChatSession.prompt_message_id)
        )
        return {user: prompt for user, prompt in rows.tuples()}


async def test_ids_noted_together_are_committed_in_one_transaction(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(sessions) as session:
        for user in USERS:
            await lock_chat_session(session, user)
    commits: list[int] = []
    engine = sessions.kw["bind"]
    event.listen(engine.sync_engine, "commit", lambda connection: commits.append(1))
    ids = PromptIds(sessions)
    # The first call starts the writer; the others are noted before it runs.
    await asyncio.gather(
        ids.remember(501, 10), ids.remember(502, 20), ids.remember(501, 12), ids.remember(501, 11)
    )
    assert len(commits) == 1
    assert await _chats(sessions) == {501: 12, 502: 20, 503: None}
    # Returned: committed (read from another session). An older id, late, changes nothing.
    await ids.remember(502, 5)
    await ids.remember(503, 7)
    assert await _chats(sessions) == {501: 12, 502: 20, 503: 7}
    assert len(commits) == 3


async def test_ids_noted_while_a_batch_is_written_go_in_the_next(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(sessions) as session:
        for user in USERS:
            await lock_chat_session(session, user)
    ids = PromptIds(sessions)
    first = asyncio.create_task(ids.remember(501, 30))
    await asyncio.sleep(0)  # the writer has taken 501's batch
    later = [asyncio.create_task(ids.remember(u, 40 + u)) for u in (502, 503)]
    await asyncio.gather(first, *later)
    assert await _chats(sessions) == {501: 30, 502: 542, 503: 543}


@pytest.mark.sqlite_only
async def test_a_failed_batch_fails_each_of_its_callers(database_url: str, tmp_path: Path) -> None:
    """A database without the table: every caller of the batch gets the error (its update is
    then handled as any failed update); the next batch is tried afresh."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    try:
        ids = PromptIds(create_sessionmaker(engine))
        results = await asyncio.gather(
            ids.remember(501, 1), ids.remember(502, 2), return_exceptions=True
        )
        assert all(isinstance(r, OperationalError) for r in results)
        with pytest.raises(OperationalError, match="no such table"):
            await ids.remember(503, 3)
    finally:
        await engine.dispose()
