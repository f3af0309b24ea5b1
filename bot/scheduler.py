"""The scheduler: one background loop per process that queues and sends timed work.

Every state lives in the database and every claim takes row locks, so N processes may run a
scheduler each (SPEC §8): reminders are planned once, each outbox row is sent by one worker.
A tick: plan due reminders → queue overdue-ticket alerts (and alerts a ticket missed) → send
the outbox → forget old processed update ids. ``wake()`` runs a tick at once, so an alert goes
out within a second of the answer that caused it. On start, alerts held for want of a staff
chat are made due at once: the process may have been started with the chat they lacked.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from bot.dispatch import Dispatcher, default_renderers
from bot.outgoing import Renderer
from storage.engine import transaction
from storage.models import ProcessedUpdate
from storage.reminders import ReminderPolicy, plan_reminders
from storage.ticket_alerts import release_held_alerts
from storage.tickets import queue_missing_alerts, queue_overdue_alerts
from storage.types import utcnow
from survey.settings import Settings

log = logging.getLogger(__name__)

KEEP_PROCESSED_UPDATES = timedelta(days=2)  # Telegram gives up re-delivering long before
# A tick in flight may finish the message it is sending (the rest of its batch is given back)
# before the loop is cancelled: `csat serve` stops within seconds of SIGTERM.
STOP_GRACE_SECONDS = 1.5


def worker_name() -> str:
    """A worker id unique to this process: host, pid and a random tail."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass(frozen=True)
class TickResult:
    """What one pass did."""

    reminders_queued: int = 0
    alerts_queued: int = 0
    overdue_queued: int = 0
    sent: int = 0
    updates_pruned: int = 0


class Scheduler:
    """Runs ``tick`` every ``settings.scheduler_interval`` seconds, or sooner when woken."""

    def __init__(
        self,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        *,
        worker: str | None = None,
        clock: Callable[[], datetime] = utcnow,
        renderers: dict[str, Renderer] | None = None,
    ) -> None:
        self.worker = worker or worker_name()
        self.clock = clock
        self._sessions = sessions
        self._settings = settings
        self._policy = ReminderPolicy.from_settings(settings)
        self.dispatcher = Dispatcher(
            bot, sessions, settings, renderers or default_renderers(), worker=self.worker
        )
        self._wake = asyncio.Event()
        self._stopping = False
        self._just_started = False  # the first tick after start() releases held alerts
        self._task: asyncio.Task[None] | None = None

    async def tick(self) -> TickResult:
        """One pass; a failing step is logged and the others still run."""
        now = self.clock()
        if self._just_started:  # this process may have the staff chat an earlier one lacked
            self._just_started = False
            await self._step("release held alerts", self._release_held, now)
        reminders = await self._step("plan reminders", self._plan_reminders, now)
        alerts = await self._step("queue missing alerts", self._missing_alerts, now)
        overdue = await self._step("queue overdue alerts", self._overdue, now)
        sent = await self._step("send the outbox", self.dispatcher.dispatch, now)
        pruned = await self._step("prune processed updates", self._prune, now)
        return TickResult(reminders, alerts, overdue, sent, pruned)

    async def _step(
        self, name: str, step: Callable[[datetime], Awaitable[int]], now: datetime
    ) -> int:
        try:
            return await step(now)
        except Exception:
            log.exception("scheduler step %r failed; the next tick tries again", name)
            return 0

    async def _plan_reminders(self, now: datetime) -> int:
        async with transaction(self._sessions) as session:
            return await plan_reminders(session, now=now, policy=self._policy)

    async def _missing_alerts(self, now: datetime) -> int:
        async with transaction(self._sessions) as session:
            return await queue_missing_alerts(session, now=now)

    async def _overdue(self, now: datetime) -> int:
        async with transaction(self._sessions) as session:
            return await queue_overdue_alerts(session, now=now, timezone=self._settings.timezone)

    async def _prune(self, now: datetime) -> int:
        async with transaction(self._sessions) as session:
            result = await session.execute(
                delete(ProcessedUpdate).where(
                    ProcessedUpdate.processed_at < now - KEEP_PROCESSED_UPDATES
                )
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    def wake(self) -> None:
        """Run a tick now instead of at the end of the interval."""
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start the background loop (in the running event loop)."""
        if self.running:
            return
        self._stopping = False
        self.dispatcher.resume()
        self._just_started = True
        self._task = asyncio.create_task(self._loop(), name=f"scheduler {self.worker}")
        log.info("scheduler %s every %ss", self.worker, self._settings.scheduler_interval)

    async def stop(self) -> None:
        """Let a tick in flight finish the message it is sending (recorded; the rest of the
        outbox batch is given back to the queue), then end the loop."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self.dispatcher.stop()
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), STOP_GRACE_SECONDS)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _release_held(self, now: datetime) -> int:
        async with transaction(self._sessions) as session:
            return await release_held_alerts(session, now=now)

    async def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await self.tick()
            except Exception:  # tick guards its steps; this is a last line of defence
                log.exception("scheduler tick failed")
            if self._stopping:
                break
            if self.dispatcher.last_claimed >= self.dispatcher.batch:
                continue  # a full batch: more may be due right now
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._settings.scheduler_interval)
