"""One respondent's conversation as loaded inside a transaction."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.answers import (
    COMMENT_KEY,
    NPS_KEY,
    find_answer,
    invitation_answers,
    to_flow_state,
)
from storage.models import Answer, ChatSession, Invitation, Respondent, SurveyRow
from survey.flow import FlowState, Step, next_step
from survey.loader import parse_survey
from survey.schema import Survey

_SURVEYS: dict[int, Survey] = {}


def survey_of(row: SurveyRow) -> Survey:
    """Parse a stored survey once per process: a stored version never changes (save_survey
    refuses other content under the same key and version)."""
    survey = _SURVEYS.get(row.id)
    if survey is None or survey.key != row.key or survey.version != row.version:
        # The key/version check guards against ids reused by a recreated database.
        survey = _SURVEYS[row.id] = parse_survey(row.definition, f"survey {row.key} v{row.version}")
    return survey


@dataclass
class Context:
    """Rows of one conversation, locked for the current transaction."""

    session: AsyncSession
    chat: ChatSession
    invitation: Invitation
    respondent: Respondent
    survey: Survey
    answers: list[Answer] = field(default_factory=list)
    # Tickets whose alert became due in this transaction (a follow-up just ended).
    alerts_due: list[int] = field(default_factory=list)

    @property
    def state(self) -> FlowState:
        state = to_flow_state(self.chat, self.invitation, self.answers)
        nps = find_answer(self.answers, NPS_KEY, "nps")
        comment = find_answer(self.answers, COMMENT_KEY, "comment")
        # the values themselves, for the summary
        return replace(
            state,
            nps=nps.level if nps is not None else None,
            comment=comment.text if comment is not None else None,
        )

    @property
    def step(self) -> Step:
        return next_step(self.survey, self.state)

    @property
    def actor(self) -> str:
        return f"respondent:{self.respondent.id}"


async def load_context(session: AsyncSession, chat: ChatSession) -> Context | None:
    """The conversation of a chat session, or None when it has no invitation."""
    if chat.invitation_id is None:
        return None
    invitation = await session.scalar(
        select(Invitation)
        .where(Invitation.id == chat.invitation_id)
        .options(selectinload(Invitation.respondent), selectinload(Invitation.campaign))
        .with_for_update()
    )
    if invitation is None:
        return None
    survey_row = await session.get(SurveyRow, invitation.campaign.survey_id)
    assert survey_row is not None
    answers = await invitation_answers(session, invitation.id)
    return Context(session, chat, invitation, invitation.respondent, survey_of(survey_row), answers)
