"""``csat export``: the same files the admin API serves, written to a file or to stdout."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from cli.common import CampaignKeyArg, database, err_console, run_async

# campaigns.exports (and pandas) is imported when a file is exported; its default language is
# repeated here for the option's default (tests/cli/test_startup.py checks they agree).
DEFAULT_LANGUAGE = "zh-CN"


@run_async
async def export(
    campaign: CampaignKeyArg,
    what: str = typer.Option("answers", help="answers | scores | tickets | workbook"),
    fmt: str | None = typer.Option(
        None, "--format", help="csv | xlsx | json (default csv; the workbook is xlsx)"
    ),
    by: str = typer.Option("factor", help="Scores per factor | customer | business_unit | role"),
    out: Path | None = typer.Option(None, help="Write here; CSV and JSON default to stdout"),
    lang: str = typer.Option(DEFAULT_LANGUAGE, help="The workbook's language: zh-CN | en"),
) -> None:
    """Export a campaign's answers, scores or tickets, or the full workbook."""
    from campaigns.exports import build_export, check_export, check_language

    fmt = fmt or ("xlsx" if what == "workbook" else "csv")
    check_export(what, fmt, by)
    check_language(lang)
    if fmt == "xlsx" and out is None:
        raise ValueError("an xlsx file is binary: give --out FILE")
    async with database() as sessions:
        # The session's transaction ends before the file is written: answers and tickets are
        # read from a snapshot of their own, and a long export must not keep SQLite's write
        # lock from the bot.
        async with sessions() as session, session.begin():
            export_file = await build_export(session, campaign, what, fmt, by=by, lang=lang)
        if out is None:
            sys.stdout.flush()
            async for chunk in export_file.chunks:
                sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
            return
        with out.open("wb") as target:
            async for chunk in export_file.chunks:
                target.write(chunk)
    # Progress goes to stderr so that stdout carries nothing but exported files.
    err_console.print(f"wrote {out}")
