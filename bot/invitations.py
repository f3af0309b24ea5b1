"""Renderers of queued invitations and reminders: the respondent's language, a deep-link button
and, with an https public URL, the same survey as a Mini App (a web_app button).

They read the invitation as it is when the message goes out, not when it was queued: a reminder
for a survey submitted in between, a closed campaign or an erased respondent is skipped.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot.outgoing import Outgoing, Renderer, Skip
from bot.texts import pick, t
from storage.campaigns import deep_link, messaged_invitation, web_link, why_not_message
from storage.models import Invitation, OutboundMessage, SurveyRow
from storage.types import utcnow
from survey.settings import Settings
from survey.vocabulary import InvitationState, OutboxKind
from surveying.response import survey_of

# Respondents without a language get the company's (seed 001 is a Chinese procedure).
DEFAULT_LANGUAGE = "zh-CN"


async def render_invitation(
    session: AsyncSession, row: OutboundMessage, settings: Settings
) -> Outgoing:
    """The invitation: survey title, campaign, length, and a button opening the deep link."""
    invitation = await _wanted(session, row)
    if invitation.state == InvitationState.STARTED:
        raise Skip("the respondent opened the survey already")
    return await _message(session, invitation, settings, "invitation", "open_survey")


async def render_reminder(
    session: AsyncSession, row: OutboundMessage, settings: Settings
) -> Outgoing:
    """A reminder; one who started but did not finish is told they can continue (``/start``)."""
    invitation = await _wanted(session, row)
    if invitation.state == InvitationState.STARTED:
        return await _message(session, invitation, settings, "reminder_continue", "continue_survey")
    return await _message(session, invitation, settings, "reminder", "open_survey")


RENDERERS: dict[str, Renderer] = {
    OutboxKind.INVITATION: render_invitation,
    OutboxKind.REMINDER: render_reminder,
}


async def _wanted(session: AsyncSession, row: OutboundMessage) -> Invitation:
    """The row's invitation, if a message about it is still wanted now; else Skip."""
    invitation = await messaged_invitation(session, row.invitation_id)
    reason = why_not_message(invitation, utcnow())
    if reason is not None:
        raise Skip(reason)
    assert invitation is not None  # why_not_message said why otherwise
    if invitation.respondent.telegram_user_id is None:
        raise Skip("no chat with the respondent")
    return invitation


async def _message(
    session: AsyncSession, invitation: Invitation, settings: Settings, key: str, button: str
) -> Outgoing:
    respondent = invitation.respondent
    assert respondent.telegram_user_id is not None  # checked by _wanted
    survey_row = await session.get(SurveyRow, invitation.campaign.survey_id)
    assert survey_row is not None  # a campaign's survey is never deleted
    survey = survey_of(survey_row)
    lang = respondent.language or DEFAULT_LANGUAGE
    text = t(
        key,
        lang,
        name=respondent.name or t("there", lang),
        title=pick(survey.title, lang),
        campaign=invitation.campaign.key,
        count=len(survey.questions()),
        minutes=survey.estimated_minutes(),
    )
    buttons: list[InlineKeyboardButton] = []
    if settings.bot_username:
        # A URL button: nothing to decode, and it works from any chat the link reaches.
        link = deep_link(settings.bot_username, invitation.token)
        buttons.append(InlineKeyboardButton(t(button, lang), url=link))
    if mini_app_url := _mini_app_url(settings, invitation.token):
        # The same survey as a Mini App; invitations go to private chats, where Telegram
        # allows web_app buttons (it refuses them in groups).
        web_app = WebAppInfo(mini_app_url)
        buttons.append(InlineKeyboardButton(t("answer_in_form", lang), web_app=web_app))
    markup = InlineKeyboardMarkup([buttons]) if buttons else None
    # Send to the respondent's current chat: it may differ from the one known when queued.
    return Outgoing(chat_id=respondent.telegram_user_id, text=text, reply_markup=markup)


def _mini_app_url(settings: Settings, token: str) -> str | None:
    """The web form's link for a web_app button, when the app is reachable over https.

    Telegram refuses a web_app button with an http URL (the whole sendMessage fails, so the
    invitation would never arrive); the simulator takes one. An http public_url (a test or an
    intranet set-up) therefore gets the chat button only: its web link is still handed out
    by the link lists and e-mails."""
    if settings.public_url is None or not settings.public_url.startswith("https://"):
        return None
    return web_link(settings.public_url, token)
