"""``/dashboard/tickets/{id}``: one ticket with its history; staff and admin take it, update it
(plan, owner, planned completion, call-back report, a note, the next status) and close it here
through the very functions the API's ``PATCH /tickets/{id}`` and the bot's "Take" button call
(storage.ticket_lifecycle), so the lifecycle's rules are the same everywhere. A refused change
is the page again, saying why, with what was typed kept."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Final, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dashboard import ticket_texts as ticket_texts
from dashboard.deps import Db, ReadDb, Staff, Viewer, posted
from dashboard.rendering import language_of, message_page, render
from dashboard.signing import Signed
from dashboard.texts import t
from dashboard.ticket_details import event_detail, local_time
from dashboard.tickets_board import BOARD
from dashboard.tickets_view import calendar_of, settings_of, ticket_views
from storage.models import Ticket, TicketEvent
from storage.ticket_lifecycle import take_ticket, update_ticket
from storage.ticket_lists import ticket_history
from storage.types import utcnow
from survey.errors import TicketNotFound, TicketRuleBroken
from survey.tickets import NEEDS_PLAN, NEXT
from survey.vocabulary import TicketStatus

MAX_TICKET_ID: Final = 2**31 - 1  # an INTEGER column: a larger id is no ticket, not an error
TicketId = Annotated[int, Path(ge=1, le=MAX_TICKET_ID)]
Done = Literal["taken", "saved", "nothing"]
# The form's fields, as update_ticket takes them.
TEXT_FIELDS: Final = ("plan", "owner", "callback_report", "note")
MINUTE: Final = "%Y-%m-%dT%H:%M"  # what a datetime-local field holds
MAX_FIELD: Final = 10_000  # a plan of a few pages; more is no plan


class BadDue(ValueError):
    """The planned completion typed is no date and time."""


def _due(value: str, zone: str) -> datetime | None:
    """``2026-03-05T18:00`` from a datetime-local field, read in the company's time zone."""
    if not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadDue(value) from None
    return moment.replace(tzinfo=ZoneInfo(zone)) if moment.tzinfo is None else moment


def blanked(typed: dict[str, str]) -> dict[str, str]:
    """What was typed, without NUL characters (to show it again)."""
    return {name: value.replace("\x00", "") for name, value in typed.items()}


def _same_minute(typed: datetime | None, stored: datetime | None) -> bool:
    """The field shows the stored completion to the minute: sent back as shown, it is kept."""
    if typed is None or stored is None:
        return typed is None
    return typed == stored.replace(second=0, microsecond=0)


def refusal(exc: TicketRuleBroken, lang: str) -> list[str]:
    """Why the lifecycle refused, in the reader's language (from what the error carries)."""

    def name(status: str) -> str:
        return t(f"tstatus_{status}", lang) if status in set(TicketStatus) else status

    if exc.allowed is not None:  # a step the lifecycle does not draw
        if not exc.allowed and exc.current == TicketStatus.CLOSED:
            return [t("refused_final", lang)]
        lines = [t("refused_step", lang, current=name(exc.current), wanted=name(exc.wanted))]
        allowed = "、".join if lang == "zh-CN" else ", ".join
        return [*lines, t("refused_allowed", lang, allowed=allowed(map(name, exc.allowed)))]
    if (exc.current, exc.wanted) == ("plan", "due_at"):
        return [t("refused_due_late", lang)]
    if exc.current == exc.wanted:  # a blank plan, owner or report
        return [t("refused_blank", lang)]
    if exc.wanted in NEEDS_PLAN:
        return [t("refused_needs_plan", lang)]
    if exc.wanted == TicketStatus.CLOSED and exc.current == TicketStatus.ESCALATED:
        return [t("refused_needs_callback", lang)]
    return [t("refused_other", lang, why=exc.why)]


async def _ticket_or_none(session: AsyncSession, ticket_id: int) -> Ticket | None:
    return await session.get(Ticket, ticket_id, populate_existing=True)


async def ticket_page(
    request: Request,
    session: AsyncSession,
    signed: Signed,
    ticket: Ticket,
    *,
    done: str | None = None,
    refused: list[str] | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    settings = settings_of(request)
    lang = language_of(request)
    now = utcnow()
    (view,) = await ticket_views(
        session, [ticket], now=now, calendar=calendar_of(settings), lang=lang
    )
    zone = settings.timezone
    causes = dict(zip(ticket.causes or [], view.causes, strict=False))  # key → its name
    due = (
        ticket.due_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M") if ticket.due_at else ""
    )
    form = {
        "plan": ticket.plan or "",
        "owner": ticket.owner or "",
        "callback_report": ticket.callback_report or "",
        "note": "",
        "due_at": due,
        "status": "",
    } | (typed or {})
    context = {
        "nav": "tickets",
        "view": view,
        "history": await ticket_history(session, ticket.id),
        "next_statuses": [s for s in NEXT[ticket.status] if s != TicketStatus.CLOSED],
        "may_close": TicketStatus.CLOSED in NEXT[ticket.status],
        "may_take": ticket.owner is None and ticket.status != TicketStatus.CLOSED,
        "works": signed.is_staff,
        "done": done,
        "refused": refused,
        "form": form,
        "zone": zone,
        "when": lambda moment: local_time(moment, zone),
        "detail": lambda event: event_detail(event.action, event.detail, zone, lang, causes),
        "board": BOARD,
    }
    return render(request, "tickets_page.html", context, status=status)


async def _event_count(session: AsyncSession, ticket_id: int) -> int:
    """How many history rows the ticket has: each change writes one."""
    count = await session.scalar(
        select(func.count()).select_from(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
    )
    return int(count or 0)


def _not_found(request: Request, ticket_id: int) -> HTMLResponse:
    return message_page(request, "not_found_title", "ticket_not_found", status=404, id=ticket_id)


def tickets_page_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get(BOARD + "/{ticket_id}", response_class=HTMLResponse)
    async def show(
        request: Request,
        ticket_id: TicketId,
        signed: Viewer,
        session: ReadDb,
        done: Done | None = None,
    ) -> Response:
        ticket = await _ticket_or_none(session, ticket_id)
        if ticket is None:
            return _not_found(request, ticket_id)
        return await ticket_page(request, session, signed, ticket, done=done)

    @router.post(BOARD + "/{ticket_id}/take", response_class=HTMLResponse)
    async def take(request: Request, ticket_id: TicketId, signed: Staff, session: Db) -> Response:
        await posted(request, signed)
        try:
            ticket, taken = await take_ticket(
                session, ticket_id, owner=signed.name, owner_telegram_id=None
            )
        except TicketNotFound:
            return _not_found(request, ticket_id)
        if not taken:
            lang = language_of(request)
            why = (
                [t("closed_final", lang)]
                if ticket.status == TicketStatus.CLOSED
                else [t("already_taken", lang, owner=ticket.owner)]
            )
            return await ticket_page(request, session, signed, ticket, refused=why, status=409)
        return RedirectResponse(f"{BOARD}/{ticket_id}?done=taken", status_code=303)

    @router.post(BOARD + "/{ticket_id}", response_class=HTMLResponse)
    async def change(request: Request, ticket_id: TicketId, signed: Staff, session: Db) -> Response:
        fields = await posted(request, signed)
        ticket = await _ticket_or_none(session, ticket_id)
        if ticket is None:
            return _not_found(request, ticket_id)
        typed = {
            name: fields.get(name, "")[:MAX_FIELD] for name in (*TEXT_FIELDS, "due_at", "status")
        }
        lang = language_of(request)
        if any("\x00" in value for value in typed.values()):  # no text holds one
            why = [t("refused_nul", lang)]
            return await ticket_page(
                request, session, signed, ticket, refused=why, typed=blanked(typed), status=422
            )
        try:
            due_at = _due(typed["due_at"], settings_of(request).timezone)
        except BadDue:
            why = [t("refused_due_bad", lang)]
            return await ticket_page(
                request, session, signed, ticket, refused=why, typed=typed, status=422
            )
        # A field left blank is a field not changed; what the page showed comes back unchanged
        # and update_ticket records nothing for it.
        given = {name: typed[name].strip() or None for name in TEXT_FIELDS}
        before = await _event_count(session, ticket_id)
        try:
            ticket = await update_ticket(
                session,
                ticket_id,
                actor=signed.name,
                status=typed["status"].strip() or None,
                due_at=None if _same_minute(due_at, ticket.due_at) else due_at,
                plan=given["plan"],
                owner=given["owner"],
                callback_report=given["callback_report"],
                note=given["note"],
            )
        except TicketRuleBroken as exc:
            current = await _ticket_or_none(session, ticket_id)
            assert current is not None
            return await ticket_page(
                request, session, signed, current, refused=refusal(exc, lang), typed=typed,
                status=409,
            )  # fmt: skip
        done = "saved" if await _event_count(session, ticket_id) > before else "nothing"
        return RedirectResponse(f"{BOARD}/{ticket_id}?done={done}", status_code=303)

    return router
