"""One export of a campaign, as the routes and ``csat export`` both serve it: a file name, a
media type and the file's bytes as an async stream of chunks."""

from __future__ import annotations

import asyncio
import re
import tempfile
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.exports.labels import DEFAULT_LANGUAGE, check_language
from campaigns.exports.streams import csv_chunks, json_chunks
from campaigns.exports.tables import (
    SCORE_TABLES,
    Table,
    answers_table,
    scores_table,
    tickets_table,
    workbook_tables,
)
from campaigns.exports.workbook import MEDIA_TYPE as XLSX_MEDIA_TYPE
from campaigns.exports.workbook import workbook_bytes
from campaigns.lookup import CampaignRef, campaign_of
from campaigns.reports import campaign_data, load_campaign_report
from scoring import CampaignReport, write_trend_chart
from storage.exports import tickets_frame
from storage.frames import answers_frame
from survey.errors import UnknownExport

EXPORTS: Final = ("answers", "scores", "tickets", "workbook")
FORMATS: Final = ("csv", "xlsx", "json")
SCORES_BY: Final = tuple(SCORE_TABLES)
MEDIA_TYPES: Final = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": XLSX_MEDIA_TYPE,
}
XLSX_CHUNK: Final = 1 << 20


@dataclass(frozen=True)
class ExportFile:
    """An export ready to send: ``chunks`` can be read once."""

    filename: str
    media_type: str
    chunks: AsyncIterator[bytes]


def check_export(what: str, fmt: str, by: str = "factor") -> None:
    """Refuse an unknown export, format or breakdown with a message naming the known ones."""
    if what not in EXPORTS:
        raise UnknownExport(f"no export {what!r}; use one of {', '.join(EXPORTS)}")
    if fmt not in FORMATS:
        raise UnknownExport(f"no export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if what == "workbook" and fmt != "xlsx":
        raise UnknownExport("the workbook is an xlsx file only")
    if what == "scores" and by not in SCORES_BY:
        raise UnknownExport(f"cannot export scores by {by!r}; use one of {', '.join(SCORES_BY)}")


def filename(campaign: str, what: str, fmt: str, by: str = "factor") -> str:
    """E.g. ``2026-Q4-scores-factor.csv``; characters unsafe in a header become ``_``."""
    stem = f"{campaign}-{what}" + (f"-{by}" if what == "scores" else "")
    return re.sub(r"[^A-Za-z0-9._-]", "_", stem) + f".{fmt}"


async def build_export(
    session: AsyncSession,
    ref: CampaignRef,
    what: str,
    fmt: str,
    *,
    by: str = "factor",
    lang: str = DEFAULT_LANGUAGE,
) -> ExportFile:
    """Read what the export needs now (so the session can close) and encode it as it streams.

    ``lang`` is the full workbook's language (its words: grades, kinds, statuses); the other
    exports carry the stored codes.

    CSV and JSON are encoded a slice of rows at a time while they are sent; an XLSX file
    must be complete before its first byte (it is a zip), so it is built in a worker thread.
    """
    check_export(what, fmt, by)
    check_language(lang)  # both before the campaign: a wrong request is refused either way
    campaign = await campaign_of(session, ref)
    name, media_type = filename(campaign.key, what, fmt, by), MEDIA_TYPES[fmt]
    if what == "workbook":
        data = await campaign_data(session, campaign)
        report = await load_campaign_report(session, campaign, data=data)
        tickets = await tickets_frame(session, campaign.id)
        tables = workbook_tables(report, data.answers, tickets, lang)
        book = await asyncio.to_thread(_full_workbook, report, tables, lang)
        return ExportFile(name, media_type, _stream(_pieces(book)))
    if what == "answers":
        table = answers_table(await answers_frame(session, campaign.id))
    elif what == "tickets":
        table = tickets_table(await tickets_frame(session, campaign.id))
    else:
        table = scores_table(await load_campaign_report(session, campaign), by)
    if fmt == "xlsx":
        book = await asyncio.to_thread(workbook_bytes, [table])
        return ExportFile(name, media_type, _stream(_pieces(book)))
    encode = csv_chunks if fmt == "csv" else json_chunks
    return ExportFile(name, media_type, _stream(encode(table)))


def _full_workbook(report: CampaignReport, tables: list[Table], lang: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="csat-export-") as folder:
        png = write_trend_chart(report, Path(folder) / "trend.png").read_bytes()
    return workbook_bytes(tables, trend_chart_png=png, lang=lang)


def _pieces(content: bytes) -> list[bytes]:
    return [content[i : i + XLSX_CHUNK] for i in range(0, len(content), XLSX_CHUNK)] or [b""]


async def _stream(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    # Each chunk is encoded only when the reader asks for it: a slow client holds one chunk.
    for chunk in chunks:
        yield chunk
