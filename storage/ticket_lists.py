"""Read-only ticket queries: filtered pages, the overdue list, the monthly review, call-backs,
and the tickets whose staff alert nobody has received.

A ticket is overdue while it is active and either has no plan past its plan deadline (2
working days after it was sent, seed 001 §6.4.2) or is past its planned completion date.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import outbox
from storage.models import Campaign, Customer, OutboundMessage, Respondent, Ticket, TicketEvent
from survey.errors import TicketNotFound
from survey.tickets import ACTIVE
from survey.vocabulary import OutboxKind, OutboxState, TicketStatus

DEFAULT_LIMIT = 50


def overdue_clause(at: datetime) -> ColumnElement[bool]:
    """SQL for "active, and no plan past plan_due_at or past due_at" at moment ``at``."""
    return and_(
        Ticket.status.in_(sorted(ACTIVE)),
        or_(
            and_(Ticket.plan.is_(None), Ticket.plan_due_at < at),
            Ticket.due_at < at,
        ),
    )


def undelivered_clause() -> ColumnElement[bool]:
    """SQL for "no staff chat has received the ticket's alert, and it says why": the alert is
    pending with a reason (no chat configured, a retry) or failed, other than skipped on purpose
    (the ticket closed first)."""
    return exists(
        select(OutboundMessage.id).where(
            OutboundMessage.ticket_id == Ticket.id, _undelivered_alert()
        )
    )


def _undelivered_alert() -> ColumnElement[bool]:
    return and_(
        OutboundMessage.kind == OutboxKind.ALERT,
        or_(
            and_(OutboundMessage.state == OutboxState.PENDING, OutboundMessage.error.is_not(None)),
            and_(
                OutboundMessage.state == OutboxState.FAILED,
                ~OutboundMessage.error.startswith(outbox.SKIPPED, autoescape=True),
            ),
        ),
    )


async def alert_errors(session: AsyncSession, ticket_ids: Collection[int]) -> dict[int, str]:
    """Why the alert of each of these tickets has not reached a staff chat (tickets whose alert
    went out, or is simply not due yet, are absent)."""
    if not ticket_ids:
        return {}
    rows = await session.execute(
        select(OutboundMessage.ticket_id, OutboundMessage.error).where(
            OutboundMessage.ticket_id.in_(sorted(ticket_ids)), _undelivered_alert()
        )
    )
    return {t: error for t, error in rows.tuples() if t is not None and error is not None}


async def undelivered_alert_count(session: AsyncSession) -> int:
    """How many ticket alerts no staff chat has received (``undelivered_clause``)."""
    count = await session.scalar(
        select(func.count()).select_from(OutboundMessage).where(_undelivered_alert())
    )
    return int(count or 0)


def is_overdue(ticket: Ticket, now: datetime) -> bool:
    """The Python twin of ``overdue_clause`` for one loaded ticket."""
    if ticket.status not in ACTIVE:
        return False
    plan_late = ticket.plan is None and ticket.plan_due_at is not None and ticket.plan_due_at < now
    return plan_late or (ticket.due_at is not None and ticket.due_at < now)


def ticket_filters(
    *,
    campaign_id: int | None = None,
    status: str | None = None,
    kind: str | None = None,
    department: str | None = None,
    owner: str | None = None,
    overdue_at: datetime | None = None,
    undelivered: bool = False,
) -> list[ColumnElement[bool]]:
    """SQL for every given filter of a ticket list (None: not filtered on), which the lists
    and the dashboard's board counts share."""
    wanted: list[ColumnElement[bool]] = []
    columns: list[tuple[Any, object]] = [
        (Ticket.campaign_id, campaign_id),
        (Ticket.status, status),
        (Ticket.kind, kind),
        (Ticket.department, department),
        (Ticket.owner, owner),
    ]
    wanted.extend(column == value for column, value in columns if value is not None)
    if overdue_at is not None:
        wanted.append(overdue_clause(overdue_at))
    if undelivered:
        wanted.append(undelivered_clause())
    return wanted


async def list_tickets(
    session: AsyncSession,
    *,
    campaign_id: int | None = None,
    status: str | None = None,
    kind: str | None = None,
    department: str | None = None,
    owner: str | None = None,
    overdue_at: datetime | None = None,
    undelivered: bool = False,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> tuple[list[Ticket], int]:
    """One page of tickets matching every given filter (oldest first) and the total count."""
    wanted = ticket_filters(
        campaign_id=campaign_id,
        status=status,
        kind=kind,
        department=department,
        owner=owner,
        overdue_at=overdue_at,
        undelivered=undelivered,
    )
    total = await session.scalar(select(func.count()).select_from(Ticket).where(*wanted))
    rows = await session.scalars(
        select(Ticket).where(*wanted).order_by(Ticket.id).limit(limit).offset(offset)
    )
    return list(rows), int(total or 0)


async def review_list(session: AsyncSession, *, now: datetime) -> list[Ticket]:
    """The monthly progress review (seed 001 §6.5.1): active tickets with a plan, oldest first.

    Pair each with ``is_overdue(ticket, now)`` to show which are behind.
    """
    rows = await session.scalars(
        select(Ticket)
        .where(
            Ticket.status.in_(sorted(ACTIVE)), Ticket.plan.is_not(None), Ticket.created_at <= now
        )
        .order_by(Ticket.created_at, Ticket.id)
    )
    return list(rows)


async def callback_reports(
    session: AsyncSession, *, campaign_id: int | None = None
) -> list[Ticket]:
    """Escalated tickets, now or before closing (seed 001 §6.4.3), oldest first.

    ``ticket.callback_report`` tells whether the call-back report is written.
    """
    # a status change is recorded with the new status as its action
    escalated_once = select(TicketEvent.ticket_id).where(
        TicketEvent.action == TicketStatus.ESCALATED
    )
    query = select(Ticket).where(
        or_(Ticket.status == TicketStatus.ESCALATED, Ticket.id.in_(escalated_once))
    )
    if campaign_id is not None:
        query = query.where(Ticket.campaign_id == campaign_id)
    return list(await session.scalars(query.order_by(Ticket.id)))


async def get_ticket(session: AsyncSession, ticket_id: int) -> Ticket:
    """The ticket with this id, or ``TicketNotFound``."""
    ticket = await session.get(Ticket, ticket_id)
    if ticket is None:
        raise TicketNotFound(ticket_id)
    return ticket


async def ticket_history(session: AsyncSession, ticket_id: int) -> list[TicketEvent]:
    """Who did what to a ticket, and when, oldest first."""
    rows = await session.scalars(
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket_id)
        .order_by(TicketEvent.at, TicketEvent.id)
    )
    return list(rows)


@dataclass(frozen=True)
class TicketNames:
    """What people know some tickets by, keyed by the ids the tickets hold."""

    campaign_keys: dict[int, str]  # campaign id → key
    people: dict[int, tuple[str, Customer]]  # respondent id → (external id, customer)
    alert_errors: dict[int, str]  # ticket id → why its alert is undelivered


async def ticket_names(session: AsyncSession, tickets: Sequence[Ticket]) -> TicketNames:
    """The campaign keys, respondents' external ids, customers and alert problems of
    ``tickets``, in three queries whatever their number."""
    campaign_ids = {t.campaign_id for t in tickets if t.campaign_id is not None}
    keys = await session.execute(
        select(Campaign.id, Campaign.key).where(Campaign.id.in_(campaign_ids))
    )
    people = await session.execute(
        select(Respondent.id, Respondent.external_id, Customer)
        .join(Customer, Customer.id == Respondent.customer_id)
        .where(Respondent.id.in_({t.respondent_id for t in tickets}))
    )
    return TicketNames(
        campaign_keys=dict(keys.tuples().all()),
        people={
            respondent_id: (external_id, customer)
            for respondent_id, external_id, customer in people
        },
        alert_errors=await alert_errors(session, {t.id for t in tickets}),
    )
