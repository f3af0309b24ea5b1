"""Finding the resource a path names; a missing one raises the domain's NotFound (a 404)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.campaigns import campaign_by_key
from storage.models import Campaign, SurveyRow
from storage.surveys import campaign_survey_row
from survey.errors import CampaignNotFound


async def campaign_or_404(session: AsyncSession, key: str) -> Campaign:
    """The campaign ``key``; ``CampaignNotFound`` if there is none."""
    campaign = await campaign_by_key(session, key)
    if campaign is None:
        raise CampaignNotFound(key)
    return campaign


async def survey_of(session: AsyncSession, campaign: Campaign) -> SurveyRow:
    """The stored survey version a campaign asks."""
    return await campaign_survey_row(session, campaign)
