"""Cell values of an export: plain Python values, ISO 8601 UTC times, and text made inert
against spreadsheet formula injection.

OWASP's advice for CSV injection: a text cell that begins with ``=``, ``+``, ``-``, ``@``, tab,
CR or LF is read as a formula by Excel and LibreOffice (``=HYPERLINK(...)`` in a comment
becomes a live link), so such text gets a leading apostrophe. Only text is touched: numbers
stay numbers, so a negative score is still a number. JSON is data, not a spreadsheet, and
carries the text as given.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Final

import numpy as np
import pandas as pd

from survey.records import FORMULA_STARTS  # what an import of an exported file takes off again

#: Times are exported to the second, in UTC, with a ``Z``: 2026-11-21T08:00:00Z.
ISO_UTC: Final = "%Y-%m-%dT%H:%M:%SZ"
ROWS_PER_CHUNK: Final = 1000

Row = tuple[Any, ...]


def neutralise(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def plain_column(column: pd.Series, inert: bool) -> list[Any]:
    """One column as JSON-ready Python values: None for missing, ISO text for times."""
    missing = column.isna().to_numpy()
    if isinstance(column.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(column):
        values = column.dt.strftime(ISO_UTC).to_numpy(dtype=object)
    elif pd.api.types.is_float_dtype(column):
        numbers = column.to_numpy(dtype=float, na_value=np.nan)
        missing = missing | ~np.isfinite(numbers)  # JSON has no NaN or infinity: empty cells
        values = numbers.astype(object)
    elif pd.api.types.is_bool_dtype(column) or pd.api.types.is_integer_dtype(column):
        values = column.to_numpy(dtype=object)
    else:
        values = np.array([_plain(v, inert) for v in column.to_numpy(dtype=object)], dtype=object)
    return [None if gone else _scalar(v) for v, gone in zip(values, missing, strict=True)]


def _scalar(value: Any) -> Any:
    # NumPy scalars become Python ones so csv, json and openpyxl all see plain values.
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _plain(value: Any, inert: bool) -> Any:
    """A value of a mixed (object) column: numbers stay numbers, only text is made inert."""
    if isinstance(value, str):
        return neutralise(value) if inert else value
    if value is None or isinstance(value, bool | int | np.bool_ | np.integer):
        return _scalar(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, datetime):
        moment = pd.Timestamp(value)
        utc = moment.tz_localize("UTC") if moment.tzinfo is None else moment.tz_convert("UTC")
        return utc.strftime(ISO_UTC)
    text = str(value)
    return neutralise(text) if inert else text


def plain_rows(
    frame: pd.DataFrame, *, inert: bool, chunk: int = ROWS_PER_CHUNK
) -> Iterator[list[Row]]:
    """The frame's rows as plain tuples, ``chunk`` rows at a time (text made inert if asked).

    Converting a slice at a time keeps a large export from holding two copies of itself.
    """
    for start in range(0, len(frame), chunk):
        part = frame.iloc[start : start + chunk]
        columns = [plain_column(part[name], inert) for name in part.columns]
        yield list(zip(*columns, strict=True))
