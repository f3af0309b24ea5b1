"""Queued e-mail invitations and reminders as letters, read as the invitation is when sent.

As for chat messages (bot/invitations.py), a letter no longer wanted is not sent: the survey
was completed or the respondent opened it before the invitation went out, the invitation
expired, the campaign closed, the respondent was erased or has no address any more.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mailing.compose import Letter, LetterKind, compose
from mailing.texts import DEFAULT_LANGUAGE, pick
from storage.campaigns import messaged_invitation, web_link, why_not_message
from storage.models import Invitation, OutboundMessage, SurveyRow
from survey.vocabulary import InvitationState, OutboxKind
from surveying.response import survey_of

MAIL_KINDS = (OutboxKind.EMAIL_INVITATION, OutboxKind.EMAIL_REMINDER)


class Unwanted(Exception):
    """The letter is no longer wanted (the reason is recorded on the outbox row)."""


async def render_letter(
    session: AsyncSession, row: OutboundMessage, *, public_url: str, now: datetime
) -> Letter:
    """The letter for an outbox row of ``MAIL_KINDS``; ``Unwanted`` when it should not go."""
    invitation = await _wanted(session, row, now)
    respondent = invitation.respondent
    assert respondent.email is not None  # checked by _wanted
    survey_row = await session.get(SurveyRow, invitation.campaign.survey_id)
    assert survey_row is not None  # a campaign's survey is never deleted
    survey = survey_of(survey_row)
    language = respondent.language or DEFAULT_LANGUAGE
    return compose(
        _kind(row, invitation),
        to=respondent.email,
        language=language,
        name=respondent.name,
        title=pick(survey.title, language),
        campaign=invitation.campaign.key,
        count=len(survey.questions()),
        minutes=survey.estimated_minutes(),
        link=web_link(public_url, invitation.token),
    )


def _kind(row: OutboundMessage, invitation: Invitation) -> LetterKind:
    if row.kind == OutboxKind.EMAIL_INVITATION:
        if invitation.state == InvitationState.STARTED:
            raise Unwanted("the respondent opened the survey already")
        return "invitation"
    started = invitation.state == InvitationState.STARTED
    return "reminder_continue" if started else "reminder"


async def _wanted(session: AsyncSession, row: OutboundMessage, now: datetime) -> Invitation:
    invitation = await messaged_invitation(session, row.invitation_id)
    reason = why_not_message(invitation, now)
    if reason is not None:
        raise Unwanted(reason)
    assert invitation is not None  # why_not_message said why otherwise
    if not invitation.respondent.email:
        raise Unwanted("no e-mail address for the respondent")
    return invitation
