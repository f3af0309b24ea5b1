"""XLSX exports with openpyxl: one sheet per table, and the trend chart as a picture.

openpyxl stores any string that begins with ``=`` as a formula, so every text cell is made
inert first (``cells.neutralise``): a comment ``=HYPERLINK(...)`` is written as the text
``'=HYPERLINK(...)``. Control characters XML cannot hold are dropped. The workbook is written
in openpyxl's write-only mode, which streams rows to its temporary files instead of keeping a
cell object per value.
"""

from __future__ import annotations

import io
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.image import Image
from openpyxl.styles import Font

from campaigns.exports.cells import plain_rows
from campaigns.exports.tables import Table

MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHART_SHEET: Final = "trend chart"
_BOLD: Final = Font(bold=True)


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def workbook_bytes(tables: list[Table], *, trend_chart_png: bytes | None = None) -> bytes:
    """An XLSX file with a sheet per table (header row frozen) and, if given, the chart."""
    book = Workbook(write_only=True)
    for table in tables:
        sheet = book.create_sheet(table.name)
        sheet.freeze_panes = "A2"
        header = []
        for name in table.frame.columns:
            cell = WriteOnlyCell(sheet, value=str(name))
            cell.font = _BOLD
            header.append(cell)
        sheet.append(header)
        for rows in plain_rows(table.frame, inert=True):
            for row in rows:
                sheet.append([_cell(v) for v in row])
    if trend_chart_png is not None:
        sheet = book.create_sheet(CHART_SHEET)
        sheet.add_image(Image(io.BytesIO(trend_chart_png)), "A1")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
