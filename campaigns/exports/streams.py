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
from collections.abc import Iterator
from typing import Any, Final

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
    yield (BOM + _csv_text([[str(c) for c in table.frame.columns]])).encode()
    for rows in plain_rows(table.frame, inert=True):
        yield _csv_text(rows).encode()


def json_chunks(table: Table) -> Iterator[bytes]:
    """The table as a JSON array of row objects, one chunk per slice of rows."""
    columns = [str(c) for c in table.frame.columns]
    opening = "["
    for rows in plain_rows(table.frame, inert=False):
        objects = (
            json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False, allow_nan=False)
            for row in rows
        )
        yield (opening + "\n" + ",\n".join(objects)).encode()
        opening = ","
    yield ("[]\n" if opening == "[" else "\n]\n").encode()
