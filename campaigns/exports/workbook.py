"""XLSX exports with openpyxl: one sheet per table, and the trend chart as a picture.

Every sheet has a bold, frozen header row, an autofilter over the whole table and column
widths fitted to the content. Given a language, the sheets are *shown* for people (the full
workbook): a number format per column's unit, real date-times, codes as words
(``units``, ``labels``). Without one (the single-table XLSX exports) the cells carry the same
values as the CSV and JSON exports.

openpyxl stores any string that begins with ``=`` as a formula, so every text cell is made
inert first (``cells.neutralise``): a comment ``=HYPERLINK(...)`` is written as the text
``'=HYPERLINK(...)``. Control characters XML cannot hold are dropped. The workbook is written
in openpyxl's write-only mode, which streams rows to its temporary files instead of keeping a
cell object per value: a styled column reuses one ``WriteOnlyCell``, written row by row.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Final

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.image import Image
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from campaigns.exports.cells import Row, plain_rows
from campaigns.exports.tables import Table
from campaigns.exports.units import Column, Unit, sheet_columns, shown_rows
from campaigns.exports.widths import fitted_widths, sample

MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHART_SHEET: Final = "trend chart"
_BOLD: Final = Font(bold=True)


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


@dataclass(frozen=True)
class SheetData:
    """What a sheet is written from: its name, a frame whose columns give the units (the whole
    table, or a sample of one streamed), the rows widths are measured on, how many rows there
    are (the filter's range), and the rows themselves, a frame at a time."""

    name: str
    head: pd.DataFrame
    sample: pd.DataFrame
    rows: int
    frames: Iterable[pd.DataFrame]

    @classmethod
    def of(cls, table: Table) -> SheetData:
        return cls(table.name, table.frame, sample(table.frame), len(table.frame), [table.frame])


def _rows(frame: pd.DataFrame, columns: list[Column], lang: str | None) -> Iterator[list[Row]]:
    if lang is None:
        return plain_rows(frame, inert=True)
    return shown_rows(frame, columns, lang)


def _columns(frame: pd.DataFrame, lang: str | None) -> list[Column]:
    if lang is None:  # data as in CSV and JSON: no unit to show
        return [Column(str(name), Unit.TEXT) for name in frame.columns]
    return sheet_columns(frame)


def _write_sheet(sheet: WriteOnlyWorksheet, data: SheetData, lang: str | None) -> None:
    columns = _columns(data.head, lang)
    headers = [c.name for c in columns]
    # Write-only mode writes the widths before the first row: they are measured on a sample.
    probe = [row for rows in _rows(data.sample, columns, lang) for row in rows]
    for i, width in enumerate(fitted_widths(headers, [c.unit for c in columns], probe), 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    last = get_column_letter(max(len(columns), 1))
    sheet.auto_filter.ref = f"A1:{last}{data.rows + 1}"
    header = []
    for name in headers:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = _BOLD
        header.append(cell)
    sheet.append(header)
    # One styled cell per formatted column, refilled for every row (openpyxl writes it at once).
    styled: list[WriteOnlyCell | None] = []
    for column in columns:
        cell = None if column.unit is Unit.TEXT else WriteOnlyCell(sheet)
        if cell is not None:
            cell.number_format = column.unit.value
        styled.append(cell)
    for frame in data.frames:
        for rows in _rows(frame, columns, lang):
            for row in rows:
                sheet.append([_styled(styled[i], v) for i, v in enumerate(row)])


def _styled(cell: WriteOnlyCell | None, value: Any) -> Any:
    if cell is None or value is None:
        return _cell(value)
    cell.value = value
    return cell


def write_workbook(
    target: Path | BinaryIO,
    sheets: list[SheetData],
    *,
    trend_chart_png: bytes | None = None,
    lang: str | None = None,
) -> None:
    """An XLSX file with a sheet per table and, if given, the chart; shown for people in
    ``lang`` when one is given, else with the exports' plain values. The rows go to openpyxl's
    temporary files as they come, so a streamed sheet is never held whole."""
    book = Workbook(write_only=True)
    for data in sheets:
        _write_sheet(book.create_sheet(data.name), data, lang)
    if trend_chart_png is not None:
        sheet = book.create_sheet(CHART_SHEET)
        sheet.add_image(Image(io.BytesIO(trend_chart_png)), "A1")
    book.save(target)


def workbook_bytes(
    tables: list[Table], *, trend_chart_png: bytes | None = None, lang: str | None = None
) -> bytes:
    """``write_workbook`` of whole tables, in memory."""
    out = io.BytesIO()
    sheets = [SheetData.of(table) for table in tables]
    write_workbook(out, sheets, trend_chart_png=trend_chart_png, lang=lang)
    return out.getvalue()
