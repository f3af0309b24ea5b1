"""The live prompt's message id, kept by group commit.

The id of the message carrying a chat's keyboard is known only once Telegram took it, after
the update's own transaction. Writing it in a transaction of its own per update made it the
second write of every answer; on SQLite, one writer at a time, that doubled the turns at the
write lock. Ids noted while one batch is being written go together in the next one: one
executemany UPDATE for every chat waiting. Each caller still returns only once its id is
committed (or with the batch's error), so the webhook answers after it as before.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.sessions import remember_prompts
from storage.write_queue import queued_transaction


class PromptIds:
    """Writes the chats' prompt ids in batches, one batch at a time."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._pending: dict[int, int] = {}  # Telegram user id -> newest prompt's message id
        self._waiters: list[asyncio.Future[None]] = []
        self._writer: asyncio.Task[None] | None = None

    async def remember(self, user_id: int, message_id: int) -> None:
        """Note ``message_id`` as the chat's prompt; returns once that is committed."""
        if self._pending.get(user_id, 0) < message_id:
            self._pending[user_id] = message_id
        done = asyncio.get_running_loop().create_future()
        self._waiters.append(done)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        await done

    async def _write(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, {}
            waiters, self._waiters = self._waiters, []
            try:
                async with queued_transaction(self._sessions) as session:
                    await remember_prompts(session, batch)
            except asyncio.CancelledError:  # shutting down: nobody waits for ever
                for waiter in [*waiters, *self._waiters]:
                    waiter.cancel()
                raise
            except Exception as exc:  # each caller's update fails as it would alone
                _settle(waiters, exc)
            else:
                _settle(waiters, None)


def _settle(waiters: list[asyncio.Future[None]], error: Exception | None) -> None:
    for waiter in waiters:
        if waiter.done():  # its caller was cancelled
            continue
        if error is None:
            waiter.set_result(None)
        else:
            waiter.set_exception(error)
