"""PostgreSQL reads as DataFrames: a large query's rows through ``COPY … TO STDOUT``, parsed
by pandas, and a small one's through asyncpg, in one snapshot.

asyncpg decodes a SELECT into a Python object per cell, which for a million answers costs
more than the report itself; COPY hands the rows over as CSV, which pandas' C parser reads
column by column. What CSV cannot say is selected beside it or instead of it: whether a text
is NULL (CSV writes NULL and "" alike), and a time as microseconds since the epoch (exact,
read as integers, where the text of a time costs more to write and to parse).
"""

from __future__ import annotations

import io
from contextlib import AsyncExitStack
from dataclasses import dataclass
from enum import Enum
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pandas as pd
from sqlalchemy import BigInteger, Boolean, ColumnElement, DateTime, Float, Integer, Select, cast
from sqlalchemy import extract as sql_extract
from sqlalchemy.ext.asyncio import AsyncConnection


class Cell(Enum):
    """How a column travels in CSV and is read back."""

    TEXT = "text"
    INTEGER = "integer"
    FLOAT = "float"
    BOOLEAN = "boolean"
    TIME = "time"  # microseconds since the epoch, read back as UTC datetimes


@dataclass(frozen=True, slots=True)
class _Column:
    name: str
    cell: Cell
    nullable: bool

    @property
    def null_flag(self) -> str:
        return f"{self.name}__is_null"


class Reads:
    """Several reads on one asyncpg connection that see the same data: inside the session's
    transaction when it has begun one, else in one repeatable-read, read-only transaction."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection  # the session's own; its asyncpg connection is read
        self._stack = AsyncExitStack()

    async def __aenter__(self) -> Reads:
        raw = await self._connection.get_raw_connection()
        driver: asyncpg.Connection = raw.driver_connection
        self._driver = driver
        if not driver.is_in_transaction():
            transaction = driver.transaction(isolation="repeatable_read", readonly=True)
            await self._stack.enter_async_context(transaction)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.__aexit__(*exc)  # type: ignore[arg-type]

    async def records(self, statement: Select[Any], **values: Any) -> pd.DataFrame:
        """A small query's rows (``values`` its parameters), as asyncpg decodes them."""
        compiled = statement.compile(dialect=self._connection.dialect)
        params = compiled.construct_params(values)
        prepared = await self._driver.prepare(str(compiled))
        names = [attribute.name for attribute in prepared.get_attributes()]
        rows = await prepared.fetch(*(params[name] for name in compiled.positiontup or ()))
        return pd.DataFrame.from_records([tuple(row) for row in rows], columns=names)

    async def copied(self, statement: Select[Any]) -> pd.DataFrame:
        """The rows of ``statement`` through COPY, each column typed by its SQL type: texts as
        they are ("" stays ""), integers as int64 (Int64 when nullable), floats exactly,
        booleans, times as UTC datetimes."""
        columns = [_column(c) for c in statement.selected_columns]
        sent = statement.with_only_columns(*_sent(statement, columns), maintain_column_froms=True)
        sql = sent.compile(dialect=self._connection.dialect, compile_kwargs={"literal_binds": True})
        chunks: list[bytes] = []

        async def keep(chunk: bytes) -> None:
            chunks.append(chunk)

        await self._driver.copy_from_query(str(sql), output=keep, format="csv")
        names = [c.name for c in columns]
        if not any(chunks):
            return pd.DataFrame(columns=names)  # as from_records makes of no rows
        return _parsed(b"".join(chunks), columns)[names]


def _column(element: ColumnElement[Any]) -> _Column:
    sql_type = element.type
    impl = getattr(sql_type, "impl_instance", sql_type)  # a TypeDecorator's own type
    if isinstance(impl, DateTime):
        cell = Cell.TIME
    elif isinstance(impl, Boolean):
        cell = Cell.BOOLEAN
    elif isinstance(impl, Integer):
        cell = Cell.INTEGER
    elif isinstance(impl, Float):
        cell = Cell.FLOAT
    else:
        cell = Cell.TEXT
    column = getattr(element, "element", element)  # a label's column
    nullable = getattr(column, "nullable", True) is not False
    assert element.key is not None  # every column of a frame's query is named
    return _Column(element.key, cell, nullable)


def _sent(statement: Select[Any], columns: list[_Column]) -> list[ColumnElement[Any]]:
    """What COPY writes for each column: a time as microseconds, a nullable text with a flag."""
    sent: list[ColumnElement[Any]] = []
    for element, column in zip(statement.selected_columns, columns, strict=True):
        if column.cell is Cell.TIME:
            micro = cast(sql_extract("epoch", element) * 1_000_000, BigInteger)
            sent.append(micro.label(column.name))
        else:
            sent.append(element.label(column.name))
        if column.cell is Cell.TEXT and column.nullable:
            sent.append(element.is_(None).label(column.null_flag))
    return sent


def _parsed(data: bytes, columns: list[_Column]) -> pd.DataFrame:
    names: list[str] = []
    dtypes: dict[str, Any] = {}
    nulls: dict[str, list[str]] = {}
    for column in columns:
        names.append(column.name)
        match column.cell:
            case Cell.TEXT:
                dtypes[column.name] = str
                if column.nullable:
                    names.append(column.null_flag)
                    dtypes[column.null_flag] = bool
            case Cell.BOOLEAN:
                dtypes[column.name] = "boolean" if column.nullable else bool
            case Cell.INTEGER | Cell.TIME:
                dtypes[column.name] = "Int64" if column.nullable else "int64"
            case Cell.FLOAT:
                dtypes[column.name] = float
        if column.cell is not Cell.TEXT and column.nullable:
            nulls[column.name] = [""]
    frame = pd.read_csv(
        io.BytesIO(data),
        header=None,
        names=names,
        dtype=dtypes,
        keep_default_na=False,  # "" is a text; only the columns in na_values have NULLs
        na_values=nulls,
        true_values=["t"],
        false_values=["f"],
        engine="c",
    )
    for column in columns:
        if column.cell is Cell.TEXT and column.nullable:
            frame[column.name] = frame[column.name].where(~frame.pop(column.null_flag))
        elif column.cell is Cell.TIME:
            frame[column.name] = pd.to_datetime(frame[column.name], unit="us", utc=True)
    return frame
