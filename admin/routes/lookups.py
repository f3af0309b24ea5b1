"""Finding the resource a path names, or answering 404 in the one error shape."""

from __future__ import annotations

from fastapi import status
from sqlalchemy.ext.asyncio import AsyncSession

from admin.errors import ApiError
from storage.campaigns import campaign_by_key
from storage.models import Campaign, SurveyRow


async def campaign_or_404(session: AsyncSession, key: str) -> Campaign:
    """The campaign ``key``, or a 404."""
    campaign = await campaign_by_key(session, key)
    if campaign is None:
        raise ApiError(status.HTTP_404_NOT_FOUND, f"no campaign {key!r}", code="campaign_not_found")
    return campaign


async def survey_of(session: AsyncSession, campaign: Campaign) -> SurveyRow:
    """The stored survey version a campaign asks."""
    row = await session.get(SurveyRow, campaign.survey_id)
    assert row is not None  # a foreign key guarantees it
    return row
