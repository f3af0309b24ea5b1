"""Who may act on a ticket from Telegram (SPEC §5: only staff can see or act on a ticket).

A press counts as staff when it comes from a chat the ticket's alert goes to (its department's
staff group, or the default staff chat, or wherever the alert was actually sent), or from the
private chat of a registered staff member of the ticket's department (or of every department).
Anything else is refused before a ticket is even looked up, so ids cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.alerts import staff_chat
from storage.models import StaffMember, Ticket
from survey.routing import StaffRouting
from survey.settings import Settings


@dataclass(frozen=True, slots=True)
class Press:
    """Where a staff button was pressed, and by whom."""

    user_id: int
    chat_id: int | None  # None: the button was not on a chat message (inline mode)

    @property
    def private(self) -> bool:
        return self.chat_id == self.user_id


def may_ask(press: Press, member: StaffMember | None, settings: Settings) -> bool:
    """Could this press concern any ticket at all? (A stranger is refused without a lookup.)"""
    if press.chat_id in StaffRouting.from_settings(settings).chats:
        return True
    return member is not None and press.private


def ticket_chats(ticket: Ticket, settings: Settings) -> frozenset[int]:
    """The chats a ticket's alerts went or go to."""
    chats = {ticket.alert_chat_id, staff_chat(settings, ticket.department)}
    return frozenset(chat for chat in chats if chat is not None)


def may_act(press: Press, member: StaffMember | None, ticket: Ticket, settings: Settings) -> bool:
    """May this press take or open this ticket?"""
    if press.chat_id in ticket_chats(ticket, settings):
        return True
    if member is None or not press.private:
        return False
    return member.department is None or member.department == ticket.department
