"""One sending process for the rate-budget tests and bench/scale_out.py: the outbox dispatcher
through python-telegram-bot and our limiter with the budget ``CSAT_RATE_BUDGET_URL`` picks
(bot/rate_budget.py), as ``csat serve``'s scheduler sends, until the outbox is empty.

    python -m tests.bot.rate_worker DB_URL [BATCH]

It prints ``ready`` once it has imported everything, then runs one round per line read on
stdin, ``API_ROOT TOKEN BUDGET GROUP_LIMIT GROUP_PERIOD`` (BUDGET: a redis:// URL, ``local``,
or ``-`` for the default), so that every process starts at once and a process serves several
rounds (starting one takes seconds of imports). A round prints ``sent N`` once nothing is
pending. Rows of kind ``note`` go to their ``chat_id`` with the text ``note <dedupe key>``: a
repeat shows as a repeated text.
"""

from __future__ import annotations

import asyncio
import os
import sys

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import ExtBot

from bot.dispatch import Dispatcher
from bot.outgoing import Outgoing, Renderer, Skip
from bot.rate_budget import shared_budget
from bot.rate_limits import SlidingWindowRateLimiter
from storage import outbox
from storage.engine import create_engine, create_sessionmaker, transaction
from storage.models import OutboundMessage
from storage.types import utcnow
from survey.settings import Settings

NOTE = "note"
DEFAULT = "-"
BATCH = 10  # rows a claim takes: small, so that the processes' claims interleave
IDLE_PAUSE = 0.1  # seconds between two looks at an outbox whose rows other processes hold


async def render_note(session: AsyncSession, row: OutboundMessage, settings: Settings) -> Outgoing:
    if row.chat_id is None:
        raise Skip("no chat")
    return Outgoing(row.chat_id, f"note {row.dedupe_key}")


RENDERERS: dict[str, Renderer] = {NOTE: render_note}


def round_line(api_root: str, token: str, budget: str | None, group: tuple[int, float]) -> bytes:
    """The stdin line that starts a round."""
    return f"{api_root} {token} {budget or DEFAULT} {group[0]} {group[1]}\n".encode()


async def send_round(
    db_url: str, sessions: async_sessionmaker[AsyncSession], line: str, batch: int
) -> int:
    """Send the outbox through the bot and budget ``line`` names until nothing is pending."""
    api_root, token, budget, group_limit, group_period = line.split()
    settings = Settings(
        database_url=db_url,
        telegram_token=token,
        telegram_api_url=api_root,
        rate_budget_url=None if budget == DEFAULT else budget,
        _env_file=None,  # type: ignore[call-arg]
    )
    limiter = SlidingWindowRateLimiter(
        group_limit=int(group_limit),
        group_period=float(group_period),
        max_retries=5,
        shared=shared_budget(settings, sessions),
    )
    sent = 0
    async with ExtBot(token, base_url=f"{api_root}/bot", rate_limiter=limiter) as bot:
        dispatcher = Dispatcher(
            bot, sessions, settings, RENDERERS, worker=f"rate-{os.getpid()}", batch=batch
        )
        while True:
            sent += await dispatcher.dispatch(utcnow())
            if dispatcher.last_claimed:
                continue
            async with transaction(sessions) as session:
                if await outbox.pending_count(session) == 0:
                    return sent
            await asyncio.sleep(IDLE_PAUSE)


async def serve(db_url: str, batch: int) -> None:
    engine = create_engine(db_url)
    sessions = create_sessionmaker(engine)
    print("ready", flush=True)
    while line := (await asyncio.to_thread(sys.stdin.readline)).strip():
        print(f"sent {await send_round(db_url, sessions, line, batch)}", flush=True)
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else BATCH))
