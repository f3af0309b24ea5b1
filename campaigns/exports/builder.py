"""One export of a campaign, as the routes and ``csat export`` both serve it: a file name, a
media type and the file's bytes as an async stream of chunks."""

from __future__ import annotations

import asyncio
import math
import re
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final, TypeVar

import pandas as pd
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from campaigns.exports.labels import DEFAULT_LANGUAGE, check_language
from campaigns.exports.lines import answer_text_chunks
from campaigns.exports.streams import csv_chunks, frames_as_csv, frames_as_json, json_chunks
from campaigns.exports.tables import (
    SCORE_TABLES,
    TICKET_EXPORT_COLUMNS,
    Table,
    scores_table,
    tickets_table,
    workbook_tables,
)
from campaigns.exports.widths import SAMPLE_ROWS
from campaigns.exports.workbook import MEDIA_TYPE as XLSX_MEDIA_TYPE
from campaigns.exports.workbook import SheetData, write_workbook
from campaigns.lookup import CampaignRef, campaign_of
from campaigns.reports import campaign_data, load_campaign_report
from scoring import CampaignReport, write_trend_chart
from storage.export_cells import TextFormat
from storage.exports import (
    answer_count,
    answer_frames,
    ticket_count,
    ticket_frames,
    tickets_frame,
)
from storage.snapshots import Snapshot, snapshot
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
T = TypeVar("T")


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
    """Check the request, then give the export as a stream of chunks.

    ``lang`` is the full workbook's language (its words: grades, kinds, statuses); the other
    exports carry the stored codes.

    Answers and tickets stream from a snapshot of their own (``storage.snapshots``), opened
    when the first chunk is asked for, so the request's session can close first: CSV and JSON
    a chunk of rows at a time; XLSX, a zip, is written row by row to a temporary file in a
    worker thread and sent when complete. Scores and the full workbook come from the report,
    read now.
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
        del data  # the answers sheet holds its own reference; the rest can go
        book = await asyncio.to_thread(_full_workbook, report, tables, lang)
        return ExportFile(name, media_type, _file_chunks(book))
    if what == "scores":
        table = scores_table(await load_campaign_report(session, campaign), by)
        if fmt == "xlsx":
            sheets = [SheetData.of(table)]
            book = await asyncio.to_thread(_written, lambda file: write_workbook(file, sheets))
            return ExportFile(name, media_type, _file_chunks(book))
        encode = csv_chunks if fmt == "csv" else json_chunks
        return ExportFile(name, media_type, _stream(encode(table)))
    engine = (await session.connection()).engine
    return ExportFile(name, media_type, _streamed(engine, what, fmt, campaign.id))


async def _streamed(
    engine: AsyncEngine, what: str, fmt: str, campaign_id: int
) -> AsyncIterator[bytes]:
    """An answers or tickets export read from a snapshot while it is sent."""
    async with snapshot(engine) as snap:
        if fmt == "xlsx":
            book = await _streamed_workbook(snap, what, campaign_id)
        elif what == "answers":
            async for chunk in answer_text_chunks(snap, campaign_id, TextFormat(fmt)):
                yield chunk
            return
        else:
            frames = _ticket_tables(snap, campaign_id)
            chunks = (
                frames_as_csv(TICKET_EXPORT_COLUMNS, frames)
                if fmt == "csv"
                else frames_as_json(frames)
            )
            async for chunk in chunks:
                yield chunk
            return
    async for chunk in _file_chunks(book):  # the snapshot is closed while the file is sent
        yield chunk


async def _ticket_tables(snap: Snapshot, campaign_id: int) -> AsyncIterator[pd.DataFrame]:
    async for frame in ticket_frames(snap, campaign_id):
        yield tickets_table(frame).frame


async def _streamed_workbook(snap: Snapshot, what: str, campaign_id: int) -> BinaryIO:
    """The single-table XLSX of answers or tickets, written in a worker thread as the rows
    are read: a first pass takes the sample the widths are measured on (``widths.sample``'s
    rows), a second writes every row."""
    if what == "answers":
        count = await answer_count(snap, campaign_id)

        def frames() -> AsyncIterator[pd.DataFrame]:
            return answer_frames(snap, campaign_id)
    else:
        count = await ticket_count(snap, campaign_id)

        def frames() -> AsyncIterator[pd.DataFrame]:
            return _ticket_tables(snap, campaign_id)

    some = await _sample(frames(), count)
    sheet = SheetData(what, some, some, count, _blocking(frames(), asyncio.get_running_loop()))
    return await asyncio.to_thread(_written, lambda file: write_workbook(file, [sheet]))


async def _sample(frames: AsyncIterator[pd.DataFrame], count: int) -> pd.DataFrame:
    """The rows ``widths.sample`` takes of the whole table: every ``step``-th from the first."""
    step = math.ceil(count / SAMPLE_ROWS) if count > SAMPLE_ROWS else 1
    parts, seen = [], 0
    async for frame in frames:
        # A copy: a slice would keep its whole chunk alive, and so the whole table.
        parts.append(frame.iloc[(-seen) % step :: step].copy())
        seen += len(frame)
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _blocking(frames: AsyncIterator[T], loop: asyncio.AbstractEventLoop) -> Iterator[T]:
    """An async iterator read from a worker thread, each step run on the event loop."""
    while True:
        try:
            yield asyncio.run_coroutine_threadsafe(anext(frames), loop).result()  # type: ignore[arg-type]
        except StopAsyncIteration:
            return


def _written(write: Callable[[BinaryIO], None]) -> BinaryIO:
    """A temporary file (gone once closed) holding what ``write`` wrote, read from its start."""
    file = tempfile.TemporaryFile(prefix="csat-export-")  # noqa: SIM115 - closed by _file_chunks
    try:
        write(file)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    return file


def _full_workbook(report: CampaignReport, tables: list[Table], lang: str) -> BinaryIO:
    with tempfile.TemporaryDirectory(prefix="csat-export-") as folder:
        png = write_trend_chart(report, Path(folder) / "trend.png").read_bytes()
    sheets = [SheetData.of(table) for table in tables]
    return _written(lambda file: write_workbook(file, sheets, trend_chart_png=png, lang=lang))


async def _file_chunks(file: BinaryIO) -> AsyncIterator[bytes]:
    """A written file's bytes a piece at a time; the file is closed (and so removed) after."""
    try:
        while chunk := await asyncio.to_thread(file.read, XLSX_CHUNK):
            yield chunk
    finally:
        file.close()


async def _stream(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    # Each chunk is encoded only when the reader asks for it: a slow client holds one chunk.
    for chunk in chunks:
        yield chunk
