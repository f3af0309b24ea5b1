"""storage.ticket_board on both databases: the board's counts and each ticket's next deadline
agree with the API's overdue rule (storage.ticket_lists)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from storage.models import Ticket
from storage.ticket_board import BoardBy, BoardGroup, DeadlineKind, board_counts, next_deadline
from storage.ticket_lists import is_overdue, list_tickets, ticket_filters
from storage.types import utcnow
from survey.vocabulary import TicketStatus
from tests.dashboard.ticket_seed import CALENDAR, TAKER, seed_tickets

pytestmark = pytest.mark.both_backends


async def test_counts_by_department_and_owner(sessions) -> None:
    await seed_tickets(sessions)
    now = utcnow()
    async with sessions() as session:
        departments = await board_counts(session, BoardBy.DEPARTMENT, now=now, wanted=[])
        owners = await board_counts(session, BoardBy.OWNER, now=now, wanted=[])
        only_quality = await board_counts(
            session, BoardBy.OWNER, now=now, wanted=ticket_filters(department="quality")
        )
    # most overdue first, then the most active, by name; no name last
    assert departments == [
        BoardGroup("quality", 1, 1, 1),
        BoardGroup("logistics", 1, 1, 0),
        BoardGroup("sales", 1, 1, 0),
        BoardGroup("service", 1, 0, 0),
    ]
    assert owners == [BoardGroup(TAKER, 1, 0, 0), BoardGroup(None, 3, 3, 1)]
    assert only_quality == [BoardGroup(None, 1, 1, 1)]


async def test_the_next_deadline_is_past_exactly_when_overdue(sessions) -> None:
    seeded = await seed_tickets(sessions)
    now = utcnow()
    async with sessions() as session:
        tickets = {t.id: t for t in await session.scalars(select(Ticket))}
        overdue, _ = await list_tickets(session, overdue_at=now)
    assert [t.id for t in overdue] == [seeded.overdue]
    for ticket in tickets.values():
        deadline = next_deadline(ticket, now, CALENDAR)
        if deadline is not None:
            assert deadline.past == is_overdue(ticket, now)
    late = next_deadline(tickets[seeded.overdue], now, CALENDAR)
    assert late is not None and late.kind == DeadlineKind.PLAN and late.past
    assert late.working_days >= 10  # 20 calendar days ago, less 2 working days
    fresh = next_deadline(tickets[seeded.fresh], now, CALENDAR)
    assert fresh is not None and fresh.kind == DeadlineKind.PLAN and not fresh.past
    taken = next_deadline(tickets[seeded.taken], now, CALENDAR)
    assert taken is not None and taken.kind == DeadlineKind.COMPLETION and not taken.past
    assert next_deadline(tickets[seeded.unalerted], now, CALENDAR) is None  # clock not started


def test_a_planned_completion_before_the_plan_deadline_comes_first() -> None:
    monday = datetime(2026, 3, 9, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    ticket = Ticket(
        status="acknowledged",
        plan=None,
        plan_due_at=monday + timedelta(days=2),
        due_at=monday + timedelta(days=1),
    )
    deadline = next_deadline(ticket, monday, CALENDAR)
    assert deadline is not None
    assert (deadline.kind, deadline.past, deadline.working_days) == (
        DeadlineKind.COMPLETION,
        False,
        1,
    )
    after = next_deadline(ticket, monday + timedelta(days=4), CALENDAR)  # Friday
    assert after is not None and after.past and after.working_days == 3  # Wed, Thu, Fri
    assert after.past == is_overdue(ticket, monday + timedelta(days=4))
    ticket.status = "closed"
    assert next_deadline(ticket, monday, CALENDAR) is None


def test_a_deadline_at_midnight_counts_the_day_it_ends() -> None:
    """Alerted on Saturday with 2 working days, the plan is due Wednesday 00:00 in Shanghai —
    the end of Tuesday: 2 working days left (Mon, Tue), not 3; 1 past on Wednesday morning."""
    saturday = datetime(2026, 3, 14, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    due = CALENDAR.add_working_days(saturday, 2)
    assert due.astimezone(CALENDAR.zone).isoformat() == "2026-03-18T00:00:00+08:00"
    ticket = Ticket(status=TicketStatus.OPEN, plan=None, plan_due_at=due, due_at=None)
    left = next_deadline(ticket, saturday, CALENDAR)
    assert left is not None and (left.past, left.working_days) == (False, 2)
    wednesday = due + timedelta(hours=10)
    late = next_deadline(ticket, wednesday, CALENDAR)
    assert late is not None and (late.past, late.working_days) == (True, 1)
