"""One respondent's response to an invitation, loaded once per event inside its transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storage.answers import invitation_answers, to_flow_state
from storage.campaigns import takes_answers
from storage.models import Answer, Campaign, Invitation, Respondent, SurveyRow
from survey.flow import FlowState, Progress, Step, next_step
from survey.loader import parse_survey
from survey.schema import Survey
from survey.vocabulary import Channel

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
class Response:
    """The invitation (locked), its survey, its answers and the flow state built from them
    once; ``survey.transition`` moves the state on, ``surveying.storing`` writes the rows,
    marked with the ``channel`` answering (and the ``interviewer`` of a phone or visit)."""

    invitation: Invitation
    survey: Survey
    answers: list[Answer]
    state: FlowState
    channel: Channel = Channel.TELEGRAM
    interviewer: str | None = None

    @property
    def respondent(self) -> Respondent:
        return self.invitation.respondent

    @property
    def step(self) -> Step:
        return next_step(self.survey, self.state)

    @property
    def actor(self) -> str:
        """Who the ticket history says acted."""
        return f"respondent:{self.invitation.respondent_id}"

    def takes_answers(self, now: datetime) -> bool:
        """Not once its campaign closed or the invitation expired (SPEC §4.8)."""
        return takes_answers(self.invitation, now)


async def load_response(
    session: AsyncSession,
    progress: Progress,
    *,
    invitation_id: int | None = None,
    token: str | None = None,
) -> Response | None:
    """The response to the invitation with this id (or token), its row locked for the
    transaction; None when there is none. Two queries: the invitation with its respondent,
    customer, campaign and survey, then the answers."""
    query = (
        select(Invitation)
        .options(
            joinedload(Invitation.respondent, innerjoin=True).joinedload(
                Respondent.customer, innerjoin=True
            ),
            joinedload(Invitation.campaign, innerjoin=True).joinedload(
                Campaign.survey, innerjoin=True
            ),
        )
        .with_for_update(of=Invitation)
    )
    if invitation_id is not None:
        query = query.where(Invitation.id == invitation_id)
    elif token is not None:
        query = query.where(Invitation.token == token)
    else:
        return None
    invitation = await session.scalar(query)
    if invitation is None:
        return None
    answers = await invitation_answers(session, invitation.id)
    survey = survey_of(invitation.campaign.survey)
    return Response(invitation, survey, answers, to_flow_state(progress, invitation, answers))
