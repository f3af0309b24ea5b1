"""``csat report``: a campaign's report from the database, as tables, JSON and a chart."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cli.common import console, run_async, settings
from scoring import CampaignData, CampaignReport, build_report, render_tables, write_trend_chart
from scoring.report import write_report_json
from storage.campaigns import campaign_by_key, previous_campaign
from storage.engine import create_engine, create_sessionmaker
from storage.frames import answers_frame, invitations_frame
from storage.models import Campaign, SurveyRow
from storage.surveys import to_survey


async def _campaign_data(session: AsyncSession, campaign: Campaign) -> CampaignData:
    return CampaignData(
        campaign.key,
        await answers_frame(session, campaign.id),
        await invitations_frame(session, campaign.id),
    )


async def load_report(sessions: async_sessionmaker[AsyncSession], key: str) -> CampaignReport:
    """Build the report of campaign ``key``, with the previous campaign of its survey."""
    async with sessions() as session:
        campaign = await campaign_by_key(session, key)
        if campaign is None:
            raise LookupError(f"no campaign {key!r}")
        survey_row = await session.get(SurveyRow, campaign.survey_id)
        assert survey_row is not None
        current = await _campaign_data(session, campaign)
        before = await previous_campaign(session, campaign)
        previous = await _campaign_data(session, before) if before is not None else None
    # Scoring is CPU-bound pandas: keep the event loop free while it runs.
    return await asyncio.to_thread(
        build_report,
        to_survey(survey_row),
        current.answers,
        current.invitations,
        campaign=key,
        previous=previous,
    )


async def print_campaign_report(
    sessions: async_sessionmaker[AsyncSession], key: str, out: Path | None = None
) -> CampaignReport:
    """Print the report's tables; with ``out``, also write its JSON and trend chart there."""
    report = await load_report(sessions, key)
    console.print(render_tables(report), highlight=False, markup=False)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        json_path = write_report_json(report, out / f"{key}.json")
        chart_path = write_trend_chart(report, out / f"{key}-trend.png")
        console.print(f"wrote {json_path} and {chart_path}")
    return report


@run_async
async def report(
    campaign: str,
    out: Path = typer.Option(Path("reports"), help="Where the JSON and the chart go"),
) -> None:
    """Print a campaign's report and write its JSON and trend chart PNG."""
    engine = create_engine(settings().database_url)
    try:
        await print_campaign_report(create_sessionmaker(engine), campaign, out)
    finally:
        await engine.dispose()
