"""The campaigns a review's trend covers: this one and the ones before it of the same survey
(``storage.campaigns.previous_campaign``, walked back), each scored as its own report scores it
(``scoring.build_report``, with the campaign's own targets)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.reports import campaign_data
from scoring import CampaignReport, Mean, Nps, Rate, ReportTargets, build_report
from storage.campaigns import previous_campaign
from storage.models import Campaign
from storage.surveys import get_survey

TREND_CAMPAIGNS: Final = 5  # this campaign and the four before it


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """One campaign's headline figures, as its report gives them."""

    campaign: str
    mean_score: Mean
    satisfaction_rate: Rate
    loyalty: Rate
    nps: Nps
    response_rate: Rate
    targets: ReportTargets
    representative: bool | None

    @classmethod
    def of(cls, report: CampaignReport) -> HistoryPoint:
        s = report.summary
        return cls(
            report.campaign, s.mean_score, s.satisfaction_rate, s.loyalty, s.nps,
            report.response.rate, report.targets, report.representative,
        )  # fmt: skip


async def _past_report(session: AsyncSession, campaign: Campaign) -> CampaignReport:
    survey = await get_survey(session, campaign.survey_id)
    if campaign.targets:  # as campaigns.reports.load_campaign_report: its own targets win
        survey = survey.model_copy(
            update={"targets": survey.targets.model_copy(update=campaign.targets)}
        )
    data = await campaign_data(session, campaign)
    # Its headline does not depend on the campaign before it: no trend tests to pay for.
    return await asyncio.to_thread(
        build_report, survey, data.answers, data.invitations, campaign=campaign.key
    )


async def campaign_history(
    session: AsyncSession,
    campaign: Campaign,
    report: CampaignReport,
    *,
    count: int = TREND_CAMPAIGNS,
) -> list[HistoryPoint]:
    """Up to ``count`` campaigns of the survey ending with ``campaign`` (whose ``report`` is
    given), oldest first."""
    points = [HistoryPoint.of(report)]
    current = campaign
    seen = {campaign.id}
    while len(points) < count:
        before = await previous_campaign(session, current)
        if before is None or before.id in seen:  # equal opening times must not loop
            break
        seen.add(before.id)
        points.append(HistoryPoint.of(await _past_report(session, before)))
        current = before
    return points[::-1]
