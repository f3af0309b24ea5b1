"""Token buckets and the rate limiter against a hand-moved clock."""

from __future__ import annotations

import pytest

from simulator import ApiError, Limits, RateLimiter, TokenBucket


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_bucket_refills_at_its_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=2.0, capacity=2, clock=clock)
    for _ in range(2):
        assert bucket.wait_time() == 0
        bucket.take()
    assert bucket.wait_time() == pytest.approx(0.5)
    clock.now += 0.5
    assert bucket.wait_time() == 0


def test_group_limit_is_20_a_minute() -> None:
    clock = FakeClock()
    limiter = RateLimiter(Limits(chat_per_second=100, chat_burst=100), clock)
    for _ in range(20):
        limiter.check(-100, is_group=True)
    with pytest.raises(ApiError) as caught:
        limiter.check(-100, is_group=True)
    assert (caught.value.error_code, caught.value.retry_after) == (429, 3)
    assert caught.value.description == "Too Many Requests: retry after 3"
    limiter.check(1001, is_group=False)  # private chats are not group-limited
    clock.now += 3
    limiter.check(-100, is_group=True)


def test_a_refusal_takes_no_token() -> None:
    clock = FakeClock()
    limiter = RateLimiter(Limits(global_burst=2, chat_burst=1), clock)
    limiter.check(1, is_group=False)
    with pytest.raises(ApiError):
        limiter.check(1, is_group=False)
    limiter.check(2, is_group=False)  # the refused message did not spend a global token


def test_unlimited() -> None:
    limiter = RateLimiter(Limits.unlimited(), FakeClock())
    for _ in range(1000):
        limiter.check(1, is_group=False)
