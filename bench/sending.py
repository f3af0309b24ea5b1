"""Send a campaign's invitations and reminders through the outbox to the Bot API simulator,
which enforces Telegram's limits (30 msg/s overall, 1/s per chat), and print the figures.

    .venv/bin/python bench/sending.py [respondents]

What it shows: the dispatcher's throughput against the 30/s ceiling, that no message is
refused with 429 or sent twice, and how long claiming due reminders takes.
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

# Run as a script from the repository root: make the project's packages importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select
from telegram.ext import AIORateLimiter, ExtBot

from bot.dispatch import Dispatcher, default_renderers
from campaigns.planning import apply_plan
from cli.demo_seed import seed_population
from scoring.sampling import SamplingRules
from simulator import BotApiSimulator
from storage.campaigns import create_campaign
from storage.engine import create_engine, create_sessionmaker, transaction
from storage.migrate import upgrade_async
from storage.models import OutboundMessage
from storage.outbox import pending_count
from storage.reminders import ReminderPolicy, plan_reminders, send_invitations
from storage.surveys import latest_survey_row
from storage.types import utcnow
from survey.settings import Settings


async def main(count: int) -> None:
    url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp(prefix='csat-bench-')) / 'db'}"
    await upgrade_async(url)
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    population = await seed_population(sessions, "ecss-5", count, random.Random(7))
    async with BotApiSimulator() as sim:  # Telegram's default limits
        for chat_id in population.chat_ids.values():
            await sim.user(chat_id).send_text("/help")  # the bot may write to them
        settings = Settings(
            database_url=url,
            telegram_token=sim.token,
            telegram_api_url=sim.api_root,
            bot_username="csat_bench_bot",
            _env_file=None,  # type: ignore[call-arg]
        )
        policy = ReminderPolicy.from_settings(settings)
        now = utcnow()
        async with transaction(sessions) as session:
            row = await latest_survey_row(session, population.survey_key)
            assert row is not None
            campaign = await create_campaign(session, key="bench", survey_row=row)
            await apply_plan(session, campaign, SamplingRules(all_customers=True), seed=1)
            batch = await send_invitations(session, campaign, now=now, policy=policy)
        print(
            f"respondents {count}: {batch.queued} invitations queued for chat, "
            f"{len(batch.handoff)} deep links for account owners"
        )

        bot = ExtBot(
            settings.token or "",
            base_url=f"{settings.telegram_api_url}/bot",
            rate_limiter=AIORateLimiter(max_retries=5),
        )
        async with bot:
            sent = await _drain(
                Dispatcher(bot, sessions, settings, default_renderers(), worker="b"), sessions, now
            )
            print(
                f"invitations: {sent['sent']} sent in {sent['seconds']:.1f} s "
                f"= {sent['sent'] / sent['seconds']:.1f} msg/s (Telegram's ceiling: 30)"
            )

            later = now + timedelta(days=7)
            started = time.perf_counter()
            async with transaction(sessions) as session:
                queued = await plan_reminders(session, now=later, policy=policy, limit=count)
            claim = time.perf_counter() - started
            print(f"reminders: {queued} claimed and queued in {claim * 1000:.0f} ms")
            sent = await _drain(
                Dispatcher(bot, sessions, settings, default_renderers(), worker="b"),
                sessions,
                later,
            )
            print(
                f"reminders: {sent['sent']} sent in {sent['seconds']:.1f} s "
                f"= {sent['sent'] / sent['seconds']:.1f} msg/s"
            )

        calls = [c for c in sim.calls("sendMessage")]
        refused = Counter(c.error_code for c in calls if not c.ok)
        per_chat = Counter(c.params.get("chat_id") for c in calls if c.ok)
        async with transaction(sessions) as session:
            states = dict(
                (
                    await session.execute(
                        select(OutboundMessage.state, func.count()).group_by(OutboundMessage.state)
                    )
                ).all()
            )
        print(
            f"sendMessage calls: {len(calls)}, refused by the simulator: {dict(refused) or 0}; "
            f"outbox: {states}; most messages to one chat: {max(per_chat.values())}"
        )
    await engine.dispose()


async def _drain(dispatcher: Dispatcher, sessions, now) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Dispatch until the outbox is empty, the clock running from ``now``."""
    started = time.perf_counter()
    sent = 0
    while True:
        sent += await dispatcher.dispatch(now + timedelta(seconds=time.perf_counter() - started))
        async with transaction(sessions) as session:
            if await pending_count(session) == 0:
                break
    return {"sent": sent, "seconds": time.perf_counter() - started}


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 600))
