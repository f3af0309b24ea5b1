"""A campaign for the ticket board, the funnel and the chase list, seeded through the real
services: invitations sent (in chat to r1, links for the account owners of the others), low
scores answered as the bot stores them (tickets open for each 1–2), alerts recorded as the
dispatcher records them (which starts each plan's 2-working-day clock), one ticket taken."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.campaigns import campaign_by_key, open_invitation
from storage.models import Customer, Respondent, Ticket
from storage.reminders import ReminderPolicy, send_invitations
from storage.ticket_alerts import record_alert
from storage.ticket_lifecycle import take_ticket, update_ticket
from storage.types import utcnow
from survey.calendar import WorkingCalendar
from tests.support import STAFF_CHAT, respond, seed_campaign

KEY = "2026-Q4"
CALENDAR = WorkingCalendar("CN", "Asia/Shanghai")  # the settings' defaults
POLICY = ReminderPolicy(CALENDAR)
OWNERS = {"C1": "Wang Lei", "C2": "刘芳"}  # nobody owns C3
TAKER = "Zhao Min"
LONG_AGO = timedelta(days=20)  # alerted then: the plan is long overdue


@dataclass(frozen=True)
class Seeded:
    tokens: dict[str, str]  # respondent external id → invitation token
    tickets: dict[str, int]  # question → ticket id

    @property
    def overdue(self) -> int:
        """Quality's ticket (r2 answered 20 days ago), nobody took it, no plan: overdue."""
        return self.tickets["QU.product"]

    @property
    def fresh(self) -> int:
        """Logistics' ticket, alerted just now, open."""
        return self.tickets["SP.delivery"]

    @property
    def taken(self) -> int:
        """Service's ticket, taken by ``TAKER``, with a plan due in a month."""
        return self.tickets["TS.response"]

    @property
    def unalerted(self) -> int:
        """Sales' ticket (r3's general impression): its alert has not reached a chat."""
        return self.tickets["GI"]


async def seed_tickets(
    sessions: async_sessionmaker[AsyncSession], *, now: datetime | None = None
) -> Seeded:
    """The campaign ``KEY`` with four tickets (see ``Seeded``) and a chase list: r3 (刘芳's,
    half answered) and r4 (nobody's) have no chat; r1 answered in chat, r2 (Wang Lei's) long
    ago."""
    now = now or utcnow()
    sent_at = now - LONG_AGO
    tokens = await seed_campaign(sessions, key=KEY)
    async with sessions() as session, session.begin():
        for customer, owner in OWNERS.items():
            await session.execute(
                update(Customer).where(Customer.external_id == customer).values(account_owner=owner)
            )
        await session.execute(
            update(Respondent).where(Respondent.external_id == "r1").values(telegram_user_id=1001)
        )
        campaign = await campaign_by_key(session, KEY)
        assert campaign is not None
        await send_invitations(session, campaign, now=sent_at, policy=POLICY)
    async with sessions() as session, session.begin():
        await open_invitation(session, tokens["r1"], 1001, now=sent_at + timedelta(hours=1))
    levels: dict[str, int | None] = {"GI": 4, "SP.delivery": 2, "TS.response": 2}
    follow_up = (["late"], "Two deliveries came a week late")
    ids = await respond(sessions, tokens["r1"], levels, follow_up=follow_up, nps=4, now=now)
    tickets = dict(zip(["SP.delivery", "TS.response"], ids, strict=True))
    answered_long_ago = sent_at + timedelta(hours=2)
    [tickets["QU.product"]] = await respond(
        sessions, tokens["r2"], {"GI": 3, "QU.product": 1}, now=answered_long_ago
    )
    [tickets["GI"]] = await respond(sessions, tokens["r3"], {"GI": 1}, complete=False, now=now)
    alerted_now = utcnow()  # after the follow-ups: the alert waits for them
    async with sessions() as session, session.begin():
        for question, alerted in (
            ("QU.product", answered_long_ago + timedelta(minutes=5)),
            ("SP.delivery", alerted_now),
            ("TS.response", alerted_now),
        ):
            await record_alert(
                session,
                tickets[question],
                chat_id=STAFF_CHAT,
                message_id=tickets[question],
                now=alerted,
                calendar=CALENDAR,
            )
    async with sessions() as session, session.begin():
        await take_ticket(session, tickets["TS.response"], owner=TAKER, owner_telegram_id=None)
        await update_ticket(
            session,
            tickets["TS.response"],
            actor=TAKER,
            status="plan_submitted",
            plan="Call back within a day; a second engineer on the hotline",
            due_at=now + timedelta(days=30),
        )
    return Seeded(tokens, tickets)


async def ticket_row(sessions: async_sessionmaker[AsyncSession], ticket_id: int) -> Ticket:
    async with sessions() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.id == ticket_id))
        assert ticket is not None
        return ticket
