"""SQL that writes an export's cells as text already encoded: a CSV field or a JSON value.

The database then hands a streaming export one string per row for the columns that change
from row to row, instead of a Python object per cell to convert: that conversion, not the
query, is what made a million-answer export slow. The encodings are byte for byte those of
``campaigns.exports`` (Python's csv module with minimal quoting, ``json.dumps`` without ASCII
escapes, times to the second in UTC with a ``Z``), as tests/storage/test_export_cells.py checks
on both databases with awkward texts.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Final

from sqlalchemy import Integer, SQLColumnExpression, String, case, cast, func, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from survey.records import FORMULA_STARTS

#: What quoting a CSV field needs (csv.QUOTE_MINIMAL with "," and CRLF rows).
CSV_SPECIALS: Final = (",", '"', "\r", "\n")


class TextFormat(StrEnum):
    """The text exports whose cells SQL can write."""

    CSV = "csv"
    JSON = "json"


class iso_utc(FunctionElement[str]):
    """A time as ``2026-11-21T08:00:00Z`` (UTC, to the second); NULL stays NULL."""

    type = String()
    inherit_cache = True


@compiles(iso_utc, "sqlite")
def _iso_utc_sqlite(element: iso_utc, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLAlchemy stores SQLite times as "YYYY-MM-DD HH:MM:SS.ffffff" in UTC: cutting the text
    # is exact, and several times faster than strftime, which parses it.
    (value,) = element.clauses
    text = compiler.process(value, **kw)
    return f"(substr({text}, 1, 10) || 'T' || substr({text}, 12, 8) || 'Z')"


@compiles(iso_utc, "postgresql")
def _iso_utc_postgresql(element: iso_utc, compiler: SQLCompiler, **kw: Any) -> str:
    (value,) = element.clauses
    text = compiler.process(value, **kw)
    return f"""to_char({text} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""


class position(FunctionElement[int]):
    """Where a text first holds another, from 1; 0 when it does not."""

    type = Integer()
    inherit_cache = True


@compiles(position, "sqlite")
def _position_sqlite(element: position, compiler: SQLCompiler, **kw: Any) -> str:
    text, part = element.clauses
    return f"instr({compiler.process(text, **kw)}, {compiler.process(part, **kw)})"


@compiles(position, "postgresql")
def _position_postgresql(element: position, compiler: SQLCompiler, **kw: Any) -> str:
    text, part = element.clauses
    return f"strpos({compiler.process(text, **kw)}, {compiler.process(part, **kw)})"


class json_text(FunctionElement[str]):
    """A text (or NULL) as a JSON value: a quoted, escaped string, or ``null``."""

    type = String()
    inherit_cache = True


@compiles(json_text, "sqlite")
def _json_text_sqlite(element: json_text, compiler: SQLCompiler, **kw: Any) -> str:
    # NULL first: json_quote is a call per row, and most answers have no text.
    text = compiler.process(element.clauses.clauses[0], **kw)
    return f"CASE WHEN {text} IS NULL THEN 'null' ELSE json_quote({text}) END"


@compiles(json_text, "postgresql")
def _json_text_postgresql(element: json_text, compiler: SQLCompiler, **kw: Any) -> str:
    (value,) = element.clauses
    return f"coalesce(to_json(({compiler.process(value, **kw)})::text)::text, 'null')"


def inert(text: SQLColumnExpression[Any]) -> ColumnElement[str]:
    """``cells.neutralise`` in SQL: a leading apostrophe before what a spreadsheet would run."""
    return _lead(text) + text


def _lead(text: SQLColumnExpression[Any]) -> ColumnElement[str]:
    return case((func.substr(text, 1, 1).in_(FORMULA_STARTS), literal("'")), else_=literal(""))


def csv_field(text: SQLColumnExpression[Any]) -> ColumnElement[str]:
    """A text column as one CSV field: inert, quoted when it must be, empty when NULL.

    The apostrophe needs no quoting, so the test for quoting looks at the stored text; NULL
    (most comments) is tested first, as each test is a function call per row.
    """
    special = position(text, CSV_SPECIALS[0]) > 0
    for char in CSV_SPECIALS[1:]:
        special = special | (position(text, char) > 0)
    quoted = literal('"') + _lead(text) + func.replace(text, '"', '""') + literal('"')
    return case((text.is_(None), literal("")), (special, quoted), else_=_lead(text) + text)


def csv_code(code: SQLColumnExpression[Any]) -> ColumnElement[str]:
    """A vocabulary code (a kind, a channel) as a CSV field: such codes are lower-case words,
    which need neither quoting nor an apostrophe."""
    return func.coalesce(code, "")


def csv_number(number: SQLColumnExpression[Any]) -> ColumnElement[str]:
    """A whole number as a CSV field (empty when NULL)."""
    return func.coalesce(cast(number, String), "")


def json_number(number: SQLColumnExpression[Any]) -> ColumnElement[str]:
    """A whole number as a JSON value."""
    return func.coalesce(cast(number, String), "null")


def flag(value: SQLColumnExpression[Any]) -> ColumnElement[str]:
    """A boolean as ``true`` or ``false`` (NULL is false, as the frames read it): CSV and JSON
    spell it alike."""
    return case((func.coalesce(value, False), "true"), else_="false")


def json_code(code: SQLColumnExpression[Any]) -> ColumnElement[str]:
    """A vocabulary code as a JSON string: a lower-case word, nothing to escape."""
    return func.coalesce(literal('"') + code + literal('"'), "null")


def json_time(moment: SQLColumnExpression[Any]) -> ColumnElement[str]:
    """A time as a JSON string, or ``null``."""
    return func.coalesce(literal('"') + iso_utc(moment) + literal('"'), "null")


def formatted(template: str, parts: list[ColumnElement[str]]) -> ColumnElement[str]:
    """``template`` with each ``%s`` replaced by a part (NULL by nothing): one call per row
    where a chain of ``||`` copies the growing text once per part. SQLite (3.38 on) and
    PostgreSQL both name it ``format``."""
    if template.count("%s") != len(parts) or template.replace("%s", "").count("%"):
        raise ValueError(f"{template!r} is no template for {len(parts)} parts")
    return func.format(template, *parts, type_=String())
