"""How many messages Telegram sees in the worst window: PTB's AIORateLimiter against ours
(bot/rate_limits.py), each sending a burst through PTB to the Bot API simulator, which records
when every message arrived.

    .venv/bin/python bench/group_rate.py [group-messages] [private-messages]

The group limit is 20 a minute; to run in seconds the minute is scaled down to 3 s (both
limiters get 20 per 3 s), and the figure is "most messages in any scaled minute". The overall
limit, 30 a second, is measured at full scale with one message to each of many private chats.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

# Run as a script from the repository root: make the project's packages importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram.ext import AIORateLimiter, BaseRateLimiter, ExtBot

from bot.rate_limits import (
    BULK,
    DEFAULT_GROUP_LIMIT,
    DEFAULT_GROUP_PERIOD,
    DEFAULT_OVERALL_LIMIT,
    DEFAULT_OVERALL_PERIOD,
    SlidingWindowRateLimiter,
)
from simulator import BotApiSimulator, Limits

SCALE = 20  # a 60-s window becomes 3 s
GROUP = -100_777
FIRST_USER = 5_000


def most_in_any_window(times: list[float], period: float) -> int:
    """The most of ``times`` in one half-open interval of ``period`` seconds."""
    ordered = sorted(times)
    best, first = 0, 0
    for last, at in enumerate(ordered):
        while ordered[first] <= at - period:
            first += 1
        best = max(best, last - first + 1)
    return best


def limiters(group_period: float) -> dict[str, BaseRateLimiter[int]]:
    return {
        "AIORateLimiter": AIORateLimiter(
            overall_max_rate=DEFAULT_OVERALL_LIMIT,
            overall_time_period=DEFAULT_OVERALL_PERIOD,
            group_max_rate=DEFAULT_GROUP_LIMIT,
            group_time_period=group_period,
        ),
        "SlidingWindowRateLimiter": SlidingWindowRateLimiter(
            overall_limit=DEFAULT_OVERALL_LIMIT,
            overall_period=DEFAULT_OVERALL_PERIOD,
            group_limit=DEFAULT_GROUP_LIMIT,
            group_period=group_period,
        ),
    }


async def burst(limiter: BaseRateLimiter[int], chats: list[int]) -> tuple[list[float], float]:
    """Send one message per entry of ``chats`` all at once; their arrival times, and how long
    sending took."""
    async with BotApiSimulator(limits=Limits.unlimited()) as sim:
        sim.group(GROUP, "Staff")
        for chat_id in {c for c in chats if c > 0}:
            await sim.user(chat_id).send_text("/start")  # the bot may write to them
        # Ours holds back only bulk sends (what the outbox dispatcher sends, so marked).
        marker = BULK if isinstance(limiter, SlidingWindowRateLimiter) else None
        async with ExtBot(sim.token, base_url=sim.base_url, rate_limiter=limiter) as bot:
            began = time.perf_counter()
            await asyncio.gather(
                *(
                    bot.send_message(c, f"message {n}", rate_limit_args=marker)
                    for n, c in enumerate(chats)
                )
            )
            took = time.perf_counter() - began
        return [call.at for call in sim.calls("sendMessage") if call.ok], took


async def main(group_messages: int, private_messages: int) -> None:
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores shared)")
    window = DEFAULT_GROUP_PERIOD / SCALE
    print(
        f"\n{group_messages} messages into one group, limit {DEFAULT_GROUP_LIMIT} a minute "
        f"(minute scaled to {window:g} s):"
    )
    for name, limiter in limiters(window).items():
        arrivals, took = await burst(limiter, [GROUP] * group_messages)
        worst = most_in_any_window(arrivals, window)
        print(
            f"  {name:<26} most in any minute: {worst:>3}   "
            f"all sent in {took * SCALE / 60:.1f} scaled minutes"
        )
    print(
        f"\n{private_messages} messages to as many private chats, "
        f"limit {DEFAULT_OVERALL_LIMIT} a second (not scaled):"
    )
    private = list(range(FIRST_USER, FIRST_USER + private_messages))
    for name, limiter in limiters(DEFAULT_GROUP_PERIOD).items():
        arrivals, took = await burst(limiter, private)
        worst = most_in_any_window(arrivals, DEFAULT_OVERALL_PERIOD)
        print(f"  {name:<26} most in any second: {worst:>3}   all sent in {took:.1f} s")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    asyncio.run(main(*(args + [60, 100][len(args) :])))
