"""``csat report``: a campaign's report from the database, as tables, JSON and a chart, or as
the management-review document (HTML or PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

import typer

from cli.common import CampaignKeyArg, console, database, run_async, usage_error

# pandas, SciPy and matplotlib (scoring) are imported when a report is made.
if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from scoring import CampaignReport

FORMATS: Final = ("text", "html", "pdf")
# campaigns.review (and pandas) is imported when a report is made; its default language is
# repeated here for the option's default (tests/cli/test_report_formats.py checks they agree).
DEFAULT_LANGUAGE: Final = "zh-CN"
LANGUAGES: Final = ("zh-CN", "en")


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


async def write_review(
    sessions: async_sessionmaker[AsyncSession], key: str, out: Path, *, fmt: str, lang: str
) -> Path:
    """Write the management-review document of campaign ``key`` into ``out`` as HTML or PDF
    (the report analysed as ``csat report`` analyses it) and return its path."""
    from campaigns.review import build_review, review_pdf

    report = await load_report(sessions, key)
    async with sessions() as session, session.begin():
        review = await build_review(session, key, lang=lang, report=report)
    out.mkdir(parents=True, exist_ok=True)
    path = file_in(out, review.filename(fmt))
    if fmt == "pdf":
        path.write_bytes(await review_pdf(review))
    else:
        path.write_text(review.html, encoding="utf-8")
    return path


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
    fmt: str = typer.Option(
        "text",
        "--format",
        help="text: print the tables, write JSON and the trend chart | html | pdf: write the "
        "management-review document",
    ),
    lang: str = typer.Option(DEFAULT_LANGUAGE, help="The review's language: zh-CN | en"),
) -> None:
    """Print a campaign's report and write its JSON and trend chart PNG, or write its
    management-review document (--format html|pdf)."""
    if fmt not in FORMATS:
        usage_error(f"no report format {fmt!r}; use one of {', '.join(FORMATS)}")
    if lang not in LANGUAGES:
        usage_error(f"no review language {lang!r}; use one of {', '.join(LANGUAGES)}")
    async with database() as sessions:
        if fmt == "text":
            await print_campaign_report(sessions, campaign, out)
            return
        path = await write_review(sessions, campaign, out, fmt=fmt, lang=lang)
    console.print(f"wrote {path} ({path.stat().st_size:,} bytes)", highlight=False)
