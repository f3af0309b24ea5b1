"""Telegram's flood limits as token buckets with an injectable clock."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
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
