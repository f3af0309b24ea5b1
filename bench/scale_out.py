"""Scale-out against Telegram's limits: 2 and 3 sending processes on one PostgreSQL database,
each the outbox dispatcher through python-telegram-bot and our limiter (tests/bot/rate_worker.py),
sending to the Bot API simulator, which records when each message arrived.

    .venv/bin/python bench/scale_out.py [private-messages] [group-messages-per-group]

Per run: violations of 30/s overall, 1/s per chat and the group limit (20 a minute, its minute
scaled to 3 s with 2 in it so the run takes seconds; the chat's 1/s stays the tighter pace, as
at full scale), sends/s, and lost / doubled messages. The baseline of the same run: each
process with only its own windows (CSAT_RATE_BUDGET_URL=local, how every process sent before
the shared budget); then the shared budget in PostgreSQL and in Redis.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
import time
from asyncio.subprocess import PIPE, Process
from collections import Counter
from pathlib import Path

# Run as a script from the repository root: make the project's packages importable.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete  # noqa: E402

from bot.dispatch import DEFAULT_BATCH  # noqa: E402
from simulator import BotApiSimulator, Limits  # noqa: E402
from simulator.limits import FloodRules, count_violations  # noqa: E402
from storage import outbox  # noqa: E402
from storage.engine import create_engine, create_sessionmaker  # noqa: E402
from storage.models import OutboundMessage  # noqa: E402
from tests.bot.rate_worker import NOTE, round_line  # noqa: E402
from tests.databases import scratch_postgres  # noqa: E402

REDIS_URL = os.environ.get("CSAT_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
GROUP_RULE = (2, 3.0)
FIRST_USER = 20_000
GROUPS = [-100_8800 - n for n in range(4)]
PER_CHAT = 2  # messages to each private chat


async def start_workers(db_url: str, count: int) -> list[Process]:
    command = [sys.executable, "-m", "tests.bot.rate_worker", db_url, str(DEFAULT_BATCH)]
    workers = [
        await asyncio.create_subprocess_exec(*command, cwd=ROOT, stdin=PIPE, stdout=PIPE)
        for _ in range(count)
    ]
    for worker in workers:
        assert worker.stdout is not None
        assert (await worker.stdout.readline()).strip() == b"ready"
    return workers


async def one_run(
    db_url: str, workers: list[Process], budget: str, private: int, per_group: int
) -> str:
    sessions = create_sessionmaker(create_engine(db_url))
    users = [FIRST_USER + n for n in range(private // PER_CHAT)]
    chats = [users[n % len(users)] for n in range(private)] + GROUPS * per_group
    keys = [f"m{n}" for n in range(len(chats))]
    async with sessions() as session, session.begin():
        await session.execute(delete(OutboundMessage))
        for key, chat in zip(keys, chats, strict=True):
            await outbox.enqueue(session, kind=NOTE, dedupe_key=key, chat_id=chat)
    token = f"{secrets.randbelow(10**9) + 10**9}:BENCH"  # its own budget namespace
    async with BotApiSimulator(limits=Limits.unlimited(), token=token) as sim:
        for n, group in enumerate(GROUPS):
            sim.group(group, f"Staff {n}")
        for user in users:
            await sim.user(user).send_text("/start")
        line = round_line(sim.api_root, sim.token, budget, GROUP_RULE)
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write(line)
            await worker.stdin.drain()
        sent = []
        for worker in workers:
            assert worker.stdout is not None
            sent.append(int((await worker.stdout.readline()).split()[1]))
        calls = [c for c in sim.calls("sendMessage") if c.ok]
    texts = Counter(str(c.params["text"]) for c in calls)
    lost = sum(1 for key in keys if texts[f"note {key}"] == 0)
    doubled = sum(n - 1 for n in texts.values() if n > 1)
    found = count_violations(
        [(c.at, int(c.params["chat_id"])) for c in calls], FloodRules(group=GROUP_RULE)
    )
    # The private chats' sends/s (the overall 30/s is what limits them; the groups' own
    # scaled minute makes their tail slow on purpose).
    arrivals = sorted(c.at for c in calls if int(c.params["chat_id"]) > 0)
    rate = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0]) if len(arrivals) > 1 else 0.0
    return (
        f"violations {found.total:>3} (overall {found.overall}, chat {found.chat}, "
        f"group {found.group})   private {rate:5.1f} sends/s   lost {lost}  doubled {doubled}"
        f"   per process {sent}"
    )


async def main(private: int, per_group: int) -> None:
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores shared)")
    total = private + per_group * len(GROUPS)
    print(
        f"{total} messages: {private} to {private // PER_CHAT} private chats, "
        f"{per_group} into each of {len(GROUPS)} groups (group minute scaled: "
        f"{GROUP_RULE[0]} in {GROUP_RULE[1]:g} s)"
    )
    async with scratch_postgres("csat_bench_scale") as db_url:
        workers = await start_workers(db_url, 3)
        try:
            for label, budget in [
                ("own windows only", "local"),
                ("PostgreSQL budget", "-"),
                ("Redis budget", REDIS_URL),
            ]:
                for count in (2, 3):
                    began = time.perf_counter()
                    figures = await one_run(db_url, workers[:count], budget, private, per_group)
                    took = time.perf_counter() - began
                    print(f"  {label:<18} {count} processes: {figures}   ({took:.1f} s)")
        finally:
            for worker in workers:
                if worker.stdin is not None:
                    worker.stdin.close()
            for worker in workers:
                await worker.wait()
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    asyncio.run(main(*(args + [240, 6][len(args) :])))
