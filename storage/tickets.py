"""Corrective-action tickets opened for every 1–2, with their history.

Opening a ticket queues its staff alert in the same transaction (outbox key ``alert:<id>``),
so no alert is lost or sent twice. The alert is held until the respondent finishes the
follow-up (causes and "what happened", which the alert shows; SPEC §5), at most
``FOLLOW_UP_GRACE`` for one who walks away in the middle.

This module is the one import for ticket work: the lifecycle (ticket_lifecycle), alerts
(ticket_alerts) and queries (ticket_lists) are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Answer, Customer, Invitation, Respondent, Ticket, TicketEvent
from storage.ticket_alerts import (
    queue_alert,
    queue_missing_alerts,
    queue_overdue_alerts,
    record_alert,
    release_alert,
    start_plan_clock,
)
from storage.ticket_lifecycle import lock_ticket, set_ticket_kinds, take_ticket, update_ticket
from storage.ticket_lists import (
    callback_reports,
    get_ticket,
    is_overdue,
    list_tickets,
    review_list,
    ticket_history,
)
from storage.types import utcnow
from survey.tickets import COMPLAINT_LEVEL, severity
from survey.vocabulary import AnswerKind, TicketStatus

FOLLOW_UP_GRACE = timedelta(minutes=3)

__all__ = [
    "callback_reports",
    "describe_follow_up",
    "get_ticket",
    "is_overdue",
    "list_tickets",
    "lock_ticket",
    "open_or_update_ticket",
    "queue_alert",
    "queue_missing_alerts",
    "queue_overdue_alerts",
    "record_alert",
    "release_alert",
    "review_list",
    "set_ticket_kinds",
    "start_plan_clock",
    "take_ticket",
    "ticket_for_answer",
    "ticket_history",
    "update_ticket",
    "withdraw_ticket",
]


async def ticket_for_answer(session: AsyncSession, answer_id: int) -> Ticket | None:
    ticket: Ticket | None = await session.scalar(
        select(Ticket).where(Ticket.answer_id == answer_id)
    )
    return ticket


@dataclass(frozen=True, slots=True)
class Grounds:
    """What a ticket is opened for, as the ticket and its alert show it."""

    level: int  # the level its severity weighs
    score: int | None
    comment: str | None
    detail: str  # its "opened" event says
    hold: timedelta  # how long its alert waits for the follow-up


def grounds(answer: Answer, detail: str | None = None) -> Grounds:
    """A 1–2 (alert held for the follow-up it shows) or a complaint sent as daily feedback
    (no score, weighs like a 1, its text is the comment, alerted at once)."""
    if answer.kind == AnswerKind.FEEDBACK:
        return Grounds(COMPLAINT_LEVEL, None, answer.text, detail or "complaint", timedelta(0))
    assert answer.level is not None
    return Grounds(
        answer.level, answer.level, None, detail or f"score {answer.level}", FOLLOW_UP_GRACE
    )


async def open_or_update_ticket(
    session: AsyncSession,
    *,
    answer: Answer,
    invitation: Invitation | None,
    department: str | None,
    actor: str,
    detail: str | None = None,
    now: datetime | None = None,
) -> tuple[Ticket, bool]:
    """The ticket of a 1–2 answer or of a complaint (``invitation`` None: daily feedback,
    outside any campaign), opened if new, re-scored or reopened if the score changed; the
    alert is queued in the same transaction. Returns (ticket, created)."""
    now = now or utcnow()
    why = grounds(answer, detail)
    respondent = await session.get(Respondent, answer.respondent_id)
    assert respondent is not None
    customer = await session.get(Customer, respondent.customer_id)
    assert customer is not None
    ticket = await ticket_for_answer(session, answer.id)
    weight = customer.weight
    if ticket is None:
        ticket = Ticket(
            campaign_id=invitation.campaign_id if invitation is not None else None,
            answer_id=answer.id,
            customer_id=customer.id,
            respondent_id=respondent.id,
            question=answer.question,
            score=why.score,
            severity=severity(why.level, weight),
            department=department,
            status=TicketStatus.OPEN,
            causes=[],
            comment=why.comment,
            created_at=now,
        )
        ticket.events.append(TicketEvent(at=now, actor=actor, action="opened", detail=why.detail))
        session.add(ticket)
        await session.flush()
        await queue_alert(session, ticket.id, not_before=now + why.hold)
        return ticket, True
    if ticket.score != why.score or ticket.status == TicketStatus.CLOSED:
        ticket.score = why.score
        ticket.severity = severity(why.level, weight)
        if ticket.status == TicketStatus.CLOSED:
            ticket.status = TicketStatus.OPEN
        session.add(
            TicketEvent(
                ticket_id=ticket.id,
                at=now,
                actor=actor,
                action="score_changed",
                detail=why.detail,
            )
        )
    return ticket, False


async def withdraw_ticket(
    session: AsyncSession, answer: Answer, actor: str, now: datetime | None = None
) -> None:
    """Close the ticket of an answer the respondent raised to 3 or more."""
    ticket = await ticket_for_answer(session, answer.id)
    if ticket is not None and ticket.status != TicketStatus.CLOSED:
        ticket.status = TicketStatus.CLOSED
        session.add(
            TicketEvent(
                ticket_id=ticket.id,
                at=now or utcnow(),
                actor=actor,
                action="withdrawn",
                detail=f"respondent changed the score to {answer.level or 'n/a'}",
            )
        )


async def describe_follow_up(
    session: AsyncSession, answer: Answer, causes: list[str], text: str | None, actor: str
) -> int | None:
    """Copy the follow-up's causes and text onto the ticket; its alert may go now. Returns the
    ticket's id (None without a ticket)."""
    ticket = await ticket_for_answer(session, answer.id)
    if ticket is None:
        return None
    await release_alert(session, ticket.id, now=utcnow())
    ticket.causes = list(causes)
    ticket.comment = text
    session.add(
        TicketEvent(
            ticket_id=ticket.id,
            at=utcnow(),
            actor=actor,
            action="follow_up",
            detail=", ".join(causes) or None,
        )
    )
    return ticket.id
