"""The bot's own flood limits: strict sliding windows, against a hand-moved clock and, end to
end, through python-telegram-bot and the Bot API simulator."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram.error import RetryAfter
from telegram.ext import ExtBot

from bot.application import RATE_LIMIT_RETRIES, build_application
from bot.rate_limits import BULK, Bulk, SlidingWindow, SlidingWindowRateLimiter
from simulator import BotApiSimulator, Limits
from storage.engine import create_engine, create_sessionmaker
from tests.support import make_settings


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def most_in_any_window(times: list[float], period: float) -> int:
    """The most of ``times`` that fall in one half-open interval of ``period`` seconds."""
    ordered = sorted(times)
    return max((sum(1 for t in ordered if s <= t < s + period) for s in ordered), default=0)


def test_a_window_takes_its_limit_then_waits_for_the_oldest_slot() -> None:
    clock = FakeClock()
    window = SlidingWindow(3, 60, clock)
    for at in (0.0, 10.0, 20.0):
        clock.now = at
        assert window.wait_time() == 0
        window.start()
        window.end()
    clock.now = 30
    assert window.wait_time() == pytest.approx(30)  # the slot of 0 s frees at 60 s
    with pytest.raises(RuntimeError):
        window.start()
    clock.now = 60
    assert window.wait_time() == 0
    window.start()
    assert window.wait_time() == pytest.approx(10)  # then the slot of 10 s, at 70 s


def test_a_leaky_bucket_would_let_a_second_burst_in_a_window_does_not() -> None:
    clock = FakeClock()
    window = SlidingWindow(20, 60, clock)
    sent = []
    while clock.now < 120:  # a sender that tries every 100 ms for two minutes
        if window.wait_time() == 0:
            window.start()
            window.end()
            sent.append(clock.now)
        clock.now = round(clock.now + 0.1, 1)
    assert len(sent) == 40 and most_in_any_window(sent, 60) == 20
    assert sent[20] == 60  # the 21st waits the full minute, not 3 s as a refilling bucket


def test_a_slot_counts_from_the_end_of_its_request() -> None:
    clock = FakeClock()
    window = SlidingWindow(2, 1, clock)
    window.start()
    window.start()
    clock.now = 5
    assert window.wait_time() is None  # both still in flight: only an end frees a slot
    window.end()
    assert window.wait_time() == pytest.approx(1)  # counted until 1 s after its answer
    clock.now = 6
    assert window.wait_time() == 0
    with pytest.raises(RuntimeError):
        SlidingWindow(2, 1, clock).end()


@pytest.mark.parametrize(("limit", "period"), [(0, 60), (20, 0), (-1, 1)])
def test_a_window_needs_a_limit(limit: int, period: float) -> None:
    with pytest.raises(ValueError, match="a limit needs"):
        SlidingWindow(limit, period)


@settings(max_examples=200, deadline=None)
@given(
    limit=st.integers(1, 5),
    steps=st.lists(
        st.tuples(st.sampled_from(["start", "end", "tick"]), st.floats(0, 0.7)), max_size=80
    ),
)
def test_no_period_ever_holds_more_than_the_limit(
    limit: int, steps: list[tuple[str, float]]
) -> None:
    clock = FakeClock()
    window = SlidingWindow(limit, 1.0, clock)
    started: list[float] = []
    ended: dict[int, float] = {}
    for op, x in steps:
        clock.now += x
        open_ = [i for i in range(len(started)) if i not in ended]
        if op == "start" and window.wait_time() == 0:
            window.start()
            started.append(clock.now)
        elif op == "end" and open_:  # requests are answered in any order
            ended[open_[int(x * 10) % len(open_)]] = clock.now
            window.end()
    # Each request reaches Telegram some time between its start and its end: no second it
    # started in may already hold `limit` others whose slots still counted.
    for j, start in enumerate(started):
        counted = [
            i for i in range(j) if i not in ended or ended[i] + 1.0 > start
        ]  # in flight, or answered less than a period before
        assert len(counted) < limit


async def record_calls(
    limiter: SlidingWindowRateLimiter, requests: list[dict[str, Any]], marker: Any = BULK
) -> list[float]:
    """Run ``requests`` (their data, as bulk sends by default) through the limiter at once;
    when each was sent."""
    sent: list[float] = []

    async def call() -> bool:
        sent.append(time.monotonic())
        return True

    await asyncio.gather(
        *(limiter.process_request(call, (), {}, "sendMessage", data, marker) for data in requests)
    )
    return sent


async def test_only_groups_and_channels_are_held_to_the_group_limit() -> None:
    limiter = SlidingWindowRateLimiter(group_limit=2, group_period=0.5, overall_limit=100)
    began = time.monotonic()
    private = await record_calls(limiter, [{"chat_id": n} for n in range(1, 11)])
    unlimited = await record_calls(limiter, [{"callback_query_id": "1"}] * 10)
    assert max(private + unlimited) - began < 0.3
    for chat_id in (-100123, "-100124", "@channel"):
        sent = await record_calls(limiter, [{"chat_id": chat_id}] * 3)
        assert max(sent) - min(sent) >= 0.5, chat_id  # the third waits for the first slot


async def test_the_overall_limit_holds_every_chat() -> None:
    limiter = SlidingWindowRateLimiter(overall_limit=4, overall_period=0.4)
    sent = await record_calls(limiter, [{"chat_id": n} for n in range(1, 10)])
    assert most_in_any_window(sent, 0.4) == 4 and max(sent) - min(sent) >= 0.8


async def test_a_flood_wait_pauses_every_request_and_is_retried() -> None:
    limiter = SlidingWindowRateLimiter(max_retries=2)
    calls: list[tuple[str, float]] = []
    floods = iter([RetryAfter(1)])

    async def flooded() -> bool:
        calls.append(("flooded", time.monotonic()))
        if (flood := next(floods, None)) is not None:
            raise flood
        return True

    async def other() -> bool:
        calls.append(("other", time.monotonic()))
        return True

    began = time.monotonic()
    first = asyncio.create_task(
        limiter.process_request(flooded, (), {}, "sendMessage", {"chat_id": 1}, BULK)
    )
    await asyncio.sleep(0.2)
    assert await limiter.process_request(other, (), {}, "sendMessage", {"chat_id": 2}, None)
    assert await first is True
    assert sorted(name for name, _ in calls) == ["flooded", "flooded", "other"]
    assert calls[0][0] == "flooded"
    assert min(at for _, at in calls[1:]) - began >= 1.1  # everyone waited Telegram's 1 s + 0.1


async def test_a_flood_wait_beyond_the_retries_is_raised() -> None:
    limiter = SlidingWindowRateLimiter(max_retries=5)
    attempts = 0

    async def flooded() -> bool:
        nonlocal attempts
        attempts += 1
        raise RetryAfter(0)

    with pytest.raises(RetryAfter):  # rate_limit_args: this call's retries
        await limiter.process_request(flooded, (), {}, "sendMessage", {"chat_id": 1}, 1)
    assert attempts == 2
    attempts = 0
    with pytest.raises(RetryAfter):  # a bulk send's own retries
        await limiter.process_request(flooded, (), {}, "sendMessage", {"chat_id": 1}, Bulk(2))
    assert attempts == 3


async def test_replies_are_not_held_back_only_bulk_sends_are() -> None:
    """The same requests without the bulk marker (replies to a press) go out at once, and
    while bulk sends queue for a full window, a reply into the same chats does not wait."""
    limiter = SlidingWindowRateLimiter(overall_limit=2, overall_period=1.0, group_limit=1)
    began = time.monotonic()
    replies = await record_calls(limiter, [{"chat_id": n} for n in range(1, 9)], None)
    groups = await record_calls(limiter, [{"chat_id": -100_1}] * 4, 3)  # retries only
    assert max(replies + groups) - began < 0.3
    bulk = asyncio.create_task(record_calls(limiter, [{"chat_id": n} for n in range(1, 7)]))
    await asyncio.sleep(0.1)  # two sent, four waiting for the window
    reply_at = await record_calls(limiter, [{"chat_id": 1}, {"callback_query_id": "7"}], None)
    assert max(reply_at) - began < 0.4
    sent = await bulk
    assert most_in_any_window(sent, 1.0) == 2 and max(sent) - min(sent) >= 2.0


GROUP = -100_555


async def test_a_burst_into_a_group_keeps_the_window_through_telegram() -> None:
    """45 messages into one group as fast as PTB and the limiter allow (5 in half a second
    here, for speed): the simulator, which records when each arrived, never sees 6 in one."""
    async with BotApiSimulator(limits=Limits.unlimited()) as sim:
        sim.group(GROUP, "Staff")
        limiter = SlidingWindowRateLimiter(group_limit=5, group_period=0.5)
        async with ExtBot(sim.token, base_url=sim.base_url, rate_limiter=limiter) as bot:
            began = time.monotonic()
            await asyncio.gather(
                *(bot.send_message(GROUP, f"alert {n}", rate_limit_args=BULK) for n in range(45))
            )
            took = time.monotonic() - began
        arrivals = [c.at for c in sim.calls("sendMessage", chat_id=GROUP) if c.ok]
    assert len(arrivals) == 45
    assert most_in_any_window(arrivals, 0.5) == 5
    assert 4.0 <= took < 15.0  # 9 windows' worth: held back, not stalled


def test_the_bot_is_built_with_telegrams_limits(tmp_path: Path) -> None:
    sim = BotApiSimulator()  # only its address is used; nothing is started
    url = f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}"  # never connected to
    application = build_application(
        make_settings(url, sim), create_sessionmaker(create_engine(url)), polling=False
    )
    limiter = application.bot.rate_limiter
    assert isinstance(limiter, SlidingWindowRateLimiter)
    assert (limiter.group_limit, limiter.group_period) == (20, 60.0)
    assert (limiter.overall_limit, limiter.overall_period) == (30, 1.0)
    assert limiter.max_retries == RATE_LIMIT_RETRIES
