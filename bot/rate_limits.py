"""Telegram's flood limits kept by the bot itself, counted in strict sliding windows.

PTB's ``AIORateLimiter`` throttles with leaky buckets (aiolimiter): a full bucket lets 20
messages into a group at once and refills while they go, so one 60-second window can see
nearly 40. Here each limit is a window counted exactly: at most ``limit`` requests in any
``period`` seconds (Telegram: 20 a minute into one group, 30 a second overall).

Only bulk sends are held back: a request whose ``rate_limit_args`` is a ``Bulk`` marker (the
outbox dispatcher's invitations, reminders and alerts, bot/dispatch.py). Telegram's limits are
on broadcasting; a reply to a person who just pressed a button (answering the callback query,
editing the question, sending the next one) goes out at once and never queues behind a bulk
send. Of the bulk requests, one with a ``chat_id`` counts in the overall window; one whose
``chat_id`` is negative or an ``@username`` (a group, supergroup or channel) in that chat's
window too; one with ``allow_paid_broadcast`` only in the paid broadcast window (1000 a
second). A ``RetryAfter`` (on any request) pauses every request for the time Telegram asked
plus 0.1 s and is retried up to ``max_retries`` times (``Bulk.retries``, or an int as
``rate_limit_args``, overrides it). One message a second per private chat is the outbox
dispatcher's job (bot/dispatch.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from telegram import constants
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)
Clock = Callable[[], float]
Result = bool | dict[str, Any] | list[dict[str, Any]]

DEFAULT_OVERALL_LIMIT: Final = int(constants.FloodLimit.MESSAGES_PER_SECOND)  # 30
DEFAULT_OVERALL_PERIOD: Final = 1.0
DEFAULT_GROUP_LIMIT: Final = int(constants.FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP)  # 20
DEFAULT_GROUP_PERIOD: Final = 60.0
PAID_BROADCAST_LIMIT: Final = int(constants.FloodLimit.PAID_MESSAGES_PER_SECOND)  # 1000
RETRY_MARGIN: Final = 0.1  # seconds waited beyond Telegram's retry_after, as AIORateLimiter
MAX_IDLE_GROUPS: Final = 512  # beyond this many group windows, idle ones are forgotten


@dataclass(frozen=True)
class Bulk:
    """The ``rate_limit_args`` of a bulk send: it waits for room in Telegram's limits;
    ``retries`` overrides the limiter's ``max_retries`` for it."""

    retries: int | None = None


BULK: Final = Bulk()
RateLimitArgs = Bulk | int  # an int alone: a reply's RetryAfter retries, never held back


class SlidingWindow:
    """At most ``limit`` events in any ``period`` seconds of ``clock``.

    An event holds its slot from ``start()`` until ``period`` seconds after ``end()``. Telegram
    counts a request when it arrives, which is between the two, so however long the network
    takes, no ``period`` on Telegram's side holds more than ``limit`` of them.
    """

    def __init__(self, limit: int, period: float, clock: Clock = time.monotonic) -> None:
        check_limit(limit, period)
        self.limit = limit
        self.period = period
        self._clock = clock
        self._open = 0  # started, not ended: they count in every window until they end
        self._ended: deque[float] = deque()  # end times, oldest first

    def wait_time(self) -> float | None:
        """Seconds until an event may start (0: now); None while only an open event's end
        can free a slot."""
        now = self._forget()
        over = self._open + len(self._ended) - self.limit
        if over < 0:
            return 0.0
        if over >= len(self._ended):
            return None
        return self._ended[over] + self.period - now

    def start(self) -> None:
        """An event starts now; only when ``wait_time()`` is 0."""
        if self.wait_time() != 0:
            raise RuntimeError(f"the window is full: {self.limit} in {self.period} s")
        self._open += 1

    def end(self) -> None:
        """A started event has ended: its slot is free again ``period`` seconds from now."""
        if self._open == 0:
            raise RuntimeError("no event to end")
        self._open -= 1
        self._ended.append(self._clock())

    def idle(self) -> bool:
        """Nothing open and nothing ended within the period: forgetting it changes nothing."""
        self._forget()
        return self._open == 0 and not self._ended

    def _forget(self) -> float:
        """Drop the ends that no longer count; the time now."""
        now = self._clock()
        while self._ended and self._ended[0] + self.period <= now:
            self._ended.popleft()
        return now


def check_limit(limit: int, period: float) -> None:
    """ValueError unless ``limit`` events in ``period`` seconds is a limit."""
    if limit < 1 or period <= 0:
        raise ValueError(f"a limit needs at least 1 event in more than 0 s, not {limit}/{period}")


class _Gate:
    """A window and the requests queued for it, first come first served."""

    def __init__(self, window: SlidingWindow) -> None:
        self.window = window
        self._queue = asyncio.Lock()  # FIFO: the oldest waiter gets the next slot
        self._freed = asyncio.Event()

    async def enter(self) -> None:
        async with self._queue:
            while (wait := self.window.wait_time()) != 0:
                freed = self._freed  # set by the next leave(): no wake-up is lost
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(wait):
                        await freed.wait()
            self.window.start()

    def leave(self) -> None:
        self.window.end()
        self._freed.set()
        self._freed = asyncio.Event()

    def idle(self) -> bool:
        return not self._queue.locked() and self.window.idle()


class SlidingWindowRateLimiter(BaseRateLimiter[RateLimitArgs]):
    """Holds bulk requests back until they fit Telegram's limits (see the module docstring);
    ``rate_limit_args``: ``BULK`` (or a ``Bulk`` with its retries) for a bulk send, an int for
    a reply's number of ``RetryAfter`` retries, None for a reply with ``max_retries``."""

    def __init__(
        self,
        *,
        overall_limit: int = DEFAULT_OVERALL_LIMIT,
        overall_period: float = DEFAULT_OVERALL_PERIOD,
        group_limit: int = DEFAULT_GROUP_LIMIT,
        group_period: float = DEFAULT_GROUP_PERIOD,
        max_retries: int = 0,
    ) -> None:
        check_limit(group_limit, group_period)
        self.overall_limit, self.overall_period = overall_limit, overall_period
        self.group_limit, self.group_period = group_limit, group_period
        self.max_retries = max_retries
        self._overall = _Gate(SlidingWindow(overall_limit, overall_period))
        self._paid = _Gate(SlidingWindow(PAID_BROADCAST_LIMIT, 1.0))
        self._groups: dict[int | str, _Gate] = {}
        self._paused_until = 0.0  # time.monotonic() when the last RetryAfter's wait ends

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: RateLimitArgs | None,
    ) -> Result:
        """Send a bulk request once it fits its windows, anything else at once; retry after a
        ``RetryAfter``."""
        bulk = isinstance(rate_limit_args, Bulk)
        retries = self.max_retries
        if isinstance(rate_limit_args, int):
            retries = rate_limit_args
        elif isinstance(rate_limit_args, Bulk) and rate_limit_args.retries is not None:
            retries = rate_limit_args.retries
        gates = self._gates(data) if bulk else []
        for attempt in range(retries + 1):
            try:
                return await self._send(gates, callback, args, kwargs)
            except RetryAfter as exc:
                if attempt == retries:
                    log.warning("%s: flood limit hit after %d retries", endpoint, retries)
                    raise
                delay = retry_after_seconds(exc) + RETRY_MARGIN
                log.info("%s: flood limit hit; every request waits %.1f s", endpoint, delay)
                self._paused_until = max(self._paused_until, time.monotonic() + delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _send(
        self,
        gates: list[_Gate],
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> Result:
        entered: list[_Gate] = []
        try:
            for gate in gates:  # a group's slot first: holding it while queueing is only stricter
                await gate.enter()
                entered.append(gate)
            while (pause := self._paused_until - time.monotonic()) > 0:
                await asyncio.sleep(pause)
            return await callback(*args, **kwargs)
        finally:
            for gate in entered:
                gate.leave()

    def _gates(self, data: dict[str, Any]) -> list[_Gate]:
        chat_id = data.get("chat_id")
        if data.get("allow_paid_broadcast", False):
            return [self._paid]
        if chat_id is None:
            return []
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)
        if isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0):
            return [self._group(chat_id), self._overall]
        return [self._overall]

    def _group(self, chat_id: int | str) -> _Gate:
        gate = self._groups.get(chat_id)
        if gate is None:
            if len(self._groups) >= MAX_IDLE_GROUPS:
                self._groups = {key: g for key, g in self._groups.items() if not g.idle()}
            gate = self._groups[chat_id] = _Gate(SlidingWindow(self.group_limit, self.group_period))
        return gate


def retry_after_seconds(exc: RetryAfter) -> float:
    """The seconds Telegram asked to wait: PTB 22 gives whole seconds (and warns that they
    will become a timedelta, which they already are with PTB_TIMEDELTA set)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
