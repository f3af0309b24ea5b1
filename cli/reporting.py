"""``csat report``: a campaign's report from the database, as tables, JSON and a chart."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cli.common import CampaignKeyArg, console, database, run_async

# pandas, SciPy and matplotlib (scoring) are imported when a report is made.
if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from scoring import CampaignReport


async def load_report(sessions: async_sessionmaker[AsyncSession], key: str) -> CampaignReport:
    """Build the report of campaign ``key``, with the previous campaign of its survey.

    Analysing a campaign applies the 20/80 split to its tickets (SPEC §4.7), as closing does.
    """
    from campaigns.reports import analyse_campaign

    async with sessions() as session, session.begin():
        return await analyse_campaign(session, key)


async def print_campaign_report(
    sessions: async_sessionmaker[AsyncSession], key: str, out: Path | None = None
) -> CampaignReport:
    """Print the report's tables; with ``out``, also write its JSON and trend chart there."""
    from scoring import render_tables, write_trend_chart
    from scoring.report import write_report_json

    report = await load_report(sessions, key)
    console.print(render_tables(report), highlight=False, markup=False)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        json_path = write_report_json(report, file_in(out, f"{key}.json"))
        chart_path = write_trend_chart(report, file_in(out, f"{key}-trend.png"))
        console.print(f"wrote {json_path} and {chart_path}")
    return report


def file_in(folder: Path, name: str) -> Path:
    """``folder/name``, refused unless it stays inside ``folder`` (a name is built from a key)."""
    path = folder / name
    # resolve() follows symbolic links too: a link planted in the folder cannot redirect it.
    if path.resolve().parent != folder.resolve():
        raise ValueError(f"{name!r} would be written outside {folder}")
    return path


@run_async
async def report(
    campaign: CampaignKeyArg,
    out: Path = typer.Option(Path("reports"), help="Where the JSON and the chart go"),
) -> None:
    """Print a campaign's report and write its JSON and trend chart PNG."""
    async with database() as sessions:
        await print_campaign_report(sessions, campaign, out)
