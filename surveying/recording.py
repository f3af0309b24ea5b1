"""A whole response stored at once, by the same rule as the conversation: answers given
outside a chat (an interview typed in later, a test's fixture) open, describe and withdraw
tickets exactly as answering in the chat does. There is no follow-up conversation to resume,
so no follow-up rows: a 1–2's causes and text go straight onto its ticket."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from survey.effects import (
    AnswerStored,
    Effect,
    FollowUpStored,
    FollowUpVoided,
    InvitationCompleted,
)
from survey.flow import COMMENT_CURSOR, NPS_CURSOR
from survey.follow_up import finish_follow_up, give_level
from survey.vocabulary import AnswerKind
from surveying.response import Response
from surveying.storing import store


async def record_answers(
    session: AsyncSession,
    response: Response,
    levels: Mapping[str, int | None],
    *,
    nps: int | None = None,
    comment: str | None = None,
    follow_up: tuple[list[str], str | None] | None = None,
    complete: bool = True,
    actor: str | None = None,
    now: datetime | None = None,
) -> list[int]:
    """Store ``levels`` (None: unable to comment), the NPS when given and the closing comment
    (None: skipped); each 1–2 gets the follow-up ``(causes, text)`` when given. Submits
    unless ``complete`` is false; ``actor`` is who the tickets' history names (default: the
    respondent). Returns the ids of the 1–2s' tickets, in order."""
    state, effects = response.state, list[Effect]()
    for question, level in levels.items():
        state, more = give_level(state, question, level)
        if follow_up is not None and question in state.follow_ups:
            state, described = finish_follow_up(state, question, follow_up[1], tuple(follow_up[0]))
            more += described
        effects += [e for e in more if not isinstance(e, FollowUpStored | FollowUpVoided)]
    if nps is not None:
        effects.append(AnswerStored(AnswerKind.NPS, NPS_CURSOR, level=nps))
    effects.append(AnswerStored(AnswerKind.COMMENT, COMMENT_CURSOR, text=comment))
    if complete:
        effects.append(InvitationCompleted())
    stored = await store(session, response, effects, actor=actor, now=now)
    response.state = state
    return [stored.tickets[q] for q in levels if q in stored.tickets]
