"""Telegram's flood limits as token buckets with an injectable clock, and the count of the
messages that broke them (strict windows over the recorded arrival times)."""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from simulator.errors import ApiError

Clock = Callable[[], float]

DEFAULT_GLOBAL_PER_SECOND = 30.0
DEFAULT_GLOBAL_BURST = 30
DEFAULT_CHAT_PER_SECOND = 1.0
# Telegram tolerates short bursts in a private chat; 20 lets an ordinary fast conversation pass.
DEFAULT_CHAT_BURST = 20
DEFAULT_GROUP_PER_MINUTE = 20.0
DEFAULT_GROUP_BURST = 20


@dataclass(frozen=True)
class Limits:
    """Outgoing-message limits: overall, per chat and per group (rates and burst sizes)."""

    global_per_second: float = DEFAULT_GLOBAL_PER_SECOND
    global_burst: int = DEFAULT_GLOBAL_BURST
    chat_per_second: float = DEFAULT_CHAT_PER_SECOND
    chat_burst: int = DEFAULT_CHAT_BURST
    group_per_minute: float = DEFAULT_GROUP_PER_MINUTE
    group_burst: int = DEFAULT_GROUP_BURST
    enabled: bool = True

    @classmethod
    def unlimited(cls) -> Limits:
        """No flood control at all (benchmarks of our own code, not of Telegram's limits)."""
        return cls(enabled=False)


class TokenBucket:
    """`capacity` tokens refilled at `rate` per second; one message takes one token."""

    def __init__(self, rate: float, capacity: int, clock: Clock) -> None:
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._tokens = float(capacity)
        self._updated = clock()

    def wait_time(self) -> float:
        """Seconds until a token is available (0 when one is available now)."""
        self._refill()
        if self._tokens >= 1:
            return 0.0
        return (1 - self._tokens) / self.rate

    def take(self) -> None:
        """Spend one token; call only after `wait_time()` returned 0."""
        self._refill()
        self._tokens -= 1

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
        self._updated = now


class RateLimiter:
    """Checks one outgoing message against the global, per-chat and per-group buckets."""

    def __init__(self, limits: Limits, clock: Clock = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._global = TokenBucket(limits.global_per_second, limits.global_burst, clock)
        self._chats: dict[int, TokenBucket] = {}
        self._groups: dict[int, TokenBucket] = {}

    def check(self, chat_id: int, *, is_group: bool) -> None:
        """Take a token from every relevant bucket, or raise 429 without taking any."""
        if not self.limits.enabled:
            return
        buckets = [self._global, self._chat_bucket(chat_id)]
        if is_group:
            buckets.append(self._group_bucket(chat_id))
        wait = max(bucket.wait_time() for bucket in buckets)
        if wait > 0:
            # Telegram answers whole seconds and never 0.
            raise ApiError.too_many_requests(max(1, math.ceil(wait)))
        for bucket in buckets:
            bucket.take()

    def _chat_bucket(self, chat_id: int) -> TokenBucket:
        if chat_id not in self._chats:
            limits = self.limits
            self._chats[chat_id] = TokenBucket(
                limits.chat_per_second, limits.chat_burst, self._clock
            )
        return self._chats[chat_id]

    def _group_bucket(self, chat_id: int) -> TokenBucket:
        if chat_id not in self._groups:
            rate = self.limits.group_per_minute / 60
            self._groups[chat_id] = TokenBucket(rate, self.limits.group_burst, self._clock)
        return self._groups[chat_id]


Rule = tuple[int, float]  # at most this many messages in any this many seconds


@dataclass(frozen=True)
class FloodRules:
    """Telegram's published limits as strict windows: what a violation is counted against.

    Tests and benchmarks may scale a period down (a 3-s "minute") with the sender's limits."""

    overall: Rule = (int(DEFAULT_GLOBAL_PER_SECOND), 1.0)
    chat: Rule = (int(DEFAULT_CHAT_PER_SECOND), 1.0)  # any one chat, private or group
    group: Rule = (int(DEFAULT_GROUP_PER_MINUTE), 60.0)


@dataclass(frozen=True)
class Violations:
    """Messages that arrived while their window already held its limit."""

    overall: int = 0
    chat: int = 0
    group: int = 0

    @property
    def total(self) -> int:
        return self.overall + self.chat + self.group


def over_limit(times: Iterable[float], rule: Rule) -> int:
    """How many of ``times`` found ``limit`` others in the ``period`` before them (within
    (t - period, t]: two messages exactly a period apart are fine)."""
    limit, period = rule
    window: deque[float] = deque()
    over = 0
    for at in sorted(times):
        while window and window[0] <= at - period:
            window.popleft()
        if len(window) >= limit:
            over += 1
        window.append(at)
    return over


def count_violations(
    arrivals: Iterable[tuple[float, int]], rules: FloodRules | None = None
) -> Violations:
    """Violations among ``arrivals`` (unix time, chat id) of the bot's messages: overall, per
    chat (a second each, Telegram's advice for any chat) and per group (negative ids)."""
    rules = rules or FloodRules()
    every: list[float] = []
    by_chat: defaultdict[int, list[float]] = defaultdict(list)
    for at, chat_id in arrivals:
        every.append(at)
        by_chat[chat_id].append(at)
    chat = sum(over_limit(times, rules.chat) for times in by_chat.values())
    group = sum(over_limit(t, rules.group) for c, t in by_chat.items() if c < 0)
    return Violations(over_limit(every, rules.overall), chat, group)
