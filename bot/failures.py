"""Updates that failed because the database could not take them now are never lost.

Each update is one transaction, rolled back on failure, and its id is claimed inside that
transaction: processing it again later is safe. So a transient failure (storage/engine.py
``is_transient``) is handed back instead of being acknowledged:

- webhook mode: ``BotService.process_update`` runs the update inside ``collecting()`` and
  raises ``TemporarilyUnavailable``; the route answers 503 and Telegram delivers it again;
- polling mode: the update has already been confirmed to Telegram, so ``Retrier`` processes
  it again in this process after a growing back-off, until it goes through.

The person is told once per update that it was not saved yet — never that it is safe.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Final

from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)
RETRY_DELAYS: Final = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)  # seconds; the last repeats
REMEMBERED: Final = 10_000  # update ids whose failures are remembered (bounded memory)

_collected: ContextVar[list[BaseException] | None] = ContextVar("collected", default=None)


@contextmanager
def collecting() -> Iterator[list[BaseException]]:
    """Collect the transient failures of the update processed inside (webhook mode)."""
    failures: list[BaseException] = []
    token = _collected.set(failures)
    try:
        yield failures
    finally:
        _collected.reset(token)


def hand_back(error: BaseException) -> bool:
    """Give a transient failure to the webhook route, if one is waiting for this update."""
    failures = _collected.get()
    if failures is None:
        return False
    failures.append(error)
    return True


class Retrier:
    """Processes a failed update again after a back-off (polling mode), and remembers which
    updates have failed before so the person is told only once."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        delays: tuple[float, ...] = RETRY_DELAYS,
    ) -> None:
        self._application = application
        self._delays = delays
        self._failures: OrderedDict[int, int] = OrderedDict()  # update id -> failures so far
        self._waiting: dict[int, asyncio.Task[None]] = {}

    def failed(self, update_id: int) -> bool:
        """Count a failure of this update; True when it is its first."""
        count = self._failures.pop(update_id, 0) + 1
        self._failures[update_id] = count
        while len(self._failures) > REMEMBERED:
            self._failures.popitem(last=False)
        return count == 1

    def retry(self, update: Update) -> None:
        """Process the update again after the back-off its failures so far call for."""
        count = self._failures.get(update.update_id, 1)
        delay = self._delays[min(count, len(self._delays)) - 1]
        log.warning(
            "update %s not processed (database unavailable); retry %d in %.0f s",
            update.update_id,
            count,
            delay,
        )
        # Our own task, not Application.create_task: stopping must not wait out a back-off.
        self._waiting[update.update_id] = asyncio.create_task(
            self._again(update, delay), name=f"retry-update-{update.update_id}"
        )

    @property
    def waiting(self) -> int:
        """Updates waiting for another try."""
        return len(self._waiting)

    async def close(self) -> None:
        """Stop retrying; updates still waiting are lost with this process, and logged."""
        tasks = list(self._waiting.values())
        if tasks:
            log.error(
                "stopping with %d update(s) not processed: %s",
                len(tasks),
                ", ".join(str(update_id) for update_id in self._waiting),
            )
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._waiting.clear()

    async def _again(self, update: Update, delay: float) -> None:
        await asyncio.sleep(delay)
        self._waiting.pop(update.update_id, None)
        before = self._failures.get(update.update_id)
        await self._application.process_update(update)
        if self._failures.get(update.update_id) == before:  # it went through this time
            self._failures.pop(update.update_id, None)
            log.info("update %s processed on retry", update.update_id)
