"""A small in-process rate limiter: token buckets per key (an invitation token, a client IP).

A respondent posts one answer every few seconds at most; a bucket lets a burst through and
refills steadily, so only scripted traffic meets the limit. The buckets live in this process
(each process of a deployment limits on its own), and idle full ones are forgotten.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_KEYS = 10_000  # buckets kept before the full (idle) ones are dropped


@dataclass(frozen=True, slots=True)
class Rate:
    burst: int  # requests let through at once
    per_second: float  # refill


# Answers of one invitation: 60 at once, then one every 2 s (nobody reads faster).
PER_TOKEN = Rate(burst=60, per_second=0.5)
# Requests of one address: many respondents may share one (an office, a mobile carrier's NAT).
PER_IP = Rate(burst=300, per_second=5.0)


@dataclass
class _Bucket:
    level: float
    at: float


class Limiter:
    """``take(key)``: 0 when the request may go, else the seconds until it may."""

    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self._clock = rate, clock
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str) -> int:
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_KEYS:
                self._forget_idle(now)
            bucket = self._buckets[key] = _Bucket(float(self.rate.burst), now)
        bucket.level = min(
            float(self.rate.burst), bucket.level + (now - bucket.at) * self.rate.per_second
        )
        bucket.at = now
        if bucket.level >= 1:
            bucket.level -= 1
            return 0
        return max(1, math.ceil((1 - bucket.level) / self.rate.per_second))

    def _forget_idle(self, now: float) -> None:
        full = self.rate.burst / self.rate.per_second  # seconds to refill from empty
        self._buckets = {k: b for k, b in self._buckets.items() if now - b.at < full}
