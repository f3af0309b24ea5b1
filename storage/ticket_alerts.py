"""Ticket alerts in the outbox: queued with the ticket, recorded once sent, overdue reminders.

The plan deadline (2 working days, seed 001 §6.4.2) runs from when the ticket is *sent*: the
moment the dispatcher takes its alert up to send it (``start_plan_clock``, so the alert can
show the deadline it set). When no chat can take the alert (none configured, the bot removed)
the same moment counts, the ticket being handed over through the admin API instead
(``GET /tickets?undelivered=true``). An alert with no chat configured for it stays pending
(``WAITING_FOR_CHAT``), looked at again every minute and at once when a process starts.
``record_alert`` then notes where the alert went. Storage reads no settings, so callers pass
the working calendar.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import outbox
from storage.models import FactorRow, OutboundMessage, SurveyRow, Ticket
from storage.ticket_lifecycle import lock_ticket, ticket_event
from storage.ticket_lists import overdue_clause
from survey.calendar import WorkingCalendar
from survey.tickets import ACTIVE, plan_due
from survey.vocabulary import OutboxKind, OutboxState

BOT_ACTOR = "bot"
# The error of an alert kept pending because no staff chat is configured for its department.
WAITING_FOR_CHAT = "waiting for a staff chat"


def alert_key(ticket_id: int) -> str:
    """The outbox key of a ticket's alert: one alert per ticket, ever."""
    return f"alert:{ticket_id}"


async def queue_alert(
    session: AsyncSession, ticket_id: int, *, not_before: datetime | None = None
) -> bool:
    """Queue the staff alert of a ticket, due at ``not_before`` (default: now)."""
    return await outbox.enqueue(
        session,
        kind=OutboxKind.ALERT,
        dedupe_key=alert_key(ticket_id),
        ticket_id=ticket_id,
        not_before=not_before,
    )


async def release_alert(session: AsyncSession, ticket_id: int, *, now: datetime) -> None:
    """Make a ticket's queued alert due now (its follow-up is complete)."""
    await session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.dedupe_key == alert_key(ticket_id),
            OutboundMessage.state == OutboxState.PENDING,
            OutboundMessage.not_before > now,
        )
        .values(not_before=now)
    )


async def release_held_alerts(session: AsyncSession, *, now: datetime) -> int:
    """Make alerts that wait for a staff chat due now: a process that starts may have one."""
    result = await session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.kind == OutboxKind.ALERT,
            OutboundMessage.state == OutboxState.PENDING,
            OutboundMessage.error.startswith(WAITING_FOR_CHAT, autoescape=True),
            OutboundMessage.not_before > now,
        )
        .values(not_before=now)
    )
    return int(cast(CursorResult[Any], result).rowcount)


async def alert_departments(session: AsyncSession) -> set[str | None]:
    """The departments tickets can have, from the factors of every loaded survey; None (the
    default chat's share: /feedback complaints, factors without one) once a survey is loaded."""
    if await session.scalar(select(SurveyRow.id).limit(1)) is None:
        return set()
    rows = await session.scalars(select(FactorRow.department).distinct())
    return {None, *rows.all()}


async def queue_missing_alerts(session: AsyncSession, *, now: datetime | None = None) -> int:
    """Queue alerts for active tickets opened without one (the /feedback complaint path)."""
    queued = select(OutboundMessage.id).where(
        OutboundMessage.ticket_id == Ticket.id, OutboundMessage.kind == OutboxKind.ALERT
    )
    ids = await session.scalars(
        select(Ticket.id).where(
            Ticket.alerted_at.is_(None), Ticket.status.in_(sorted(ACTIVE)), ~exists(queued)
        )
    )
    return sum([await queue_alert(session, i, not_before=now) for i in ids.all()])


async def record_alert(
    session: AsyncSession,
    ticket_id: int,
    *,
    chat_id: int,
    message_id: int,
    now: datetime,
    calendar: WorkingCalendar,
) -> Ticket:
    """The alert reached a staff chat: note where (buttons edit it later) and when."""
    ticket = await lock_ticket(session, ticket_id)
    ticket.alert_chat_id, ticket.alert_message_id = chat_id, message_id
    ticket.alerted_at = now
    if ticket.plan_due_at is None:
        ticket.plan_due_at = plan_due(now, calendar)
    session.add(ticket_event(ticket.id, BOT_ACTOR, "alerted", f"chat {chat_id}", now))
    return ticket


async def alert_is_digest(session: AsyncSession, ticket: Ticket) -> bool:
    """Did the ticket's alert go out in a digest (a message other tickets' alerts share)?"""
    if ticket.alert_chat_id is None or ticket.alert_message_id is None:
        return False
    other = await session.scalar(
        select(Ticket.id)
        .where(
            Ticket.alert_chat_id == ticket.alert_chat_id,
            Ticket.alert_message_id == ticket.alert_message_id,
            Ticket.id != ticket.id,
        )
        .limit(1)
    )
    return other is not None


async def start_plan_clock(
    session: AsyncSession, ticket_id: int, *, now: datetime, calendar: WorkingCalendar
) -> None:
    """The ticket is being sent now: its plan deadline is set unless it was already."""
    ticket = await session.get(Ticket, ticket_id)
    if ticket is not None and ticket.plan_due_at is None:
        ticket.plan_due_at = plan_due(now, calendar)


async def queue_overdue_alerts(
    session: AsyncSession, *, now: datetime, timezone: str = "Asia/Shanghai"
) -> int:
    """Queue an "overdue" alert for each overdue active ticket, at most one per local day."""
    day = now.astimezone(ZoneInfo(timezone)).date().isoformat()
    tickets = await session.scalars(
        select(Ticket)
        .where(overdue_clause(now))
        .order_by(Ticket.id)
        .with_for_update(skip_locked=True)
    )
    queued = 0
    for ticket in tickets.all():
        key = f"overdue:{ticket.id}:{day}"
        if await outbox.enqueue(
            session, kind=OutboxKind.OVERDUE, dedupe_key=key, ticket_id=ticket.id, not_before=now
        ):
            ticket.overdue_alerted_at = now
            queued += 1
    return queued
