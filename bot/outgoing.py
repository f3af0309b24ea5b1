"""What the outbox dispatcher sends: a renderer turns a queued row into a chat message.

Renderers read the current state (a ticket, an invitation) when the message is sent, not when
it was queued, so an alert shows the latest causes and a reminder is skipped once answered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup

from storage.models import OutboundMessage
from survey.settings import Settings


@dataclass(frozen=True)
class Outgoing:
    """One message to send; an alert also has its ticket and its line for a digest (a burst
    of alerts to one chat goes out as one message, bot/alerts.py)."""

    chat_id: int
    text: str
    reply_markup: InlineKeyboardMarkup | None = None
    ticket_id: int | None = None
    digest_line: str | None = None


class Skip(Exception):
    """The queued message is no longer wanted (answered, closed, no chat to send to)."""


# Returns the message to send, or raises Skip with the reason.
Renderer = Callable[[AsyncSession, OutboundMessage, Settings], Awaitable[Outgoing]]
