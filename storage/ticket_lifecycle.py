"""Staff changes to a ticket: taking it, moving it through the lifecycle, classifying it.

Every change is checked against survey/tickets.py first and writes one ``TicketEvent`` (who,
what, when). Rows are locked for the change, so concurrent edits queue up instead of racing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Ticket, TicketEvent
from storage.types import utcnow
from survey.errors import InvalidValue, TicketNotFound, TicketRuleBroken
from survey.tickets import ACTIVE, check_due, check_transition
from survey.vocabulary import TicketKind, TicketStatus


def ticket_event(
    ticket_id: int, actor: str, action: str, detail: str | None, at: datetime
) -> TicketEvent:
    """A history row (add it to the session)."""
    return TicketEvent(ticket_id=ticket_id, at=at, actor=actor, action=action, detail=detail)


async def lock_ticket(session: AsyncSession, ticket_id: int) -> Ticket:
    """The ticket, locked until the transaction ends, or ``TicketNotFound``."""
    ticket: Ticket | None = await session.scalar(
        select(Ticket)
        .where(Ticket.id == ticket_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if ticket is None:
        raise TicketNotFound(ticket_id)
    return ticket


async def take_ticket(
    session: AsyncSession,
    ticket_id: int,
    *,
    owner: str,
    owner_telegram_id: int | None,
    now: datetime | None = None,
) -> tuple[Ticket, bool]:
    """Take it: the presser owns the ticket (open → acknowledged); False if already taken.

    The row lock makes two simultaneous presses queue up: the second sees the first's owner.
    """
    now = now or utcnow()
    ticket = await lock_ticket(session, ticket_id)
    if ticket.owner is not None or ticket.status not in ACTIVE:
        return ticket, False
    ticket.owner, ticket.owner_telegram_id = owner, owner_telegram_id
    detail = owner
    if ticket.status == TicketStatus.OPEN:
        ticket.status, ticket.acknowledged_at = TicketStatus.ACKNOWLEDGED, now
        detail = f"{owner}; open → acknowledged"
    session.add(ticket_event(ticket.id, owner, "taken", detail, now))
    return ticket, True


def _filled(current: str, field: str, value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value:
        raise TicketRuleBroken(current, current, f"the {field} must not be empty")
    return value


async def update_ticket(
    session: AsyncSession,
    ticket_id: int,
    *,
    actor: str,
    status: str | None = None,
    plan: str | None = None,
    owner: str | None = None,
    due_at: datetime | None = None,
    callback_report: str | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Change a ticket as staff asked, after checking every rule; one history row per change.

    A plan or call-back report given together with a status counts for that status change.
    """
    now = now or utcnow()
    ticket = await lock_ticket(session, ticket_id)
    current = ticket.status
    plan = _filled(current, "plan", plan)
    callback_report = _filled(current, "call-back report", callback_report)
    owner = _filled(current, "owner", owner)
    if due_at is not None:
        if due_at.tzinfo is None:
            raise TicketRuleBroken(current, current, "due_at needs a time zone")
        check_due(due_at, ticket.alerted_at or ticket.created_at)
    if status is not None:
        check_transition(
            current,
            status,
            plan=plan or ticket.plan,
            callback_report=callback_report or ticket.callback_report,
        )
    events: list[tuple[str, str | None]] = []
    if plan is not None and plan != ticket.plan:
        ticket.plan = plan
        events.append(("plan", plan))
    if callback_report is not None and callback_report != ticket.callback_report:
        ticket.callback_report, ticket.callback_at = callback_report, now
        events.append(("callback_report", callback_report))
    if due_at is not None and due_at != ticket.due_at:
        ticket.due_at = due_at
        events.append(("due_at", due_at.isoformat()))
    if owner is not None and owner != ticket.owner:
        ticket.owner, ticket.owner_telegram_id = owner, None
        events.append(("owner", owner))
    if status is not None and status != current:
        ticket.status = TicketStatus(status)  # check_transition knows it
        if status == TicketStatus.ACKNOWLEDGED and ticket.acknowledged_at is None:
            ticket.acknowledged_at = now
        ticket.closed_at = now if status == TicketStatus.CLOSED else None
        events.append((status, f"from {current}"))
    if note:
        events.append(("note", note.strip()))
    for action, detail in events:
        session.add(ticket_event(ticket.id, actor, action, detail, now))
    await session.flush()
    return ticket


async def set_ticket_kinds(session: AsyncSession, kinds: Mapping[int, str], *, actor: str) -> int:
    """Record the 20/80 split (SPEC §4.7): ticket id → opinion_ticket | internal_memo.

    Returns how many tickets changed kind; unchanged ones get no history row.
    """
    unknown = sorted(set(kinds.values()) - set(TicketKind))
    if unknown:
        raise InvalidValue("kind", f"unknown ticket kind(s) {unknown}; use {', '.join(TicketKind)}")
    now = utcnow()
    changed = 0
    for ticket_id, kind in sorted(kinds.items()):
        ticket = await lock_ticket(session, ticket_id)
        if ticket.kind != kind:
            ticket.kind = TicketKind(kind)
            session.add(ticket_event(ticket.id, actor, "classified", kind, now))
            changed += 1
    return changed
