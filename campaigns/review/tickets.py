"""How the campaign's corrective-action tickets stand, for the review: opened, closed on time
or late (against the planned completion date), open in time or overdue (``is_overdue``: no plan
past its plan deadline, or past its completion date), escalated with or without the call-back
report (seed 001 §6.4.3), per department; and how many respondents were marked for a
call-back check (SPEC §6)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Campaign, Invitation, Ticket
from storage.ticket_lists import callback_reports, is_overdue
from survey.vocabulary import TicketStatus


class Standing(StrEnum):
    """Where a ticket stands at the review; each ticket has exactly one."""

    CLOSED_ON_TIME = "closed_on_time"
    CLOSED_LATE = "closed_late"
    CLOSED_UNDATED = "closed_undated"
    OPEN_IN_TIME = "open_in_time"
    OVERDUE = "overdue"


def standing(ticket: Ticket, now: datetime) -> Standing:
    """Closed by its planned completion date or after it (or with none set); else overdue now
    or still in time."""
    if ticket.status == TicketStatus.CLOSED:
        if ticket.due_at is None or ticket.closed_at is None:
            return Standing.CLOSED_UNDATED
        return (
            Standing.CLOSED_ON_TIME if ticket.closed_at <= ticket.due_at else Standing.CLOSED_LATE
        )
    return Standing.OVERDUE if is_overdue(ticket, now) else Standing.OPEN_IN_TIME


@dataclass(frozen=True, slots=True)
class DepartmentTickets:
    """One department's tickets by standing (``department`` None: no department set)."""

    department: str | None
    counts: dict[Standing, int]

    @property
    def opened(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class TicketEffectiveness:
    """The campaign's tickets at ``at``: by standing overall and per department."""

    at: datetime
    opened: int
    counts: dict[Standing, int]
    departments: tuple[DepartmentTickets, ...]
    escalated: int
    callback_written: int
    callback_checks: int

    @property
    def callback_missing(self) -> int:
        return self.escalated - self.callback_written


async def ticket_effectiveness(
    session: AsyncSession, campaign: Campaign, *, now: datetime
) -> TicketEffectiveness:
    """Count the campaign's tickets as they stand at ``now``."""
    tickets = list(await session.scalars(select(Ticket).where(Ticket.campaign_id == campaign.id)))
    by_department: dict[str | None, Counter[Standing]] = {}
    total: Counter[Standing] = Counter()
    for ticket in tickets:
        where = standing(ticket, now)
        total[where] += 1
        by_department.setdefault(ticket.department, Counter())[where] += 1
    escalated = await callback_reports(session, campaign_id=campaign.id)
    checks = await session.scalar(
        select(func.count())
        .select_from(Invitation)
        .where(Invitation.campaign_id == campaign.id, Invitation.callback_check.is_(True))
    )
    departments = tuple(
        DepartmentTickets(name, {s: counts[s] for s in Standing})
        for name, counts in sorted(
            by_department.items(), key=lambda kv: (kv[0] is None, kv[0] or "")
        )
    )
    return TicketEffectiveness(
        at=now,
        opened=len(tickets),
        counts={s: total[s] for s in Standing},
        departments=departments,
        escalated=len(escalated),
        callback_written=sum(t.callback_report is not None for t in escalated),
        callback_checks=int(checks or 0),
    )
