"""One respondent's conversation as loaded inside a transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.answers import invitation_answers, to_flow_state
from storage.models import Answer, ChatSession, Invitation, Respondent, SurveyRow
from survey.flow import FlowState, Step, next_step
from survey.loader import parse_survey
from survey.schema import Survey


@lru_cache(maxsize=64)
def _survey_cache(survey_id: int, definition_json: str) -> Survey:
    import json

    return parse_survey(json.loads(definition_json), f"survey {survey_id}")


def survey_of(row: SurveyRow) -> Survey:
    """Parse a stored survey once per process (definitions never change per version)."""
    import json

    return _survey_cache(row.id, json.dumps(row.definition, sort_keys=True))


@dataclass
class Context:
    """Rows of one conversation, locked for the current transaction."""

    session: AsyncSession
    chat: ChatSession
    invitation: Invitation
    respondent: Respondent
    survey: Survey
    answers: list[Answer] = field(default_factory=list)

    @property
    def state(self) -> FlowState:
        return to_flow_state(self.chat, self.invitation, self.answers)

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
