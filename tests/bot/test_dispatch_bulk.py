"""The dispatcher marks its sends as bulk: through PTB's ExtBot and our limiter they are held
to the overall window, while a reply (a press answered) is not."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import ExtBot

from bot.dispatch import Dispatcher
from bot.outgoing import Outgoing, Renderer, Skip
from bot.rate_limits import SlidingWindowRateLimiter
from simulator import BotApiSimulator, Limits
from storage import outbox
from storage.models import OutboundMessage
from survey.settings import Settings
from tests.support import make_settings

GROUPS = [-100_4240 - n for n in range(4)]
NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


async def render_note(session: AsyncSession, row: OutboundMessage, settings: Settings) -> Outgoing:
    if row.chat_id is None:
        raise Skip("no chat")
    return Outgoing(row.chat_id, f"note {row.dedupe_key}")


RENDERERS: dict[str, Renderer] = {"note": render_note}


async def test_bulk_sends_wait_for_the_overall_window_a_reply_does_not(
    db_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with BotApiSimulator(limits=Limits.unlimited()) as sim:
        async with sessions() as session, session.begin():
            for n, group in enumerate(GROUPS):  # four chats: the dispatcher sends them at once
                sim.group(group, f"Staff {n}")
                await outbox.enqueue(
                    session, kind="note", dedupe_key=f"note:{n}", chat_id=group, not_before=NOW
                )
        limiter = SlidingWindowRateLimiter(overall_limit=2, overall_period=1.0)
        async with ExtBot(sim.token, base_url=sim.base_url, rate_limiter=limiter) as bot:
            dispatcher = Dispatcher(
                bot, sessions, make_settings(db_url, sim), RENDERERS, worker="w"
            )
            began = time.monotonic()
            sending = asyncio.create_task(dispatcher.dispatch(NOW))
            await asyncio.sleep(0.3)  # two notes sent, the window full until ~1 s after them
            await bot.send_message(GROUPS[0], "a reply to a press")  # no marker: not held back
            replied = time.monotonic() - began
            assert await sending == 4
            took = time.monotonic() - began
        notes = sorted(c.at for c in sim.calls("sendMessage") if c.ok)
    assert len(notes) == 5
    assert replied < 0.8  # the reply did not wait for the window
    assert took >= 1.0  # the third note waited for the first one's slot
