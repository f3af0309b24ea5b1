"""What the bot does in Telegram once a transition has committed."""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram import InlineKeyboardMarkup

from bot.render import Prompt


@dataclass
class Reply:
    """Messages to send and edit, in this order, after the transaction commits."""

    callback_text: str | None = None
    close: tuple[int, str] | None = None  # (message id, final text): keyboard removed
    markup: tuple[int, InlineKeyboardMarkup] | None = None  # keyboard edited in place
    notices: list[str] = field(default_factory=list)
    prompt: Prompt | None = None  # sent last; becomes the session's prompt message
    opened_tickets: list[int] = field(default_factory=list)
