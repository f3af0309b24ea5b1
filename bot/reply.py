"""What the bot does in Telegram once a transition has committed."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from telegram import CallbackQuery, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.render import Prompt

log = logging.getLogger(__name__)


@dataclass
class Reply:
    """Messages to send and edit, in this order, after the transaction commits."""

    callback_text: str | None = None
    close: tuple[int, str] | None = None  # (message id, final text): keyboard removed
    # keyboard edited in place (None: removed)
    markup: tuple[int, InlineKeyboardMarkup | None] | None = None
    notices: list[str] = field(default_factory=list)
    prompt: Prompt | None = None  # sent last; becomes the session's prompt message
    opened_tickets: list[int] = field(default_factory=list)


async def answer_query(query: CallbackQuery, text: str | None = None) -> None:
    """Answer a button press; a query that was answered already or has expired (an update
    delivered again after a failure) must not stop the rest of the reply."""
    try:
        await query.answer(text)
    except BadRequest as exc:
        log.info("callback answer skipped: %s", exc.message)
