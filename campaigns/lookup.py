"""The campaign a service is asked about: the edges name it by key, code that holds the row
already passes the row."""

from __future__ import annotations

from typing import TypeAlias

from sqlalchemy.ext.asyncio import AsyncSession

from storage.campaigns import get_campaign
from storage.models import Campaign

CampaignRef: TypeAlias = Campaign | str  # a row, or a key to look up


async def campaign_of(session: AsyncSession, campaign: CampaignRef) -> Campaign:
    """The row itself, or the campaign of that key (``CampaignNotFound`` if there is none)."""
    if isinstance(campaign, Campaign):
        return campaign
    return await get_campaign(session, campaign)
