"""The e-mail sender: a background loop that plans due reminders and sends queued e-mails.

Invitations and reminders are queued by ``storage.reminders`` in the same outbox as chat
messages, with kinds of their own (``MAIL_KINDS``): this sender claims only those, the bot's
dispatcher only the others, each with a lease, so N processes never send one e-mail twice.
A pass plans due reminders too (as the bot's scheduler does: the planning is idempotent and
row-locked), so a deployment without a Telegram bot still reminds by e-mail.

Outcomes, recorded on the outbox row: sent; no longer wanted (skipped, with why); refused by
the server (failed, and the invitation becomes ``undelivered``: on the account owner's chase
list with the server's reply); the server unreachable or deferring (tried again with backoff,
failed and ``undelivered`` after ``outbox.MAX_ATTEMPTS``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mailing.compose import to_message
from mailing.render import MAIL_KINDS, Unwanted, render_letter
from mailing.smtp import MailRefused, MailTrouble, SmtpConfig, deliver
from storage import outbox
from storage.engine import transaction
from storage.models import OutboundMessage
from storage.reminders import ReminderPolicy, mark_undelivered, plan_reminders
from storage.types import utcnow
from survey.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_BATCH = 20
LEASE_SAFETY = 0.75  # stop sending once this share of the lease has passed: no double sends
# On stop, the e-mail being handed to the server may finish; the rest of the batch goes back at
# once. A server slower than this (its timeout is 30 s) is cancelled: that row keeps its lease
# and is tried again when the lease ends, since the server may have taken it.
STOP_GRACE_SECONDS = 1.5


@dataclass(frozen=True)
class MailPass:
    """What one pass did."""

    reminders_queued: int = 0
    sent: int = 0


class MailSender:
    """Sends the outbox's e-mails every ``settings.scheduler_interval`` seconds, or when woken."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        config: SmtpConfig,
        *,
        clock: Callable[[], datetime] = utcnow,
        batch: int = DEFAULT_BATCH,
        lease: timedelta = outbox.DEFAULT_LEASE,
    ) -> None:
        if not settings.public_url:
            raise ValueError("e-mail carries the web link: set CSAT_PUBLIC_URL")
        self.worker = f"{socket.gethostname()[:30]}:{os.getpid()}:mail:{secrets.token_hex(3)}"
        self.clock = clock
        self.batch = batch
        self._lease = lease
        self._public_url = settings.public_url
        self._sessions = sessions
        self._config = config
        self._interval = settings.scheduler_interval
        self._policy = ReminderPolicy.from_settings(settings)
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    async def run_once(self, now: datetime | None = None) -> MailPass:
        """One pass at ``now`` (default: the clock): plan reminders, send what is due."""
        now = now or self.clock()
        async with transaction(self._sessions) as session:
            planned = await plan_reminders(session, now=now, policy=self._policy)
        return MailPass(planned, await self.send_due(now))

    async def send_due(self, now: datetime) -> int:
        """Send the e-mails due at ``now``; returns how many the server took."""
        async with transaction(self._sessions) as session:
            rows = await outbox.claim_due(
                session,
                worker=self.worker,
                now=now,
                limit=self.batch,
                lease=self._lease,
                kinds=MAIL_KINDS,
            )
        # A slow server (30 s a timeout) must not outlast the lease, or another worker could
        # claim and send the same rows: what is left then goes back, its attempt not counted.
        deadline = time.monotonic() + self._lease.total_seconds() * LEASE_SAFETY
        sent = 0
        for index, row in enumerate(rows):
            if self._stopping:
                await self._release(rows[index:])
                break
            if time.monotonic() > deadline:
                await self._give_back(rows[index:], now)
                break
            try:
                sent += await self._send(row, now)
            except asyncio.CancelledError:  # stop() gave up waiting on a slow server
                await asyncio.shield(self._release(rows[index + 1 :]))
                raise
        return sent

    async def _release(self, rows: list[OutboundMessage]) -> None:
        """Hand unsent rows back as they were, for the next worker (this one is stopping)."""
        if rows:
            async with transaction(self._sessions) as session:
                for row in rows:
                    await outbox.release(session, row.id, worker=self.worker)

    async def _give_back(self, rows: list[OutboundMessage], now: datetime) -> None:
        async with transaction(self._sessions) as session:
            for row in rows:
                await outbox.hold(
                    session,
                    row.id,
                    worker=self.worker,
                    error="lease ran short; not sent",
                    not_before=now,
                )

    async def _send(self, row: OutboundMessage, now: datetime) -> int:
        try:
            async with transaction(self._sessions) as session:
                letter = await render_letter(session, row, public_url=self._public_url, now=now)
            await deliver(self._config, to_message(letter, sender=self._config.sender))
        except Unwanted as exc:
            await self._finish(row, failed=f"{outbox.SKIPPED}{exc}")
        except MailRefused as exc:
            await self._finish(row, failed=f"e-mail {exc}", undelivered=True)
        except MailTrouble as exc:
            await self._again(row, now, f"e-mail: {exc}")
        except Exception as exc:  # a bug must not stop the other e-mails
            log.exception("e-mail outbox row %s failed", row.id)
            await self._again(row, now, repr(exc))
        else:
            async with transaction(self._sessions) as session:
                await outbox.mark_sent(
                    session, row.id, worker=self.worker, telegram_message_id=None, now=now
                )
            return 1
        return 0

    async def _again(self, row: OutboundMessage, now: datetime, error: str) -> None:
        if row.attempts >= outbox.MAX_ATTEMPTS:
            message = f"gave up after {row.attempts} attempts: {error}"
            await self._finish(row, failed=message, undelivered=True)
            return
        async with transaction(self._sessions) as session:
            await outbox.retry_later(
                session,
                row.id,
                worker=self.worker,
                error=error,
                not_before=now + outbox.backoff(row.attempts),
            )

    async def _finish(
        self, row: OutboundMessage, *, failed: str, undelivered: bool = False
    ) -> None:
        """Stop trying; ``undelivered``: the respondent never got it, the owner chases them."""
        log.warning("e-mail outbox row %s (%s) failed: %s", row.id, row.kind, failed)
        async with transaction(self._sessions) as session:
            done = await outbox.mark_failed(session, row.id, worker=self.worker, error=failed)
            if done and undelivered and row.invitation_id is not None:
                await mark_undelivered(session, row.invitation_id)

    def wake(self) -> None:
        """Run a pass now instead of at the end of the interval."""
        self._wake.set()

    def start(self) -> None:
        """Start the background loop (in the running event loop)."""
        if self._task is None or self._task.done():
            self._stopping = False
            self._task = asyncio.create_task(self._loop(), name=f"mail sender {self.worker}")
            log.info(
                "e-mail sender %s via %s:%s", self.worker, self._config.host, self._config.port
            )

    async def stop(self) -> None:
        """Let a pass in flight finish (its outcomes recorded), then end the loop."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), STOP_GRACE_SECONDS)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await self.run_once()
            except Exception:  # the database away: log, and try again next interval
                log.exception("e-mail pass failed")
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)
