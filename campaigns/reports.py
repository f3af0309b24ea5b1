"""A campaign's report from the database: its answers, its invitations and the previous
campaign of the same survey (for trends), scored by scoring/. The admin API, ``csat report``,
the exports and the demo all read it here."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from campaigns.closing import classify_tickets
from campaigns.lookup import CampaignRef, campaign_of
from scoring import CampaignData, CampaignReport, build_report
from storage.campaigns import previous_campaign
from storage.engine import reading
from storage.frames import answers_frame, invitations_frame
from storage.models import Campaign
from storage.surveys import get_survey
from survey.schema import Survey


async def campaign_data(session: AsyncSession, campaign: Campaign) -> CampaignData:
    """The answers and invitations of one campaign, as scoring/ takes them."""
    return CampaignData(
        campaign.key,
        await answers_frame(session, campaign.id),
        await invitations_frame(session, campaign.id),
    )


async def campaigns_data(session: AsyncSession, campaigns: list[Campaign]) -> list[CampaignData]:
    """``campaign_data`` of each campaign. On PostgreSQL they are read at once, the first on
    ``session`` and the others on sessions of their own: the server writes one campaign's rows
    while this process parses another's. SQLite's reads run in this process's threads, which
    would only take the GIL from each other (both 1 M-answer campaigns: 11.5 s in turn, 20.8 s
    at once), so there they are read in turn."""
    engine = session.bind
    at_once = isinstance(engine, AsyncEngine) and engine.dialect.name == "postgresql"
    if not at_once or len(campaigns) < 2:
        return [await campaign_data(session, campaign) for campaign in campaigns]
    assert isinstance(engine, AsyncEngine)

    async def apart(campaign: Campaign) -> CampaignData:
        # A read-only snapshot of its own (``session`` may be in a transaction that wrote).
        async with reading(async_sessionmaker(engine)) as own:
            return await campaign_data(own, campaign)

    first, *others = campaigns
    return list(await asyncio.gather(campaign_data(session, first), *map(apart, others)))


@dataclass(frozen=True)
class ReportInputs:
    """What a campaign's report is built from, read off the database."""

    survey: Survey
    campaign: str
    current: CampaignData
    previous: CampaignData | None


async def report_inputs(
    session: AsyncSession, ref: CampaignRef, *, data: CampaignData | None = None
) -> ReportInputs:
    """The campaign's questionnaire (with its own targets), answers and invitations, and its
    previous campaign's; ``data`` if already loaded."""
    campaign = await campaign_of(session, ref)
    survey = await get_survey(session, campaign.survey_id)
    if campaign.targets:  # the campaign's own targets win over the questionnaire's defaults
        targets = survey.targets.model_copy(update=campaign.targets)
        survey = survey.model_copy(update={"targets": targets})
    before = await previous_campaign(session, campaign)
    wanted = [c for c in (None if data is not None else campaign, before) if c is not None]
    loaded = iter(await campaigns_data(session, wanted))
    current = data if data is not None else next(loaded)
    previous = next(loaded) if before is not None else None
    return ReportInputs(survey, campaign.key, current, previous)


def build_from(inputs: ReportInputs) -> CampaignReport:
    """The report of ``inputs`` (CPU-bound pandas, no database)."""
    return build_report(
        inputs.survey,
        inputs.current.answers,
        inputs.current.invitations,
        campaign=inputs.campaign,
        previous=inputs.previous,
    )


async def load_campaign_report(
    session: AsyncSession, ref: CampaignRef, *, data: CampaignData | None = None
) -> CampaignReport:
    """The report of the campaign against its previous campaign; ``data`` if already loaded."""
    inputs = await report_inputs(session, ref, data=data)
    # Scoring is CPU-bound pandas: keep the event loop free while it runs.
    return await asyncio.to_thread(build_from, inputs)


async def analyse_campaign(session: AsyncSession, ref: CampaignRef) -> CampaignReport:
    """The campaign's report after applying the 20/80 split to its tickets (SPEC §4.7), as
    closing does: what ``csat report`` prints."""
    campaign = await campaign_of(session, ref)
    await classify_tickets(session, campaign)
    return await load_campaign_report(session, campaign)
