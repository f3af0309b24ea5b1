"""The outbox of messages the scheduler sends: queued in the caller's transaction, sent once.

A row is queued with a unique ``dedupe_key`` (``alert:17``, ``reminder:42:2``), so queuing the
same message twice is a no-op. A sender claims due rows with a lease, skipping rows another
process holds (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite serialises writers anyway), and
only the claimant may mark a row sent: two processes never send the same message.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboundMessage
from storage.types import utcnow
from storage.upserts import insert_ignore
from survey.vocabulary import OutboxState

DEFAULT_LEASE = timedelta(seconds=120)
MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(minutes=10)
# The error of a row failed on purpose (the message is no longer wanted), not for want of a chat.
SKIPPED = "skipped: "


def backoff(attempts: int) -> timedelta:
    """2, 4, 8 … seconds after the 1st, 2nd, 3rd … attempt, at most ten minutes."""
    return min(timedelta(seconds=2 ** max(attempts, 1)), MAX_BACKOFF)


async def enqueue(
    session: AsyncSession,
    *,
    kind: str,
    dedupe_key: str,
    chat_id: int | None = None,
    ticket_id: int | None = None,
    invitation_id: int | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Queue a message unless one with this key was queued before; True when queued now."""
    now = utcnow()
    return await insert_ignore(
        session,
        OutboundMessage,
        kind=kind,
        dedupe_key=dedupe_key,
        chat_id=chat_id,
        ticket_id=ticket_id,
        invitation_id=invitation_id,
        state=OutboxState.PENDING,
        attempts=0,
        not_before=not_before or now,
        created_at=now,
    )


async def claim_due(
    session: AsyncSession,
    *,
    worker: str,
    now: datetime,
    limit: int = 100,
    lease: timedelta = DEFAULT_LEASE,
    kinds: Collection[str] | None = None,
) -> list[OutboundMessage]:
    """Lease up to ``limit`` due messages (of ``kinds``, default any) to ``worker`` (commit
    before sending them): each sender claims the kinds it can send."""
    query = (
        select(OutboundMessage)
        .where(
            OutboundMessage.state == OutboxState.PENDING,
            OutboundMessage.not_before <= now,
            or_(
                OutboundMessage.claimed_until.is_(None),
                OutboundMessage.claimed_until < now,
            ),
        )
        .order_by(OutboundMessage.not_before, OutboundMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if kinds is not None:
        query = query.where(OutboundMessage.kind.in_(list(kinds)))
    rows = list(await session.scalars(query))
    for row in rows:
        row.claimed_by = worker
        row.claimed_until = now + lease
        row.attempts += 1
    await session.flush()
    return rows


async def _finish(session: AsyncSession, row_id: int, worker: str, **values: object) -> bool:
    result = await session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.id == row_id,
            OutboundMessage.claimed_by == worker,
            OutboundMessage.state == OutboxState.PENDING,
        )
        .values(claimed_until=None, **values)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def mark_sent(
    session: AsyncSession,
    message_id: int,
    *,
    worker: str,
    telegram_message_id: int | None,
    chat_id: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Record a delivered message; False if the lease was lost to another worker."""
    values: dict[str, object] = {
        "state": OutboxState.SENT,
        "sent_at": now or utcnow(),
        "error": None,
    }
    values["message_id"] = telegram_message_id
    if chat_id is not None:
        values["chat_id"] = chat_id
    return await _finish(session, message_id, worker, **values)


async def retry_later(
    session: AsyncSession, message_id: int, *, worker: str, error: str, not_before: datetime
) -> bool:
    """Give the message back to the queue after a transient failure."""
    return await _finish(
        session, message_id, worker, error=error[:500], not_before=not_before, claimed_by=None
    )


async def hold(
    session: AsyncSession, message_id: int, *, worker: str, error: str, not_before: datetime
) -> bool:
    """Keep the message pending, with why, until ``not_before``: it cannot go out yet, and is no
    failed attempt either (the claim's count is taken back, so it never runs out of attempts)."""
    return await _finish(
        session,
        message_id,
        worker,
        error=error[:500],
        not_before=not_before,
        claimed_by=None,
        attempts=OutboundMessage.attempts - 1,
    )


async def release(session: AsyncSession, message_id: int, *, worker: str) -> bool:
    """End the lease without sending (the worker is stopping): due as before for the next
    worker, and no attempt counted."""
    return await _finish(
        session, message_id, worker, claimed_by=None, attempts=OutboundMessage.attempts - 1
    )


async def mark_failed(session: AsyncSession, message_id: int, *, worker: str, error: str) -> bool:
    """Stop trying: the chat is unknown, blocked the bot, or the message was refused."""
    return await _finish(session, message_id, worker, state=OutboxState.FAILED, error=error[:500])


async def pending_count(session: AsyncSession) -> int:
    """Messages still waiting to be sent."""
    rows = await session.scalars(
        select(OutboundMessage.id).where(OutboundMessage.state == OutboxState.PENDING)
    )
    return len(rows.all())
