"""Campaigns for the review tests, seeded through the real services: three campaigns of the
ecss-5 survey answered as the bot stores answers, and four tickets of the last one in each
standing the review counts (closed on time, closed with the call-back report after an
escalation, escalated without one, overdue)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Campaign, Ticket
from storage.ticket_lifecycle import update_ticket
from storage.types import utcnow
from survey.loader import load_template
from tests.support import respond, seed_campaign

CAMPAIGNS = ("2026-Q2", "2026-Q3", "2026-Q4")
LAST = CAMPAIGNS[-1]
QUESTIONS = [q.key for q in load_template("ecss-5").questions()]
STAFF = "staff:Li Na"


@dataclass(frozen=True)
class Seeded:
    """What the tests compare against: the tickets by what was done to them, and a moment at
    which the overdue one is overdue and the others are not."""

    on_time: int
    escalated_closed: int
    escalated_open: int
    overdue: int
    review_at: datetime


async def _answer(sessions: async_sessionmaker[AsyncSession], key: str, low: int) -> None:
    tokens = await seed_campaign(sessions, key=key)
    levels = dict.fromkeys(QUESTIONS, 4)
    await respond(sessions, tokens["r1"], levels | {"QU.product": 5}, nps=9)
    await respond(sessions, tokens["r2"], levels | dict.fromkeys(QUESTIONS[1:5], 5), nps=10)
    # r3 gives ``low`` answers of 2: each opens a ticket
    await respond(sessions, tokens["r3"], levels | dict.fromkeys(QUESTIONS[-low:], 2), nps=3)


async def seed_review(sessions: async_sessionmaker[AsyncSession]) -> Seeded:
    """Three answered campaigns; the last one's four tickets moved through their lifecycle."""
    for n, key in enumerate(CAMPAIGNS):
        await _answer(sessions, key, low=4 if key == LAST else n + 1)
    now = utcnow()
    async with sessions() as session, session.begin():
        on_time, escalated_closed, escalated_open, overdue = await session.scalars(
            select(Ticket.id)
            .join(Campaign, Campaign.id == Ticket.campaign_id)
            .where(Campaign.key == LAST)
            .order_by(Ticket.id)
        )

        async def step(ticket: int, **change: object) -> None:
            await update_ticket(session, ticket, actor=STAFF, now=now, **change)  # type: ignore[arg-type]

        await step(on_time, due_at=now + timedelta(days=20))
        await step(on_time, status="acknowledged")
        await step(on_time, status="plan_submitted", plan="Re-train the packers")
        for status in ("in_progress", "verifying", "closed"):
            await step(on_time, status=status)
        await step(escalated_closed, status="escalated")
        await step(escalated_closed, status="closed", callback_report="Called back; solved")
        await step(escalated_open, status="escalated")
        await step(overdue, due_at=now + timedelta(days=10))
    return Seeded(on_time, escalated_closed, escalated_open, overdue, now + timedelta(days=15))
