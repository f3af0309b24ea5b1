"""``csat tickets list``: corrective-action tickets and where each one's staff alert stands."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from cli.common import console, db_session, run_async
from survey.vocabulary import TicketStatus

if TYPE_CHECKING:
    from storage.models import Ticket

tickets_app = typer.Typer(help="Corrective-action tickets (纠正预防措施).", no_args_is_help=True)
DEFAULT_SHOWN = 200


def _status(value: str | None) -> str | None:
    if value is not None and value not in set(TicketStatus):
        raise typer.BadParameter(
            f"{value!r} is not a ticket status; use one of {', '.join(TicketStatus)}"
        )
    return value


@tickets_app.command("list")
@run_async
async def tickets_list(
    undelivered: bool = typer.Option(
        False,
        "--undelivered",
        help="Only tickets whose alert no staff chat has received (waiting for a chat to be "
        "configured, being retried, or refused), with the reason",
    ),
    status: str | None = typer.Option(
        None,
        metavar="STATUS",
        callback=_status,
        help=f"Only tickets in this status: {', '.join(TicketStatus)}",
    ),
    limit: int = typer.Option(DEFAULT_SHOWN, min=1, help="Show at most this many, oldest first"),
) -> None:
    """List tickets, oldest first: id, status, department, customer, severity, and the alert.

    The last column says where the staff alert went, or why no staff chat has received it.
    """
    from storage.ticket_lists import list_tickets, ticket_names

    async with db_session() as session:
        tickets, total = await list_tickets(
            session, status=status, undelivered=undelivered, limit=limit
        )
        names = await ticket_names(session, tickets)
    for ticket in tickets:
        _, customer = names.people[ticket.respondent_id]
        cells = (
            f"#{ticket.id}",
            ticket.status,
            ticket.department or "-",
            customer.name,
            f"{ticket.severity:g}",
            names.alert_errors.get(ticket.id) or _alert_state(ticket),
        )
        # Plain tab-separated lines: whole reasons (no wrapping) that paste into a sheet.
        print("\t".join(cells))
    shown = "" if total <= len(tickets) else f" (the first {len(tickets)} shown; see --limit)"
    what = "ticket" if total == 1 else "tickets"
    if undelivered:
        what += " whose alert no staff chat has received"
    console.print(f"{total} {what}{shown}", style="dim")


def _alert_state(ticket: Ticket) -> str:
    if ticket.alert_chat_id is not None:
        return f"alert sent to chat {ticket.alert_chat_id}"
    return "alert not sent yet"
