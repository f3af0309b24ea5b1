"""Whole import files read into records: CSV text or a JSON list (``read_records``), and what an
import did (``ImportResult``).

A file that cannot be read as a whole (empty, header only, no header, JSON posing as CSV, not
JSON) raises ImportFileError; a bad row is an ImportRowError in the list returned beside the good
records, numbered by its CSV line (the header is line 1) or its JSON list index. Rows that
repeat an earlier row's external id (or Telegram id) are errors; the first one is kept.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from survey.errors import ImportFileError, ImportRowError, InvalidJson, TooDeep
from survey.records import R, drop_repeats, validate_records

Rows = tuple[list[tuple[int, R]], list[ImportRowError]]
EMPTY: Final = "nothing to import: a header line naming the columns comes first, then a row a line"
HEADER_ONLY: Final = "nothing to import: there are no rows after the header"
EMPTY_LIST: Final = "nothing to import: the list is empty"
NOT_A_LIST: Final = "not a JSON list of rows"
LOOKS_LIKE_JSON: Final = "this is JSON, not CSV: send a JSON list as application/json"
BARE_CR: Final = "a carriage return (CR) inside an unquoted value; quote the value or remove it"
EMPTY_JSON: Final = "nothing to import: the body is empty; send a JSON list of rows"


class ImportFormat(StrEnum):
    """How an import file is written; a row's number is its CSV line or its JSON list index."""

    CSV = "csv"
    JSON = "json"

    @property
    def row_unit(self) -> str:
        """What a row's number counts: ``line`` or ``item``."""
        return "line" if self is ImportFormat.CSV else "item"


@dataclass
class ImportResult:
    """What an import did: rows created, updated, left as they were, and the bad ones."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ImportRowError] = field(default_factory=list)

    @property
    def kept(self) -> int:
        """Rows of the file now stored as given."""
        return self.created + self.updated + self.unchanged


def read_records(text: str, model: type[R], *, fmt: ImportFormat, source: str) -> Rows[R]:
    """The good records of an import file's ``text`` with their number, and the bad rows'
    errors; ``source`` names the file in the errors."""
    if fmt is ImportFormat.CSV:
        return read_csv_records(text, model, source=source)
    return read_json_records(_decoded(text, source), model, source=source)


def _decoded(text: str, source: str) -> object:
    if not text.strip():
        raise ImportFileError(source, None, EMPTY_JSON)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidJson(source, f"not valid JSON: {exc.msg} at line {exc.lineno}") from None
    except RecursionError:  # deeper than the parser recurses: no import is so deep
        raise TooDeep(source) from None


def read_csv_records(text: str, model: type[R], *, source: str) -> Rows[R]:
    """The good records of CSV ``text`` with their line, and the bad lines' errors."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ImportFileError(source, 1, EMPTY)
    if text.lstrip()[0] in "[{":
        raise ImportFileError(source, 1, LOOKS_LIKE_JSON)
    rows, bad = _csv_rows(text, model, source)
    good, invalid = validate_records(rows, model)
    kept, repeats = drop_repeats(good)
    return kept, [*bad, *invalid, *repeats]


def read_json_records(items: object, model: type[R], *, source: str) -> Rows[R]:
    """The good records of a decoded JSON list with their index, and the bad items' errors."""
    if not isinstance(items, list):
        raise ImportFileError(source, None, NOT_A_LIST)
    if not items:
        raise ImportFileError(source, None, EMPTY_LIST)
    good, invalid = validate_records(enumerate(items), model, whole="(item)")
    kept, repeats = drop_repeats(good, unit="item")
    return kept, [*invalid, *repeats]


def _csv_rows(
    text: str, model: type[R], source: str
) -> tuple[list[tuple[int, dict[str, str]]], list[ImportRowError]]:
    """Rows as {column: value} by line, after checking the header and each row's shape."""
    records = _records(text)
    header_line, header = _header(records, source)
    columns = _columns(header, header_line, model, source)
    rows: list[tuple[int, dict[str, str]]] = []
    bad: list[ImportRowError] = []
    for start, end, fields in records:
        if isinstance(fields, ImportRowError):
            bad.append(fields)
        elif fields and any(value.strip() for value in fields):  # blank lines are skipped
            shape = _misshapen(start, end, fields, columns)
            if shape is not None:
                bad.append(shape)
            else:
                rows.append((start, {c: v for c, v in zip(columns, fields, strict=True) if c}))
    if not rows and not bad:
        raise ImportFileError(source, header_line, HEADER_ONLY)
    return rows, bad


def _records(text: str) -> Iterator[tuple[int, int, list[str] | ImportRowError]]:
    """(first line, last line, fields or the parse error) of each CSV record, header first."""
    # Lines end at LF (CRLF included); a file of bare CRs (old Mac) has no LF at all.
    reader = csv.reader(io.StringIO(text, newline="" if "\n" not in text else "\n"))
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problem = BARE_CR if "new-line character" in str(exc) else str(exc)
            yield start, reader.line_num, ImportRowError(reader.line_num, "(row)", problem)
            continue
        yield start, reader.line_num, fields


def _header(
    records: Iterator[tuple[int, int, list[str] | ImportRowError]], source: str
) -> tuple[int, list[str]]:
    """The first non-blank record: the header line and its names."""
    for line, _, fields in records:
        if isinstance(fields, ImportRowError):
            raise ImportFileError(source, fields.line, fields.problem)
        if any(name.strip() for name in fields):
            return line, fields
    raise ImportFileError(source, 1, EMPTY)


def _columns(header: list[str], line: int, model: type[R], source: str) -> list[str]:
    """The header's column names, lower case; refused unless it names the required ones."""
    columns = [name.strip().lower() for name in header]
    known = set(model.model_fields)
    required = [name for name, info in model.model_fields.items() if info.is_required()]
    missing = [name for name in required if name not in columns]
    if missing and not known.intersection(columns):
        raise ImportFileError(
            source,
            line,
            f"the first line is not a header: it names none of the columns "
            f"({', '.join(model.model_fields)}); add the header line",
        )
    if missing:
        raise ImportFileError(source, line, f"the header lacks the column(s) {', '.join(missing)}")
    twice = sorted({name for name in columns if name and columns.count(name) > 1})
    if twice:
        raise ImportFileError(source, line, f"the header names {', '.join(twice)} twice")
    return columns


def _misshapen(
    start: int, end: int, fields: list[str], columns: list[str]
) -> ImportRowError | None:
    """The error of a row whose quote swallowed later lines, or whose field count is off."""
    for column, value in zip(columns, fields, strict=False) if end > start else ():
        # A value over several lines is fine (a quoted address), unless those lines look like
        # rows of their own or the row came out short: an unclosed quote took them in.
        if "\n" in value and ("," in value.split("\n", 1)[1] or len(fields) != len(columns)):
            return ImportRowError(
                start,
                column or "(row)",
                f"the quote opened on line {start} runs to line {end}, taking in lines "
                f"{start + 1}–{end} as part of this value; close the quote",
            )
    if len(fields) != len(columns):
        hint = " (a comma inside a value needs quotes)" if len(fields) > len(columns) else ""
        return ImportRowError(
            start, "(row)", f"{len(fields)} values where the header has {len(columns)}{hint}"
        )
    return None
