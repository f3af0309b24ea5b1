"""One respondent's response to an invitation, loaded once per event inside its transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer, joinedload

from storage.answers import invitation_answers, to_flow_state
from storage.campaigns import takes_answers
from storage.models import Answer, Campaign, Invitation, Respondent, SurveyRow
from survey.flow import FlowState, Progress, Step, next_step
from survey.loader import parse_survey
from survey.schema import Survey
from survey.vocabulary import Channel

_SURVEYS: dict[int, Survey] = {}


def _cached(row: SurveyRow) -> Survey | None:
    survey = _SURVEYS.get(row.id)
    # The key/version check guards against ids reused by a recreated database.
    if survey is None or survey.key != row.key or survey.version != row.version:
        return None
    return survey


def survey_of(row: SurveyRow) -> Survey:
    """Parse a stored survey once per process: a stored version never changes (save_survey
    refuses other content under the same key and version)."""
    survey = _cached(row)
    if survey is None:
        survey = _SURVEYS[row.id] = parse_survey(row.definition, f"survey {row.key} v{row.version}")
    return survey


async def _survey(session: AsyncSession, row: SurveyRow) -> Survey:
    """``survey_of`` a row loaded without its definition: read only when not parsed yet."""
    survey = _cached(row)
    if survey is None:
        await session.refresh(row, ["definition"])
        survey = survey_of(row)
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


# The invitation with its respondent, campaign and survey's key and version, its row locked;
# built once (each event loads one, and building the query with its options cost more than
# running it).
_INVITATION = (
    select(Invitation)
    .options(
        joinedload(Invitation.respondent, innerjoin=True),
        joinedload(Invitation.campaign, innerjoin=True).options(
            defer(Campaign.plan),
            defer(Campaign.targets),
            joinedload(Campaign.survey, innerjoin=True).load_only(
                SurveyRow.id, SurveyRow.key, SurveyRow.version
            ),
        ),
    )
    .with_for_update(of=Invitation)
)
_BY_ID = _INVITATION.where(Invitation.id == bindparam("id"))
_BY_TOKEN = _INVITATION.where(Invitation.token == bindparam("token"))


async def load_response(
    session: AsyncSession,
    progress: Progress,
    *,
    invitation_id: int | None = None,
    token: str | None = None,
) -> Response | None:
    """The response to the invitation with this id (or token), its row locked for the
    transaction; None when there is none. Two queries: the invitation with its respondent,
    campaign and survey's key and version, then the answers. Per event, only what it needs
    is read: the survey's definition once per process (it is parsed once, ``survey_of``), the
    campaign's plan and targets (a large sample's list) never, the customer when a ticket
    opens (storage.tickets)."""
    if invitation_id is not None:
        invitation = await session.scalar(_BY_ID, {"id": invitation_id})
    elif token is not None:
        invitation = await session.scalar(_BY_TOKEN, {"token": token})
    else:
        return None
    if invitation is None:
        return None
    answers = await invitation_answers(session, invitation.id)
    survey = await _survey(session, invitation.campaign.survey)
    return Response(invitation, survey, answers, to_flow_state(progress, invitation, answers))
