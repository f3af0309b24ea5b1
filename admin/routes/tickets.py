"""``/tickets``: corrective actions — filtered lists (``?undelivered=true``: alerts no staff chat
has received), the monthly review, call-back reports, one ticket with its history, and staff
updates through the lifecycle of SPEC §5."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Final
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from admin.deps import SessionDep, StaffKey, ViewerKey
from admin.errors import ErrorBody
from admin.pagination import PageDep
from admin.params import TicketId
from admin.routes.lookups import campaign_or_404
from admin.schemas.fields import CampaignKeyText, Department, TicketOwner, localised
from admin.schemas.tickets import (
    Kind,
    Status,
    TicketDetail,
    TicketEventPublic,
    TicketList,
    TicketPublic,
    TicketsPublic,
    TicketUpdate,
)
from storage.models import Ticket
from storage.ticket_lists import (
    callback_reports,
    is_overdue,
    list_tickets,
    review_list,
    ticket_names,
)
from storage.tickets import get_ticket, ticket_history, update_ticket
from storage.types import utcnow
from survey.settings import Settings

router = APIRouter(prefix="/tickets", tags=["tickets"])


@router.get("")
async def list_all(
    session: SessionDep,
    _key: ViewerKey,
    page: PageDep,
    campaign: Annotated[CampaignKeyText | None, Query(description="A campaign key")] = None,
    status: Annotated[Status | None, Query()] = None,
    kind: Annotated[Kind | None, Query()] = None,
    department: Annotated[Department | None, Query()] = None,
    owner: Annotated[TicketOwner | None, Query()] = None,
    overdue: Annotated[bool, Query(description="Only active tickets past a deadline")] = False,
    undelivered: Annotated[
        bool,
        Query(
            description="Only tickets whose staff alert no chat has received: waiting for a "
            "chat to be configured, being retried, or refused; ``alert_error`` says why"
        ),
    ] = False,
) -> TicketsPublic:
    """Tickets matching every given filter, oldest first."""
    now = utcnow()
    campaign_id = (await campaign_or_404(session, campaign)).id if campaign is not None else None
    tickets, count = await list_tickets(
        session,
        campaign_id=campaign_id,
        status=status,
        kind=kind,
        department=department,
        owner=owner,
        overdue_at=now if overdue else None,
        undelivered=undelivered,
        limit=page.limit,
        offset=page.offset,
    )
    data = await describe(session, tickets, now)
    return TicketsPublic(data=data, count=count, limit=page.limit, offset=page.offset)


@router.get("/review")
async def monthly_review(session: SessionDep, _key: ViewerKey) -> TicketList:
    """The monthly progress review (seed 001 §6.5.1): active tickets with a plan, oldest
    first; ``overdue`` marks those behind their deadline."""
    now = utcnow()
    data = await describe(session, await review_list(session, now=now), now)
    return TicketList(data=data, count=len(data))


@router.get("/callbacks")
async def callbacks(
    session: SessionDep,
    _key: ViewerKey,
    campaign: Annotated[CampaignKeyText | None, Query(description="A campaign key")] = None,
) -> TicketList:
    """Escalated tickets (seed 001 §6.4.3); ``callback_report`` null means still owed."""
    campaign_id = (await campaign_or_404(session, campaign)).id if campaign is not None else None
    tickets = await callback_reports(session, campaign_id=campaign_id)
    data = await describe(session, tickets, utcnow())
    return TicketList(data=data, count=len(data))


@router.get("/{ticket_id}")
async def read_ticket(ticket_id: TicketId, session: SessionDep, _key: ViewerKey) -> TicketDetail:
    """One ticket with its history."""
    return await _detail(session, await get_ticket(session, ticket_id))


def configured_zone(request: Request) -> ZoneInfo:
    """The deployment's CSAT_TIMEZONE, in which moments given without a time zone are read."""
    settings: Settings = request.app.state.settings
    return ZoneInfo(settings.timezone)


ZoneDep = Annotated[ZoneInfo, Depends(configured_zone)]

REFUSED_STEP_EXAMPLE: Final = {
    "error": {
        "status": 409,
        "code": "ticket_rule_broken",
        "message": "cannot go from open to closed: from open it can go to acknowledged, escalated",
        "details": [
            {
                "from": "open",
                "to": "closed",
                "why": "from open it can go to acknowledged, escalated",
                "allowed": ["acknowledged", "escalated"],
            }
        ],
    }
}
LIFECYCLE_CONFLICT: Final[dict[int | str, dict[str, Any]]] = {
    409: {
        "model": ErrorBody,
        "description": (
            "The lifecycle of SPEC §5 does not allow this change: "
            "`open → acknowledged → plan_submitted → in_progress → verifying → closed`, any "
            "active state → `escalated`, `escalated → closed` once a call-back report is given; "
            "`plan_submitted` and `in_progress` need a plan; `closed` is final. `details` is "
            '`[{"from": "open", "to": "closed", "why": "…", '
            '"allowed": ["acknowledged", "escalated"]}]`, `allowed` listing the states the '
            "ticket may go to next (`[]` when closed). A drawn step that lacks its plan or "
            "call-back report, a blank plan, owner or report, or a completion past 3 months "
            'is a 409 too, with `{"from", "to", "why"}` only.'
        ),
        "content": {"application/json": {"example": REFUSED_STEP_EXAMPLE}},
    }
}


@router.patch("/{ticket_id}", responses=LIFECYCLE_CONFLICT)
async def change_ticket(
    ticket_id: TicketId, body: TicketUpdate, session: SessionDep, key: StaffKey, zone: ZoneDep
) -> TicketDetail:
    """Move a ticket on (status), record its plan, owner, planned completion, call-back
    report or a note. Refused changes answer 409 saying why and where the ticket can go."""
    try:
        due_at = localised(body.due_at, zone) if body.due_at is not None else None
    except ValueError as exc:
        problem = {"loc": ("body", "due_at"), "msg": str(exc), "type": "value_error"}
        raise RequestValidationError([problem]) from None
    ticket = await update_ticket(
        session,
        ticket_id,
        actor=key.name,
        status=body.status,
        plan=body.plan,
        owner=body.owner,
        due_at=due_at,
        callback_report=body.callback_report,
        note=body.note,
    )
    return await _detail(session, ticket)


async def _detail(session: AsyncSession, ticket: Ticket) -> TicketDetail:
    (public,) = await describe(session, [ticket], utcnow())
    history = [
        TicketEventPublic.model_validate(e) for e in await ticket_history(session, ticket.id)
    ]
    return TicketDetail(**public.model_dump(), history=history)


async def describe(
    session: AsyncSession, tickets: Sequence[Ticket], now: datetime
) -> list[TicketPublic]:
    """Tickets with the keys people know them by (campaign key, external ids)."""
    names = await ticket_names(session, tickets)
    out = []
    for ticket in tickets:
        respondent, customer = names.people[ticket.respondent_id]
        campaign = names.campaign_keys.get(ticket.campaign_id) if ticket.campaign_id else None
        out.append(
            TicketPublic(
                id=ticket.id,
                campaign=campaign,
                customer_id=customer.external_id,
                customer_name=customer.name,
                customer_class=customer.customer_class,
                respondent_id=respondent,
                question=ticket.question,
                score=ticket.score,
                causes=list(ticket.causes or []),
                comment=ticket.comment,
                severity=ticket.severity,
                kind=ticket.kind,
                department=ticket.department,
                owner=ticket.owner,
                status=ticket.status,
                plan=ticket.plan,
                plan_due_at=ticket.plan_due_at,
                due_at=ticket.due_at,
                alerted_at=ticket.alerted_at,
                acknowledged_at=ticket.acknowledged_at,
                closed_at=ticket.closed_at,
                callback_report=ticket.callback_report,
                callback_at=ticket.callback_at,
                created_at=ticket.created_at,
                updated_at=ticket.updated_at,
                overdue=is_overdue(ticket, now),
                alert_error=names.alert_errors.get(ticket.id),
            )
        )
    return out
