"""The ticket board's figures: active, untaken and overdue tickets per department and per
owner, and each ticket's next deadline in working days.

Overdue is storage.ticket_lists' rule (``overdue_clause``, ``is_overdue``): active, and no plan
past the plan deadline or past the planned completion. A ticket's next deadline is the earlier
of those that apply, so it is past exactly when the ticket is overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from storage.models import Campaign, Ticket
from storage.surveys import get_survey
from storage.ticket_lists import overdue_clause
from survey.calendar import WorkingCalendar
from survey.schema import Survey
from survey.tickets import ACTIVE
from survey.vocabulary import TicketStatus


class BoardBy(StrEnum):
    """What the board's counts are grouped by."""

    DEPARTMENT = "department"
    OWNER = "owner"


class DeadlineKind(StrEnum):
    """Which deadline a ticket faces next."""

    PLAN = "plan"  # the corrective-action plan, 2 working days after the alert
    COMPLETION = "completion"  # the planned completion the plan set


@dataclass(frozen=True)
class BoardGroup:
    """One department's or owner's tickets (``name`` None: none set / not taken yet)."""

    name: str | None
    active: int
    untaken: int  # still open: nobody has taken it
    overdue: int


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


async def board_counts(
    session: AsyncSession, by: BoardBy, *, now: datetime, wanted: list[ColumnElement[bool]]
) -> list[BoardGroup]:
    """Active tickets matching ``wanted`` (storage.ticket_lists.ticket_filters) grouped by
    department or owner, most overdue first, those without a name last."""
    column = Ticket.department if by == BoardBy.DEPARTMENT else Ticket.owner
    query = (
        select(
            column,
            func.count(),
            _count(Ticket.status == TicketStatus.OPEN),
            _count(overdue_clause(now)),
        )
        .where(Ticket.status.in_(sorted(ACTIVE)), *wanted)
        .group_by(column)
    )
    groups = [
        BoardGroup(name, int(active), int(untaken), int(overdue))
        for name, active, untaken, overdue in (await session.execute(query)).tuples()
    ]
    return sorted(groups, key=lambda g: (g.name is None, -g.overdue, -g.active, g.name or ""))


@dataclass(frozen=True)
class Deadline:
    """The next deadline of an active ticket: past exactly when ``is_overdue`` says so."""

    kind: DeadlineKind
    at: datetime
    past: bool
    working_days: int  # working days to it, or (past) since it


def next_deadline(ticket: Ticket, now: datetime, calendar: WorkingCalendar) -> Deadline | None:
    """The earlier of the plan deadline (while there is no plan) and the planned completion;
    None for a closed ticket or one whose plan clock has not started (its alert not sent)."""
    if ticket.status not in ACTIVE:
        return None
    candidates = []
    if ticket.plan is None and ticket.plan_due_at is not None:
        candidates.append((ticket.plan_due_at, DeadlineKind.PLAN))
    if ticket.due_at is not None:
        candidates.append((ticket.due_at, DeadlineKind.COMPLETION))
    if not candidates:
        return None
    at, kind = min(candidates)
    # A deadline at midnight ends the day before (a ticket alerted on Saturday with 2 working
    # days is due at Wednesday 00:00: the end of Tuesday), so count to its last instant's day.
    last = at - timedelta(microseconds=1)
    if at < now:
        return Deadline(kind, at, True, calendar.working_days_between(last, now))
    return Deadline(kind, at, False, calendar.working_days_between(now, last))


@dataclass(frozen=True)
class BoardChoices:
    """What the board's filters offer: the campaigns with tickets, departments and owners."""

    campaigns: list[str]
    departments: list[str]
    owners: list[str]


async def board_choices(session: AsyncSession) -> BoardChoices:
    """Every campaign key, department and owner some ticket has, sorted."""
    keys = await session.scalars(
        select(Campaign.key)
        .where(select(Ticket.id).where(Ticket.campaign_id == Campaign.id).exists())
        .order_by(Campaign.key)
    )

    async def distinct(column: InstrumentedAttribute[str | None]) -> list[str]:
        rows = await session.scalars(
            select(column).where(column.is_not(None)).distinct().order_by(column)
        )
        return [value for value in rows if value is not None]

    return BoardChoices(list(keys), await distinct(Ticket.department), await distinct(Ticket.owner))


async def campaign_surveys(session: AsyncSession, campaign_ids: set[int]) -> dict[int, Survey]:
    """The questionnaire of each of these campaigns, each survey version parsed once."""
    rows = await session.execute(
        select(Campaign.id, Campaign.survey_id).where(Campaign.id.in_(sorted(campaign_ids)))
    )
    parsed: dict[int, Survey] = {}
    out: dict[int, Survey] = {}
    for campaign_id, survey_id in rows.tuples():
        if survey_id not in parsed:
            parsed[survey_id] = await get_survey(session, survey_id)
        out[campaign_id] = parsed[survey_id]
    return out
