"""A chat whose campaign closed (or whose invitation expired) in the middle of the survey: what
counts as answering, and what the person is told instead (issue 9: closed means closed)."""

from __future__ import annotations

from typing import Final

from bot.reply import Reply
from bot.texts import t
from storage.models import ChatSession
from survey import actions as act
from survey import events as ev
from survey.errors import InvalidAnswer
from survey.vocabulary import ChatMode

# Commands that work with no survey at all, so a closed one does not stop them.
OUTSIDE_THE_SURVEY: Final = frozenset({"language", "cancel", "feedback", "forget"})


def press_answers(data: str | None) -> bool:
    """Would this button answer the survey? (A broken one is treated as if it would.)"""
    try:
        action = act.decode(data)
    except InvalidAnswer:
        return True
    return not isinstance(action, ev.ChooseLanguage | act.ConfirmForget | act.MarkFeedback)


def survey_closed(chat: ChatSession) -> Reply:
    """Say so, and let the chat go back to having no survey, so feedback and the other
    commands work on; nothing is stored."""
    reply = Reply(notices=[t("campaign_closed", chat.language)])
    if chat.prompt_message_id is not None:  # its buttons would answer nothing now
        reply.markup = (chat.prompt_message_id, None)
    chat.invitation_id, chat.cursor, chat.choosing_change = None, None, False
    chat.mode = ChatMode.SURVEY
    return reply
