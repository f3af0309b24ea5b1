"""Opening a campaign of a loaded survey, and what is shown of one: its survey version, its
invitations per state and its response rate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.lookup import CampaignRef, campaign_of
from storage.campaigns import create_campaign, response_counts, survey_row_for
from storage.models import Campaign, SurveyRow
from survey.vocabulary import CampaignPeriod, InvitationState


@dataclass(frozen=True)
class CampaignOverview:
    """A campaign with the survey version it asks and its invitations per state."""

    campaign: Campaign
    survey_key: str
    survey_version: int
    invitations: dict[str, int]

    @property
    def invited(self) -> int:
        return sum(self.invitations.values())

    @property
    def completed(self) -> int:
        return self.invitations.get(InvitationState.COMPLETED, 0)

    @property
    def response_rate(self) -> float | None:
        """Completed over invited; None before anyone is invited."""
        return self.completed / self.invited if self.invited else None


async def open_campaign(
    session: AsyncSession,
    *,
    key: str,
    survey: str,
    survey_version: int | None = None,
    period: str = CampaignPeriod.AD_HOC,
    closes_at: datetime | None = None,
    targets: dict[str, float] | None = None,
) -> CampaignOverview:
    """A new open campaign of the survey ``survey`` (its newest loaded version unless one is
    given): ``UnknownSurvey`` if it is not loaded, ``CampaignExists`` if the key is taken."""
    row = await survey_row_for(session, survey, survey_version)
    campaign = await create_campaign(
        session, key=key, survey_row=row, period=period, closes_at=closes_at, targets=targets
    )
    return await _overview(session, campaign, row)


async def campaign_overview(session: AsyncSession, ref: CampaignRef) -> CampaignOverview:
    """The campaign as shown: its survey version and its invitations per state."""
    campaign = await campaign_of(session, ref)
    row = await session.get(SurveyRow, campaign.survey_id)
    assert row is not None  # a foreign key guarantees it
    return await _overview(session, campaign, row)


async def _overview(session: AsyncSession, campaign: Campaign, row: SurveyRow) -> CampaignOverview:
    counts = await response_counts(session, campaign.id)
    return CampaignOverview(campaign, row.key, row.version, counts)
