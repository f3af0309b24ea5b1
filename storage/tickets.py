"""Corrective-action tickets opened for every 1–2, with their history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Answer, Customer, Invitation, Respondent, Ticket, TicketEvent
from storage.types import utcnow


def severity(level: int, customer_weight: float) -> float:
    """(3 − score) × customer weight: a 1 from a KA weighs 4 (seed 001 §6.4.1)."""
    return (3 - level) * customer_weight


async def ticket_for_answer(session: AsyncSession, answer_id: int) -> Ticket | None:
    ticket: Ticket | None = await session.scalar(
        select(Ticket).where(Ticket.answer_id == answer_id)
    )
    return ticket


async def open_or_update_ticket(
    session: AsyncSession,
    *,
    answer: Answer,
    invitation: Invitation,
    department: str | None,
    actor: str,
    now: datetime | None = None,
) -> tuple[Ticket, bool]:
    """The ticket of a 1–2 answer, opened if new (or reopened). Returns (ticket, created)."""
    now = now or utcnow()
    respondent = await session.get(Respondent, invitation.respondent_id)
    assert respondent is not None and answer.level is not None
    customer = await session.get(Customer, respondent.customer_id)
    assert customer is not None
    ticket = await ticket_for_answer(session, answer.id)
    weight = customer.weight
    if ticket is None:
        ticket = Ticket(
            campaign_id=invitation.campaign_id,
            answer_id=answer.id,
            customer_id=customer.id,
            respondent_id=respondent.id,
            question=answer.question,
            score=answer.level,
            severity=severity(answer.level, weight),
            department=department,
            status="open",
            causes=[],
            created_at=now,
        )
        ticket.events.append(
            TicketEvent(at=now, actor=actor, action="opened", detail=f"score {answer.level}")
        )
        session.add(ticket)
        await session.flush()
        return ticket, True
    if ticket.score != answer.level or ticket.status == "closed":
        ticket.score = answer.level
        ticket.severity = severity(answer.level, weight)
        if ticket.status == "closed":
            ticket.status = "open"
        session.add(
            TicketEvent(
                ticket_id=ticket.id,
                at=now,
                actor=actor,
                action="score_changed",
                detail=f"score {answer.level}",
            )
        )
    return ticket, False


async def withdraw_ticket(
    session: AsyncSession, answer: Answer, actor: str, now: datetime | None = None
) -> None:
    """Close the ticket of an answer the respondent raised to 3 or more."""
    ticket = await ticket_for_answer(session, answer.id)
    if ticket is not None and ticket.status != "closed":
        ticket.status = "closed"
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
) -> None:
    """Copy the follow-up's causes and text onto the ticket."""
    ticket = await ticket_for_answer(session, answer.id)
    if ticket is None:
        return
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
