"""CSV and JSON exports as a stream of encoded chunks, so a large campaign is never held as
one file in memory.

CSV is UTF-8 *with a byte-order mark*: Excel opens a BOM-less CSV in the machine's ANSI code
page and garbles Chinese names and comments; with the BOM it reads UTF-8. Other tools
(pandas, Python's csv with ``encoding="utf-8-sig"``, LibreOffice) skip the BOM. Rows end in
CRLF (RFC 4180); booleans are ``true``/``false``; an empty cell is a missing value.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, Final

import pandas as pd

from campaigns.exports.cells import Row, plain_rows
from campaigns.exports.tables import Table

BOM: Final = "\ufeff"


def _csv_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value  # csv writes None as an empty cell and numbers with repr's precision


def _csv_text(rows: list[Row] | list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def csv_chunks(table: Table) -> Iterator[bytes]:
    """The table as CSV: BOM and header first, then a chunk per slice of rows."""
    yield csv_header(table.frame.columns)
    yield from csv_rows(table.frame)


def csv_header(columns: Iterable[object]) -> bytes:
    return (BOM + _csv_text([[str(c) for c in columns]])).encode()


def csv_rows(frame: pd.DataFrame) -> Iterator[bytes]:
    """Rows of a table (or of a chunk of one) as CSV, without the header."""
    for rows in plain_rows(frame, inert=True):
        yield _csv_text(rows).encode()


def json_chunks(table: Table) -> Iterator[bytes]:
    """The table as a JSON array of row objects, one chunk per slice of rows."""
    array = JsonArray()
    yield from array.rows(table.frame)
    yield array.end()


class JsonArray:
    """A JSON array of row objects written a frame at a time: the frames of one table."""

    def __init__(self) -> None:
        self._opening = "["

    def rows(self, frame: pd.DataFrame) -> Iterator[bytes]:
        columns = [str(c) for c in frame.columns]
        for rows in plain_rows(frame, inert=False):
            objects = (
                json.dumps(
                    dict(zip(columns, row, strict=True)), ensure_ascii=False, allow_nan=False
                )
                for row in rows
            )
            yield (self._opening + "\n" + ",\n".join(objects)).encode()
            self._opening = ","

    def end(self) -> bytes:
        return ("[]\n" if self._opening == "[" else "\n]\n").encode()


async def frames_as_csv(
    columns: Iterable[object], frames: AsyncIterator[pd.DataFrame]
) -> AsyncIterator[bytes]:
    """A table streamed a frame at a time, as ``csv_chunks`` writes it whole."""
    yield csv_header(columns)
    async for frame in frames:
        for chunk in csv_rows(frame):
            yield chunk


async def frames_as_json(frames: AsyncIterator[pd.DataFrame]) -> AsyncIterator[bytes]:
    """A table streamed a frame at a time, as ``json_chunks`` writes it whole."""
    array = JsonArray()
    async for frame in frames:
        for chunk in array.rows(frame):
            yield chunk
    yield array.end()
