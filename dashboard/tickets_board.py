"""``/dashboard/tickets``: the ticket board — active, untaken and overdue tickets by department
and by owner, and the tickets themselves with their next deadline in working days, filtered by
campaign, department, status, owner and overdue (the API's ``GET /tickets`` filters, through
the same query)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Final

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response

from dashboard import ticket_texts as ticket_texts
from dashboard.deps import ReadDb, Viewer
from dashboard.rendering import PREFIX, language_of, message_page, render
from dashboard.ticket_details import local_time
from dashboard.tickets_view import NulFree, calendar_of, settings_of, ticket_views
from storage.campaigns import campaign_by_key
from storage.ticket_board import BoardBy, board_choices, board_counts
from storage.ticket_lists import list_tickets, ticket_filters
from storage.types import utcnow
from survey.vocabulary import TicketStatus

BOARD: Final = PREFIX + "/tickets"
PAGE_SIZE: Final = 50
MAX_PAGE: Final = 100_000
# As long as the columns they filter (storage.models.Ticket, Campaign).
KEY_LENGTH, DEPARTMENT_LENGTH, OWNER_LENGTH = 80, 80, 120

Text = Annotated[str | None, Query(max_length=OWNER_LENGTH), NulFree]


def _given(value: str | None) -> str | None:
    """A filter left at "any" is sent empty: not filtered on."""
    return value.strip() or None if value is not None else None


def _status(value: str | None) -> TicketStatus | None:
    status = _given(value)
    if status is None:
        return None
    if status not in TicketStatus.__members__.values():
        problem = {"loc": ("query", "status"), "msg": "not a ticket status", "type": "enum"}
        raise RequestValidationError([problem])
    return TicketStatus(status)


@dataclass(frozen=True, slots=True)
class Chosen:
    """The filters as given (None: any)."""

    campaign: str | None
    department: str | None
    status: TicketStatus | None
    owner: str | None
    overdue: bool


def tickets_board_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get(BOARD, response_class=HTMLResponse)
    async def board(
        request: Request,
        signed: Viewer,
        session: ReadDb,
        campaign: Annotated[str | None, Query(max_length=KEY_LENGTH), NulFree] = None,
        department: Annotated[str | None, Query(max_length=DEPARTMENT_LENGTH), NulFree] = None,
        status: Annotated[str | None, Query(max_length=20)] = None,
        owner: Text = None,
        overdue: bool = False,
        page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    ) -> Response:
        settings = settings_of(request)
        now = utcnow()
        chosen = Chosen(
            _given(campaign), _given(department), _status(status), _given(owner), overdue
        )
        campaign_id = None
        if chosen.campaign is not None:
            row = await campaign_by_key(session, chosen.campaign)
            if row is None:
                return message_page(
                    request, "not_found_title", "unknown_campaign_filter", status=404,
                    campaign=chosen.campaign,
                )  # fmt: skip
            campaign_id = row.id
        tickets, count = await list_tickets(
            session,
            campaign_id=campaign_id,
            department=chosen.department,
            status=chosen.status,
            owner=chosen.owner,
            overdue_at=now if overdue else None,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        wanted = ticket_filters(
            campaign_id=campaign_id,
            department=chosen.department,
            status=chosen.status,
            owner=chosen.owner,
        )
        lang = language_of(request)
        views = await ticket_views(
            session, tickets, now=now, calendar=calendar_of(settings), lang=lang
        )
        first = (page - 1) * PAGE_SIZE + 1
        context = {
            "nav": "tickets",
            "chosen": chosen,
            "choices": await board_choices(session),
            "statuses": list(TicketStatus),
            "by_department": await board_counts(
                session, BoardBy.DEPARTMENT, now=now, wanted=wanted
            ),
            "by_owner": await board_counts(session, BoardBy.OWNER, now=now, wanted=wanted),
            "views": views,
            "count": count,
            "first": first,
            "last": first + len(views) - 1,
            "page": page,
            "pages": (count + PAGE_SIZE - 1) // PAGE_SIZE,
            "query": {k: v for k, v in request.query_params.items() if k != "page"},
            "when": lambda moment: local_time(moment, settings.timezone),
            "calendar": f"{settings.holidays}, {settings.timezone}",
            "board": BOARD,
        }
        return render(request, "tickets_board.html", context)

    return router
