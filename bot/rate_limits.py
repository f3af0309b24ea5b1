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
``rate_limit_args``, overrides it). One message a second per chat is the outbox dispatcher's
job within a process (bot/dispatch.py).

With a ``shared`` budget (storage/rate_budget.py: PostgreSQL or Redis, chosen by
bot/rate_budget.py) a bulk request, once through this process's windows, also takes a slot in
the windows every process of the bot shares (overall, its chat's one a second, its group's 20 a
minute), so N processes together keep Telegram's limits. The process's requests wait for the
shared overall window one at a time, first come first served; one whose own chat or group is
full waits aside, letting the others go first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
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

from storage.rate_budget import OVERALL, SharedBudget, Verdict, Window

log = logging.getLogger(__name__)
Clock = Callable[[], float]
Result = bool | dict[str, Any] | list[dict[str, Any]]

DEFAULT_OVERALL_LIMIT: Final = int(constants.FloodLimit.MESSAGES_PER_SECOND)  # 30
DEFAULT_OVERALL_PERIOD: Final = 1.0
DEFAULT_GROUP_LIMIT: Final = int(constants.FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP)  # 20
DEFAULT_GROUP_PERIOD: Final = 60.0
DEFAULT_CHAT_LIMIT: Final = int(constants.FloodLimit.MESSAGES_PER_SECOND_PER_CHAT)  # 1
DEFAULT_CHAT_PERIOD: Final = 1.0
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

    def used(self) -> int:
        """Slots taken now: open, or ended within the period."""
        self._forget()
        return self._open + len(self._ended)

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
        chat_limit: int = DEFAULT_CHAT_LIMIT,
        chat_period: float = DEFAULT_CHAT_PERIOD,
        max_retries: int = 0,
        shared: SharedBudget | None = None,
    ) -> None:
        check_limit(group_limit, group_period)
        check_limit(chat_limit, chat_period)
        self.overall_limit, self.overall_period = overall_limit, overall_period
        self.group_limit, self.group_period = group_limit, group_period
        self.chat_limit, self.chat_period = chat_limit, chat_period
        self.max_retries = max_retries
        self.shared = shared
        self._shared_turn = asyncio.Lock()  # FIFO: one request of this process at a time
        self._overall = _Gate(SlidingWindow(overall_limit, overall_period))
        self._paid = _Gate(SlidingWindow(PAID_BROADCAST_LIMIT, 1.0))
        self._groups: dict[int | str, _Gate] = {}
        self._paused_until = 0.0  # time.monotonic() when the last RetryAfter's wait ends

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Close the shared budget's connections (the bot is shutting down)."""
        if self.shared is not None:
            await self.shared.close()

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
        windows = self.windows(data) if bulk and self.shared is not None else []
        for attempt in range(retries + 1):
            try:
                return await self._send(gates, windows, callback, args, kwargs)
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
        windows: list[Window],
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> Result:
        entered: list[_Gate] = []
        token = secrets.token_hex(12) if windows else ""
        try:
            for gate in gates:  # a group's slot first: holding it while queueing is only stricter
                await gate.enter()
                entered.append(gate)
            if windows:
                await self._take_shared(windows, token)
            while (pause := self._paused_until - time.monotonic()) > 0:
                await asyncio.sleep(pause)
            return await callback(*args, **kwargs)
        finally:
            if windows:
                await self._end_shared(windows, token)
            for gate in entered:
                gate.leave()

    async def _take_shared(self, windows: list[Window], token: str) -> None:
        """A slot in each shared window: queued in this process for the overall window, aside
        while only the request's own chat or group is full."""
        assert self.shared is not None
        while True:
            verdict: Verdict
            async with self._shared_turn:
                while not (verdict := await self.shared.take(windows, token)).taken:
                    if verdict.full != OVERALL:
                        break
                    await asyncio.sleep(verdict.wait)
                else:
                    return
            await asyncio.sleep(verdict.wait)

    async def _end_shared(self, windows: list[Window], token: str) -> None:
        """End the request's shared slots (also one cancelled while taking: ending slots never
        taken changes nothing); a failure leaves them to expire after their flight time."""
        assert self.shared is not None
        try:
            await self.shared.end(windows, token)
        except Exception:
            log.warning("could not end shared rate slots %s; they expire", token, exc_info=True)

    def windows(self, data: dict[str, Any]) -> list[Window]:
        """The shared windows a bulk request with ``data`` takes a slot in."""
        if data.get("allow_paid_broadcast", False):
            return [Window("paid", PAID_BROADCAST_LIMIT, 1.0)]
        chat_id = _chat(data.get("chat_id"))
        if chat_id is None:
            return []
        windows = [
            Window(OVERALL, self.overall_limit, self.overall_period),
            Window(f"chat:{chat_id}", self.chat_limit, self.chat_period),
        ]
        if _is_group(chat_id):
            windows.append(Window(f"group:{chat_id}", self.group_limit, self.group_period))
        return windows

    async def room(self, chat_id: int) -> int:
        """How many more bulk messages the group ``chat_id`` takes now (in this process's
        window, and the shared one when there is one); a private chat's per-minute room."""
        if not _is_group(chat_id):
            return int(self.chat_limit * 60 / self.chat_period)
        gate = self._groups.get(chat_id)
        local = self.group_limit
        if gate is not None:
            window = gate.window
            local = max(0, window.limit - window.used())
        if self.shared is None:
            return local
        shared = await self.shared.room(
            Window(f"group:{chat_id}", self.group_limit, self.group_period)
        )
        return min(local, shared)

    def _gates(self, data: dict[str, Any]) -> list[_Gate]:
        if data.get("allow_paid_broadcast", False):
            return [self._paid]
        chat_id = _chat(data.get("chat_id"))
        if chat_id is None:
            return []
        if _is_group(chat_id):
            return [self._group(chat_id), self._overall]
        return [self._overall]

    def _group(self, chat_id: int | str) -> _Gate:
        gate = self._groups.get(chat_id)
        if gate is None:
            if len(self._groups) >= MAX_IDLE_GROUPS:
                self._groups = {key: g for key, g in self._groups.items() if not g.idle()}
            gate = self._groups[chat_id] = _Gate(SlidingWindow(self.group_limit, self.group_period))
        return gate


def _chat(chat_id: object) -> int | str | None:
    """A request's chat: an int id, an ``@username``, or None."""
    if chat_id is None or isinstance(chat_id, int):
        return chat_id
    with contextlib.suppress(ValueError):
        return int(str(chat_id))
    return str(chat_id)


def _is_group(chat_id: int | str) -> bool:
    """Groups, supergroups and channels: negative ids and ``@usernames``."""
    return isinstance(chat_id, str) or chat_id < 0


def retry_after_seconds(exc: RetryAfter) -> float:
    """The seconds Telegram asked to wait: PTB 22 gives whole seconds (and warns that they
    will become a timedelta, which they already are with PTB_TIMEDELTA set)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
