"""Campaigns and their invitations (one unguessable deep-link token per respondent)."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import Campaign, Invitation, Respondent, SurveyRow
from storage.reminders import UNDELIVERED
from storage.types import utcnow
from survey.errors import (
    CampaignClosed,
    CampaignExists,
    CampaignNotFound,
    InvitationCompleted,
    InvitationExpired,
    InvitationInUse,
    InvitationNotFound,
    UnknownSurvey,
)
from survey.vocabulary import CampaignPeriod, CampaignStatus, InvitationState

NOT_STARTED = (InvitationState.CREATED, InvitationState.SENT, UNDELIVERED)
UNFINISHED = (*NOT_STARTED, InvitationState.STARTED)  # what a closing campaign expires
TOKEN_BYTES = 48  # base64url of 48 bytes is 64 characters: the deep-link maximum
PERIODS = tuple(CampaignPeriod)


def new_token() -> str:
    """An unguessable invitation token of 64 characters of ``A-Za-z0-9_-``."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def deep_link(bot_username: str, token: str) -> str:
    """The Telegram deep link that opens the bot with ``/start <token>``."""
    return f"https://t.me/{bot_username}?start={token}"


def web_link(public_url: str, token: str) -> str:
    """The web survey's link for the invitation: ``public_url`` + ``/s/<token>``."""
    return f"{public_url.rstrip('/')}/s/{token}"


async def create_campaign(
    session: AsyncSession,
    *,
    key: str,
    survey_row: SurveyRow,
    period: str = CampaignPeriod.AD_HOC,
    closes_at: datetime | None = None,
    targets: dict[str, float] | None = None,
) -> Campaign:
    """A new open campaign of a stored survey; ``CampaignExists`` if the key is taken."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    if await session.scalar(select(Campaign.id).where(Campaign.key == key)) is not None:
        raise CampaignExists(key)
    campaign = Campaign(
        key=key,
        survey_id=survey_row.id,
        period=period,
        closes_at=closes_at,
        targets=targets or {},
        status=CampaignStatus.OPEN,
    )
    session.add(campaign)
    await session.flush()
    return campaign


async def campaign_by_key(session: AsyncSession, key: str) -> Campaign | None:
    campaign: Campaign | None = await session.scalar(select(Campaign).where(Campaign.key == key))
    return campaign


async def get_campaign(session: AsyncSession, key: str) -> Campaign:
    """The campaign ``key``; ``CampaignNotFound`` if there is none."""
    campaign = await campaign_by_key(session, key)
    if campaign is None:
        raise CampaignNotFound(key)
    return campaign


async def survey_row_for(session: AsyncSession, key: str, version: int | None) -> SurveyRow:
    """The loaded survey a new campaign asks: ``version`` of ``key``, else its newest."""
    query = select(SurveyRow).where(SurveyRow.key == key)
    if version is not None:
        query = query.where(SurveyRow.version == version)
    row: SurveyRow | None = await session.scalar(query.order_by(SurveyRow.version.desc()).limit(1))
    if row is None:
        raise UnknownSurvey(key, version)
    return row


def campaigns_query(
    *, survey: str | None = None, status: str | None = None
) -> Select[tuple[Campaign, str, int]]:
    """Campaigns with their survey's key and version, newest first, optionally filtered."""
    query = (
        select(Campaign, SurveyRow.key, SurveyRow.version)
        .join(SurveyRow, SurveyRow.id == Campaign.survey_id)
        .order_by(Campaign.opens_at.desc(), Campaign.id.desc())
    )
    if survey is not None:
        query = query.where(SurveyRow.key == survey)
    if status is not None:
        query = query.where(Campaign.status == status)
    return query


async def invite(
    session: AsyncSession,
    campaign: Campaign,
    respondents: list[Respondent],
    *,
    callback_checks: Collection[int] | None = None,
) -> list[Invitation]:
    """One invitation per respondent; inviting again returns the existing one.

    With ``callback_checks`` (respondent ids), every listed invitation's call-back mark is set
    to whether its respondent is among them; without, marks are left as they are.
    """
    existing = {
        inv.respondent_id: inv
        for inv in await session.scalars(
            select(Invitation).where(Invitation.campaign_id == campaign.id)
        )
    }
    out: list[Invitation] = []
    for respondent in respondents:
        invitation = existing.get(respondent.id)
        if invitation is None:
            invitation = Invitation(
                campaign_id=campaign.id,
                respondent_id=respondent.id,
                token=new_token(),
                expires_at=campaign.closes_at,
            )
            session.add(invitation)
        if callback_checks is not None:
            invitation.callback_check = respondent.id in callback_checks
        out.append(invitation)
    await session.flush()
    return out


def campaign_is_open(campaign: Campaign, now: datetime) -> bool:
    """Does the campaign still take answers? Not once closed, nor past its closing time."""
    return campaign.status != CampaignStatus.CLOSED and (
        campaign.closes_at is None or campaign.closes_at > now
    )


def invitation_is_dead(invitation: Invitation, now: datetime) -> bool:
    """Expired (by time or by closing) or declined: it takes no more answers."""
    expired = invitation.expires_at is not None and invitation.expires_at <= now
    return expired or invitation.state in (InvitationState.EXPIRED, InvitationState.DECLINED)


async def messaged_invitation(
    session: AsyncSession, invitation_id: int | None
) -> Invitation | None:
    """The invitation a queued invitation or reminder is about, with its campaign and
    respondent, read when the message goes out (not when it was queued)."""
    if invitation_id is None:
        return None
    invitation: Invitation | None = await session.scalar(
        select(Invitation)
        .where(Invitation.id == invitation_id)
        .options(selectinload(Invitation.campaign), selectinload(Invitation.respondent))
    )
    return invitation


def why_not_message(invitation: Invitation | None, now: datetime) -> str | None:
    """Why an invitation or reminder about ``invitation`` should no longer go out in any
    channel (None: it should): a survey submitted, an invitation expired or declined, a closed
    campaign, an erased respondent. Each channel adds whether it can reach the respondent."""
    if invitation is None:
        return "no such invitation"
    if invitation.state == InvitationState.COMPLETED or invitation_is_dead(invitation, now):
        return f"invitation {invitation.state}"
    if not campaign_is_open(invitation.campaign, now):
        return "campaign closed"
    if invitation.respondent.forgotten_at is not None:
        return "the respondent was forgotten"
    return None


def takes_answers(invitation: Invitation, now: datetime) -> bool:
    """May answers still be stored for this invitation (SPEC §4.8: closed means closed)?"""
    return campaign_is_open(invitation.campaign, now) and not invitation_is_dead(invitation, now)


async def open_invitation(
    session: AsyncSession, token: str, telegram_user_id: int, *, now: datetime | None = None
) -> Invitation:
    """Validate a deep-link token and bind it to the Telegram user (locks the row)."""
    now = now or utcnow()
    invitation = await session.scalar(
        select(Invitation)
        .where(Invitation.token == token)
        .options(selectinload(Invitation.campaign), selectinload(Invitation.respondent))
        .with_for_update()
    )
    if invitation is None:
        raise InvitationNotFound(token)
    if invitation.state == InvitationState.COMPLETED:
        raise InvitationCompleted(token)
    if not campaign_is_open(invitation.campaign, now):
        raise CampaignClosed(token)
    if invitation_is_dead(invitation, now):
        raise InvitationExpired(token)
    respondent = invitation.respondent
    if respondent.telegram_user_id not in (None, telegram_user_id):
        raise InvitationInUse(token)
    respondent.telegram_user_id = telegram_user_id
    mark_opened(invitation, now)
    return invitation


def mark_opened(invitation: Invitation, now: datetime) -> None:
    """An invitation's link was opened (in any channel): the first time is ``opened_at``, and
    one not yet started is ``started`` (the link reached them after all)."""
    if invitation.opened_at is None:
        invitation.opened_at = now
    if invitation.state in NOT_STARTED:
        invitation.state = InvitationState.STARTED
        invitation.started_at = now


async def response_counts(session: AsyncSession, campaign_id: int) -> dict[str, int]:
    """Invitations per state for a campaign."""
    rows = await session.execute(
        select(Invitation.state, func.count())
        .where(Invitation.campaign_id == campaign_id)
        .group_by(Invitation.state)
    )
    return {state: count for state, count in rows.all()}


async def previous_campaign(session: AsyncSession, campaign: Campaign) -> Campaign | None:
    """The campaign of the same survey (any version) opened just before this one."""
    survey_key = select(SurveyRow.key).where(SurveyRow.id == campaign.survey_id).scalar_subquery()
    previous: Campaign | None = await session.scalar(
        select(Campaign)
        .join(SurveyRow, SurveyRow.id == Campaign.survey_id)
        .where(
            SurveyRow.key == survey_key,
            Campaign.id != campaign.id,
            Campaign.opens_at <= campaign.opens_at,
        )
        .order_by(Campaign.opens_at.desc(), Campaign.id.desc())
        .limit(1)
    )
    return previous


async def expire_invitations(session: AsyncSession, campaign_id: int, *, now: datetime) -> int:
    """Expire the campaign's unfinished invitations (no more reminders); returns how many."""
    result = await session.execute(
        update(Invitation)
        .where(Invitation.campaign_id == campaign_id, Invitation.state.in_(UNFINISHED))
        # expires_at becomes the moment it expired, so the row says when it stopped counting
        .values(state=InvitationState.EXPIRED, next_reminder_at=None, expires_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return int(cast(CursorResult[Any], result).rowcount)


async def mark_closed(session: AsyncSession, campaign: Campaign, *, now: datetime) -> None:
    """Close the campaign: it takes no more answers. Closing again keeps the first time."""
    campaign.status = CampaignStatus.CLOSED
    if campaign.closed_at is None:
        campaign.closed_at = now
    await session.flush()
