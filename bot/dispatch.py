"""The outbox dispatcher: claim due messages, render each, send it, record the outcome.

Claiming leases rows to this worker (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so two
processes never send the same row. Each row is rendered in its own transaction and sent with
no transaction open; its outcome is then committed:

- sent → ``mark_sent`` (and for an alert the ticket records where it went);
- ``RetryAfter`` → back to the queue after the wait Telegram asked for (PTB's AIORateLimiter
  has already retried a few times in-process);
- network errors and timeouts → back to the queue with exponential backoff;
- an alert with no staff chat configured (``NoStaffChat``) → kept pending with the reason,
  looked at again a minute later (the scheduler also makes it due when a process starts);
- a burst of alerts or overdue alerts for one chat, more than it takes within the minute (a
  group: 20 a minute less what went in the last minute, as the rate limiter counts), goes as
  digests (bot/alerts.py): one message carries many rows, each marked sent and each ticket
  noting the digest as its alert;
- blocked (403), refused (400, e.g. "chat not found") or ``Skip`` → failed, with the reason;
  a refused invitation or reminder also makes its invitation ``undelivered``, so that the
  chase list hands its link to the account owner.

Telegram's limits: every send is marked as bulk (``rate_limit_args=BULK``), so the bot's rate
limiter (bot/rate_limits.py) keeps 30 msg/s overall and 20/min per group for these and lets
replies to button presses pass at once; this module paces each chat to one message a second.
A timeout after Telegram accepted a message can still lead to a repeat: the Bot API has no
idempotency key, so delivery is at-least-once in that one case and exactly-once otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.alerts import NoStaffChat, digests, render_alert, render_overdue
from bot.invitations import RENDERERS
from bot.outgoing import Outgoing, Renderer, Skip
from bot.rate_limits import (
    BULK,
    DEFAULT_GROUP_LIMIT,
    SlidingWindowRateLimiter,
    retry_after_seconds,
)
from storage import outbox
from storage.engine import transaction
from storage.models import OutboundMessage
from storage.outbox import backoff
from storage.reminders import mark_undelivered
from storage.ticket_alerts import WAITING_FOR_CHAT
from storage.tickets import record_alert, start_plan_clock
from survey.calendar import WorkingCalendar
from survey.settings import Settings
from survey.vocabulary import OutboxKind

log = logging.getLogger(__name__)

DEFAULT_BATCH = 30  # paced 1/s per chat, a batch fits well inside the lease
PER_CHAT_INTERVAL = 1.0  # seconds between two messages to one chat (Telegram's limit)
LEASE_SAFETY = 0.75  # stop sending once this share of the lease has passed: no double sends
HOLD = timedelta(minutes=1)  # an alert waiting for a staff chat is looked at again this often
INVITING = (OutboxKind.INVITATION, OutboxKind.REMINDER)  # a refusal: invitation undelivered
ALERTING = (OutboxKind.ALERT, OutboxKind.OVERDUE)  # a burst of these to one chat: digests


def default_renderers() -> dict[str, Renderer]:
    """Renderers of every kind the outbox holds."""
    return {OutboxKind.ALERT: render_alert, OutboxKind.OVERDUE: render_overdue, **RENDERERS}


@dataclass
class _Ready:
    """A message to send and the outbox rows it carries (several for a digest)."""

    rows: list[OutboundMessage]
    outgoing: Outgoing


class Dispatcher:
    """Sends the outbox's due messages through ``bot``; one instance per worker."""

    def __init__(
        self,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        renderers: dict[str, Renderer],
        *,
        worker: str,
        batch: int = DEFAULT_BATCH,
        lease: timedelta = outbox.DEFAULT_LEASE,
    ) -> None:
        self.bot = bot
        self.worker = worker
        self._sessions = sessions
        self._settings = settings
        self._renderers = renderers
        self.batch = batch
        self.last_claimed = 0  # rows claimed by the last dispatch: a full batch means more wait
        self._lease = lease
        self._calendar = WorkingCalendar(settings.holidays, settings.timezone)
        self._last_sent: dict[int, float] = {}  # chat id → monotonic time of the last send
        self._stopping = asyncio.Event()
        # The marker is ours: a plain Bot takes no rate_limit_args, PTB's AIORateLimiter
        # reads them as a retry count (both only in tests and benchmarks).
        ours = isinstance(getattr(bot, "rate_limiter", None), SlidingWindowRateLimiter)
        self._bulk: dict[str, object] = {"rate_limit_args": BULK} if ours else {}

    def stop(self) -> None:
        """Send nothing more: the message being sent is recorded, the rest of the batch is
        given back to the queue (its leases released) instead of waiting its turn."""
        self._stopping.set()

    def resume(self) -> None:
        """Send again after ``stop`` (the scheduler started again)."""
        self._stopping.clear()

    async def dispatch(self, now: datetime) -> int:
        """Send what is due at ``now``; returns how many messages were delivered."""
        self.last_claimed = 0
        async with transaction(self._sessions) as session:
            rows = await outbox.claim_due(
                session,
                worker=self.worker,
                now=now,
                limit=self.batch,
                lease=self._lease,
                kinds=self._renderers,  # e-mail rows are mailing/'s
            )
        self.last_claimed = len(rows)
        if not rows:
            return 0
        if self._stopping.is_set():
            await self._release(rows)
            return 0
        deadline = time.monotonic() + self._lease.total_seconds() * LEASE_SAFETY
        by_chat: dict[int, list[_Ready]] = {}
        for row in rows:
            outgoing = await self._render(row, now)
            if outgoing is not None:
                by_chat.setdefault(outgoing.chat_id, []).append(_Ready([row], outgoing))
        for chat_id, queue in by_chat.items():
            by_chat[chat_id] = await self._digested(chat_id, queue)
        sent = await asyncio.gather(
            *(self._send_chat(queue, now, deadline) for queue in by_chat.values())
        )
        return sum(sent)

    async def _render(self, row: OutboundMessage, now: datetime) -> Outgoing | None:
        renderer = self._renderers.get(row.kind)
        try:
            if renderer is None:
                raise Skip(f"no renderer for kind {row.kind!r}")
            async with transaction(self._sessions) as session:
                if row.kind == OutboxKind.ALERT and row.ticket_id is not None:
                    # The ticket counts as sent from here: the alert shows the deadline it sets.
                    await start_plan_clock(session, row.ticket_id, now=now, calendar=self._calendar)
                return await renderer(session, row, self._settings)
        except Skip as exc:
            await self._fail(row, f"{outbox.SKIPPED}{exc}", now)
        except NoStaffChat as exc:
            await self._hold(row, f"{WAITING_FOR_CHAT}: {exc}", now)
        except Exception as exc:  # a renderer bug must not stop the other messages
            log.exception("rendering outbox row %s failed", row.id)
            await self._retry(row, now, f"render failed: {exc!r}", now + backoff(row.attempts))
        return None

    async def _digested(self, chat_id: int, queue: list[_Ready]) -> list[_Ready]:
        """The chat's queue with its alerts as digests when more are due than the chat takes
        within a minute (a group: 20 a minute, less what went in the last minute)."""
        alerts = [r for r in queue if r.rows[0].kind in ALERTING]
        if len(alerts) < 2 or len(alerts) <= await self._room(chat_id):
            return queue
        lang = self._settings.staff_language
        digested = digests([r.outgoing for r in alerts], lang)
        by_alert = {id(r.outgoing): r.rows[0] for r in alerts}
        log.info("%d alerts for chat %s go as %d digests", len(alerts), chat_id, len(digested))
        others = [r for r in queue if r.rows[0].kind not in ALERTING]
        carried = [_Ready([by_alert[id(a)] for a in chunk], d) for chunk, d in digested]
        return carried + others

    async def _room(self, chat_id: int) -> int:
        """How many messages the chat takes within the next minute, as the limiter sees it."""
        limiter = getattr(self.bot, "rate_limiter", None)
        if isinstance(limiter, SlidingWindowRateLimiter):
            return await limiter.room(chat_id)
        return DEFAULT_GROUP_LIMIT if chat_id < 0 else int(60 / PER_CHAT_INTERVAL)

    async def _send_chat(self, queue: list[_Ready], now: datetime, deadline: float) -> int:
        """Send one chat's messages in order, a second apart; stop at a flood wait."""
        sent = 0
        for index, ready in enumerate(queue):
            if time.monotonic() > deadline:
                await self._give_back(queue[index:], now, "lease ran short; not sent")
                break
            chat_id = ready.outgoing.chat_id
            wait = self._last_sent.get(chat_id, -PER_CHAT_INTERVAL) + PER_CHAT_INTERVAL
            # The chat's pace, cut short by a stop: the process must not wait out its queue.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), max(0.0, wait - time.monotonic()))
            if self._stopping.is_set():
                await self._release([row for r in queue[index:] for row in r.rows])
                break
            try:
                message = await self.bot.send_message(
                    chat_id,
                    ready.outgoing.text,
                    reply_markup=ready.outgoing.reply_markup,
                    **self._bulk,  # type: ignore[arg-type]
                )
            except RetryAfter as exc:
                later = now + timedelta(seconds=retry_after_seconds(exc))
                await self._give_back(queue[index:], later, f"flood control: {exc}")
                break
            except Forbidden as exc:
                for row in ready.rows:
                    await self._fail(row, f"blocked: {exc.message}", now, refused=True)
            except BadRequest as exc:
                for row in ready.rows:
                    await self._fail(row, f"refused: {exc.message}", now, refused=True)
            except NetworkError as exc:  # includes TimedOut and dropped connections
                for row in ready.rows:
                    await self._retry(row, now, f"network: {exc}", now + backoff(row.attempts))
            except Exception as exc:
                log.exception("sending outbox rows %s failed", [row.id for row in ready.rows])
                for row in ready.rows:
                    await self._retry(row, now, repr(exc), now + backoff(row.attempts))
            else:
                await self._sent(ready, message.message_id, now)
                sent += len(ready.rows)
            finally:
                self._last_sent[chat_id] = time.monotonic()
        return sent

    async def _sent(self, ready: _Ready, message_id: int, now: datetime) -> None:
        """Every row the message carried is sent; each alert's ticket notes where it went (a
        digest's tickets share its message)."""
        for row in ready.rows:
            await self._sent_row(row, ready.outgoing.chat_id, message_id, now)

    async def _sent_row(
        self, row: OutboundMessage, chat_id: int, message_id: int, now: datetime
    ) -> None:
        async with transaction(self._sessions) as session:
            kept = await outbox.mark_sent(
                session,
                row.id,
                worker=self.worker,
                telegram_message_id=message_id,
                chat_id=chat_id,
                now=now,
            )
            if not kept:
                log.warning("outbox row %s was sent after its lease ran out", row.id)
            elif row.kind == OutboxKind.ALERT and row.ticket_id is not None:
                await record_alert(
                    session,
                    row.ticket_id,
                    chat_id=chat_id,
                    message_id=message_id,
                    now=now,
                    calendar=self._calendar,
                )

    async def _fail(
        self, row: OutboundMessage, error: str, now: datetime, *, refused: bool = False
    ) -> None:
        """Stop trying; ``refused``: Telegram will not take it (or never did, after retries)."""
        log.info("outbox row %s (%s) failed: %s", row.id, row.kind, error)
        async with transaction(self._sessions) as session:
            failed = await outbox.mark_failed(session, row.id, worker=self.worker, error=error)
            if row.kind == OutboxKind.ALERT and row.ticket_id is not None:
                # Nobody got the alert: the plan deadline runs from now (admin API handover).
                await start_plan_clock(session, row.ticket_id, now=now, calendar=self._calendar)
            if failed and refused and row.kind in INVITING and row.invitation_id is not None:
                await mark_undelivered(session, row.invitation_id)

    async def _hold(self, row: OutboundMessage, error: str, now: datetime) -> None:
        """The alert cannot go anywhere yet: pending, with why, until a chat is configured."""
        log.info("outbox row %s (%s) held: %s", row.id, row.kind, error)
        async with transaction(self._sessions) as session:
            await outbox.hold(
                session, row.id, worker=self.worker, error=error, not_before=now + HOLD
            )
            if row.ticket_id is not None:
                # As when it fails: the ticket is handed over through the admin API meanwhile.
                await start_plan_clock(session, row.ticket_id, now=now, calendar=self._calendar)

    async def _retry(
        self, row: OutboundMessage, now: datetime, error: str, not_before: datetime
    ) -> None:
        if row.attempts >= outbox.MAX_ATTEMPTS:
            message = f"gave up after {row.attempts} attempts: {error}"
            await self._fail(row, message, now, refused=True)
            return
        async with transaction(self._sessions) as session:
            await outbox.retry_later(
                session, row.id, worker=self.worker, error=error, not_before=not_before
            )

    async def _release(self, rows: list[OutboundMessage]) -> None:
        async with transaction(self._sessions) as session:
            for row in rows:
                await outbox.release(session, row.id, worker=self.worker)

    async def _give_back(self, queue: list[_Ready], not_before: datetime, error: str) -> None:
        async with transaction(self._sessions) as session:
            for row in (row for ready in queue for row in ready.rows):
                await outbox.retry_later(
                    session, row.id, worker=self.worker, error=error, not_before=not_before
                )
