"""One rate budget across processes (issue 12 part 2): the shared windows in PostgreSQL and in
Redis, the limiter over them, and 2 and 3 real sending processes on one PostgreSQL database
against the Bot API simulator, which records when each message arrived: 0 violations of
30/s overall, 1/s per private chat and 20 a (scaled) minute per group, nothing lost or doubled.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
import time
from asyncio.subprocess import PIPE
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import ExtBot

from bot.application import build_application
from bot.rate_budget import shared_budget
from bot.rate_limits import BULK, SlidingWindowRateLimiter
from simulator import BotApiSimulator, Limits
from simulator.limits import FloodRules, count_violations, over_limit
from storage import outbox
from storage.engine import create_engine, create_sessionmaker
from storage.models import OutboundMessage
from storage.rate_budget import OVERALL, PostgresBudget, SharedBudget, Window
from storage.rate_budget_redis import RedisBudget
from survey.settings import Settings
from survey.vocabulary import OutboxState
from tests.bot.rate_worker import NOTE, round_line
from tests.support import make_settings

pytestmark = pytest.mark.postgresql_only
REDIS_URL = os.environ.get("CSAT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parents[2]
# A group's 20 a minute scaled down so that the tests take seconds, and below the chat's one
# a second (2 in 3 s), or the chat's pace alone would keep it.
GROUP_RULE = (2, 3.0)
GROUP = -100_9001
GROUPS = [-100_9100 - n for n in range(4)]
USERS = list(range(7_001, 7_021))  # 20 private chats


def fresh_token() -> str:
    """A bot of its own per test: its id names the budget, so tests never share slots."""
    return f"{secrets.randbelow(10**9) + 10**9}:TEST-{secrets.token_hex(4)}"


@pytest.fixture(params=["postgresql", "redis"])
async def budget(
    request: pytest.FixtureRequest, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[SharedBudget]:
    made: SharedBudget
    if request.param == "redis":
        made = RedisBudget.from_url(REDIS_URL, secrets.token_hex(6))
    else:
        made = PostgresBudget(sessions, secrets.token_hex(6))
    yield made
    await made.close()


async def test_a_window_takes_its_limit_then_says_how_long_to_wait(budget: SharedBudget) -> None:
    overall, chat = Window(OVERALL, 3, 1.0), Window("chat:1", 2, 0.5)
    assert (await budget.take([overall, chat], "a")).taken
    assert (await budget.take([overall, chat], "b")).taken
    full = await budget.take([overall, chat], "c")  # the chat is full, both still open
    assert not full.taken and full.full == "chat:1" and full.wait <= 0.05
    assert await budget.room(chat) == 0 and await budget.room(overall) == 1
    assert (await budget.take([overall, Window("chat:2", 2, 0.5)], "d")).taken
    blocked = await budget.take([overall, Window("chat:3", 2, 0.5)], "e")
    assert blocked.full == OVERALL  # nothing taken in chat:3 either: all or none
    assert await budget.room(Window("chat:3", 2, 0.5)) == 2
    for token in "ab":
        await budget.end([overall, chat], token)
    ended = await budget.take([Window("chat:1", 2, 0.5)], "f")
    assert ended.full == "chat:1" and 0.3 < ended.wait <= 0.5  # counted 0.5 s after its end
    await asyncio.sleep(ended.wait + 0.05)
    assert (await budget.take([Window("chat:1", 2, 0.5)], "f")).taken


async def test_two_limiters_on_one_budget_keep_the_limits_together(budget: SharedBudget) -> None:
    """Two processes' limiters (here in one event loop) sending into one group and many
    private chats: together they keep the group's and the overall window."""
    async with BotApiSimulator(limits=Limits.unlimited(), token=fresh_token()) as sim:
        sim.group(GROUP, "Staff")
        for user in USERS[:10]:
            await sim.user(user).send_text("/start")
        limiters = [  # chats' one a second scaled to 10: the group's 4 a second is the limit
            SlidingWindowRateLimiter(
                overall_limit=10, group_limit=4, group_period=1.0, chat_period=0.1, shared=budget
            )
            for _ in range(2)
        ]
        bots = [ExtBot(sim.token, base_url=sim.base_url, rate_limiter=lim) for lim in limiters]
        for bot in bots:
            await bot.initialize()
        began = time.monotonic()
        await asyncio.gather(
            *(bots[n % 2].send_message(GROUP, f"g{n}", rate_limit_args=BULK) for n in range(12)),
            *(
                bots[n % 2].send_message(USERS[n % 10], f"p{n}", rate_limit_args=BULK)
                for n in range(20)
            ),
        )
        took = time.monotonic() - began
        for bot in bots:
            await bot.shutdown()
        calls = [c for c in sim.calls("sendMessage") if c.ok]
    arrivals = [(c.at, int(c.params["chat_id"])) for c in calls]
    rules = FloodRules(overall=(10, 1.0), chat=(1, 0.1), group=(4, 1.0))
    assert len(calls) == 32
    assert count_violations(arrivals, rules).total == 0
    assert took >= 2.0  # 12 group messages at 4 a second: held back together, not each 4/s


def test_violations_are_counted_per_window() -> None:
    assert over_limit([0.0, 0.5, 1.0, 1.2], (2, 1.0)) == 1  # 1.2 finds 0.5 and 1.0
    assert over_limit([0.0, 1.0, 2.0], (1, 1.0)) == 0  # a period apart exactly is fine
    arrivals = [(0.0, 5), (0.1, 5), (0.2, -7), (0.3, -7), (0.4, 6)]
    rules = FloodRules(overall=(4, 1.0), chat=(1, 1.0), group=(1, 60))
    found = count_violations(arrivals, rules)
    # 0.4 is the 5th in a second; 0.1 and 0.3 follow their chat's within a second; 0.3 is
    # the group's second in its minute.
    assert (found.overall, found.chat, found.group, found.total) == (1, 2, 1, 4)


async def enqueue_notes(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    """60 notes to 20 private chats (3 each) and 16 into 4 groups; their dedupe keys."""
    keys = []
    async with sessions() as session, session.begin():
        chats = [USERS[n % len(USERS)] for n in range(60)] + GROUPS * 4
        for n, chat in enumerate(chats):
            key = f"n{n}"
            keys.append(key)
            await outbox.enqueue(session, kind=NOTE, dedupe_key=key, chat_id=chat)
    return keys


@pytest.fixture(scope="module")
async def rate_workers(database_url: str) -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """Three sending processes on the test database, started once for the module (each
    takes seconds of imports), waiting for rounds."""
    command = [sys.executable, "-m", "tests.bot.rate_worker", database_url]
    workers = []
    try:
        for _ in range(3):
            workers.append(
                await asyncio.create_subprocess_exec(*command, cwd=ROOT, stdin=PIPE, stdout=PIPE)
            )
        for worker in workers:
            assert worker.stdout is not None
            line = await asyncio.wait_for(worker.stdout.readline(), 120)
            assert line.strip() == b"ready", line
        yield workers
    finally:
        for worker in workers:
            if worker.returncode is None and worker.stdin is not None:
                worker.stdin.close()  # end of input: the worker exits
        for worker in workers:
            try:
                await asyncio.wait_for(worker.wait(), 10)
            except TimeoutError:
                worker.kill()
                await worker.wait()


async def run_round(
    workers: list[asyncio.subprocess.Process], sim: BotApiSimulator, budget: str | None
) -> list[int]:
    """Let ``workers`` send the outbox at once; how many each sent."""
    line = round_line(sim.api_root, sim.token, budget, GROUP_RULE)
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write(line)
        await worker.stdin.drain()
    sent = []
    for worker in workers:
        assert worker.stdout is not None
        answer = await asyncio.wait_for(worker.stdout.readline(), 60)
        assert answer.startswith(b"sent "), answer
        sent.append(int(answer.split()[1]))
    return sent


@pytest.mark.parametrize(
    ("processes", "store"), [(2, "postgresql"), (3, "postgresql"), (2, "redis"), (3, "redis")]
)
async def test_processes_on_one_database_keep_telegrams_limits_together(
    processes: int,
    store: str,
    rate_workers: list[asyncio.subprocess.Process],
    db_url: str,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    keys = await enqueue_notes(sessions)
    async with BotApiSimulator(limits=Limits.unlimited(), token=fresh_token()) as sim:
        for n, group in enumerate(GROUPS):
            sim.group(group, f"Staff {n}")
        for user in USERS:
            await sim.user(user).send_text("/start")
        began = time.monotonic()
        budget = REDIS_URL if store == "redis" else None
        sent = await run_round(rate_workers[:processes], sim, budget)
        took = time.monotonic() - began
        calls = [c for c in sim.calls("sendMessage") if c.ok]
    texts = Counter(str(c.params["text"]) for c in calls)
    assert texts == Counter(f"note {key}" for key in keys)  # nothing lost, nothing doubled
    rules = FloodRules(group=GROUP_RULE)
    found = count_violations([(c.at, int(c.params["chat_id"])) for c in calls], rules)
    assert found.total == 0, found
    async with sessions() as session:
        states = Counter((await session.scalars(select(OutboundMessage.state))).all())
    assert states == {OutboxState.SENT: len(keys)}
    assert sum(sent) == len(keys) and sum(1 for n in sent if n) >= 2, sent  # shared work
    assert took < 30


async def test_the_bot_shares_the_budget_its_settings_name(db_url: str) -> None:
    sim = BotApiSimulator()  # only its address and token are used; nothing is started
    settings = make_settings(db_url, sim)
    sessions = create_sessionmaker(create_engine(db_url))
    limiter = build_application(settings, sessions, polling=False).bot.rate_limiter
    assert isinstance(limiter, SlidingWindowRateLimiter)
    assert isinstance(limiter.shared, PostgresBudget)  # PostgreSQL: its database, by default
    redis = settings.model_copy(update={"rate_budget_url": REDIS_URL})
    chosen = shared_budget(redis, sessions)
    assert isinstance(chosen, RedisBudget)
    await chosen.close()
    assert shared_budget(settings.model_copy(update={"rate_budget_url": "local"}), sessions) is None
    sqlite = settings.model_copy(update={"database_url": "sqlite+aiosqlite:///unused.db"})
    assert shared_budget(sqlite, sessions) is None
    with pytest.raises(ValidationError, match="redis://"):
        Settings(rate_budget_url="http://127.0.0.1:6379", _env_file=None)  # type: ignore[call-arg]
