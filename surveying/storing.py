"""The effects of a transition written as rows: answers with their audit trail, follow-ups,
tickets (their alerts queued or released in the same transaction) and the invitation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.answers import drop_follow_up, find_answer, follow_up_row, put_answer
from storage.models import Answer
from storage.tickets import describe_follow_up, open_or_update_ticket, withdraw_ticket
from storage.types import utcnow
from survey.effects import (
    AnswerStored,
    Effect,
    FollowUpStored,
    FollowUpVoided,
    InvitationCompleted,
    LanguageChosen,
    TicketDescribed,
    TicketOpened,
    TicketWithdrawn,
)
from survey.vocabulary import AnswerKind, InvitationState
from surveying.response import Response


@dataclass
class Stored:
    """Tickets touched: ``tickets`` by question (opened or updated), ``opened`` the new ones
    (their alert queued, held for the follow-up), ``alerts_due`` those whose alert may go now."""

    tickets: dict[str, int] = field(default_factory=dict)
    opened: list[int] = field(default_factory=list)
    alerts_due: list[int] = field(default_factory=list)


async def store(
    session: AsyncSession,
    response: Response,
    effects: tuple[Effect, ...] | list[Effect],
    *,
    actor: str | None = None,
    now: datetime | None = None,
) -> Stored:
    """Write ``effects`` in the session's transaction, in order; ``actor`` is who the tickets'
    history names (default: the respondent)."""
    now = now or utcnow()
    invitation, answers, actor = response.invitation, response.answers, actor or response.actor
    stored = Stored()
    for effect in effects:
        match effect:
            case AnswerStored(kind, question, level, text):
                await put_answer(
                    session, invitation, answers, question=question, kind=kind, level=level,
                    na=effect.na, text=text, now=now, channel=response.channel,
                    interviewer=response.interviewer,
                )  # fmt: skip
            case FollowUpStored(question, stage, causes, text):
                row = await follow_up_row(
                    session, invitation, answers, question,
                    channel=response.channel, interviewer=response.interviewer,
                )  # fmt: skip
                row.follow_up_stage, row.causes, row.text = stage, list(causes), text
            case FollowUpVoided(question):
                await drop_follow_up(session, answers, question)
            case TicketOpened(question, _):
                question_row = response.survey.question(question)
                ticket, created = await open_or_update_ticket(
                    session,
                    answer=_likert(answers, question),
                    invitation=invitation,
                    department=question_row.department if question_row else None,
                    actor=actor,
                    now=now,
                )
                stored.tickets[question] = ticket.id
                if created:
                    stored.opened.append(ticket.id)
            case TicketWithdrawn(question):
                await withdraw_ticket(session, _likert(answers, question), actor, now)
            case TicketDescribed(question, causes, text):
                likert = find_answer(answers, question, AnswerKind.LIKERT)
                ticket_id = None
                if likert is not None:
                    ticket_id = await describe_follow_up(session, likert, list(causes), text, actor)
                if ticket_id is not None:
                    stored.alerts_due.append(ticket_id)
            case InvitationCompleted():
                invitation.state, invitation.completed_at = InvitationState.COMPLETED, now
            case LanguageChosen(language):
                response.respondent.language = language
    return stored


def _likert(answers: list[Answer], question: str) -> Answer:
    answer = find_answer(answers, question, AnswerKind.LIKERT)
    assert answer is not None  # a ticket effect follows the answer it is about
    return answer
