"""What unit each exported column is in, and its cells as the workbook shows them: one unit
per column, each with its Excel number format.

A rate is a fraction 0–1 shown as ``0.0%`` (the report's loyalty, on a 0–100 scale, is divided
by 100 here); a score (0–100) or an NPS (−100..100) has one decimal; counts are integers;
times are real Excel date-times (UTC, since Excel has no time zones); a code column
(``labels.COLUMN_WORDS``) becomes words. An interval's low and high columns share the unit of
their figure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

import numpy as np
import pandas as pd

from campaigns.exports.cells import ROWS_PER_CHUNK, Row, plain_column
from campaigns.exports.labels import COLUMN_WORDS, word


class Unit(StrEnum):
    """A column's unit; its value is the Excel number format (text: none)."""

    TEXT = "General"
    COUNT = "0"
    SCORE = "0.0"
    RATE = "0.0%"
    DECIMAL = "0.00"  # weights, design effects, effective n, Cronbach's alpha
    TIME = "yyyy-mm-dd hh:mm:ss"


_INTERVAL: Final = ("", "_ci_low", "_ci_high")
_RATES: Final = frozenset(
    f"{stem}{end}"
    for stem in ("favourable", "favourable_weighted", "top3", "top3_weighted")
    for end in ("_ci_low", "_ci_high")
) | {
    "satisfaction_rate", "satisfaction_ci_low", "satisfaction_ci_high", "favourable_rate",
    "favourable_weighted", "top3_rate", "top3_weighted", "response_rate", "rate",
    "rate_ci_low", "rate_ci_high", "rate_target",
}  # fmt: skip
#: Rates the report keeps in percent points (0–100): the workbook shows them as fractions.
PERCENT_POINTS: Final = frozenset(f"loyalty{end}" for end in _INTERVAL)
_SCORES: Final = frozenset(
    f"{stem}{end}" for stem in ("mean_score", "weighted_score", "score", "nps") for end in _INTERVAL
) | {"severity", "score_target"}
_DECIMALS: Final = ("_deff", "_n_eff", "kish_n", "customer_weight", "coefficient")


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, unit and (for codes) the words to show."""

    name: str
    unit: Unit
    words: bool = False


def unit_of(name: str, column: pd.Series) -> Unit:
    """The unit of an exported column, from its name (rates and scores) and its type."""
    if isinstance(column.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(column):
        return Unit.TIME
    if pd.api.types.is_bool_dtype(column):
        return Unit.TEXT  # Excel's TRUE/FALSE, filterable as they are
    if name in _RATES or name in PERCENT_POINTS:
        return Unit.RATE
    if pd.api.types.is_integer_dtype(column):
        return Unit.COUNT  # a ticket's score is an answer level: a whole number
    if name in _SCORES:
        return Unit.SCORE
    if name.endswith(_DECIMALS):
        return Unit.DECIMAL
    if pd.api.types.is_float_dtype(column):
        return Unit.COUNT if _whole(column) else Unit.DECIMAL
    return Unit.TEXT


def _whole(column: pd.Series) -> bool:
    numbers = column.to_numpy(dtype=float, na_value=np.nan)
    numbers = numbers[np.isfinite(numbers)]
    return bool(numbers.size) and bool(np.all(numbers == np.round(numbers)))


def sheet_columns(frame: pd.DataFrame) -> list[Column]:
    """The columns of a workbook sheet, each with its unit."""
    return [
        Column(str(name), unit_of(str(name), frame[name]), str(name) in COLUMN_WORDS)
        for name in frame.columns
    ]


def _shown(column: pd.Series, spec: Column, lang: str) -> list[Any]:
    """One column's cells as the workbook shows them."""
    if spec.unit is Unit.TIME:
        moments = pd.to_datetime(column, utc=True).dt.tz_localize(None)
        return [None if pd.isna(m) else m.to_pydatetime() for m in moments]
    values = plain_column(column, inert=True)
    if spec.name in PERCENT_POINTS:
        return [None if v is None else v / 100 for v in values]
    if spec.words:
        words = COLUMN_WORDS[spec.name]
        return [word(words, v, lang) for v in values]
    return values


def shown_rows(
    frame: pd.DataFrame, columns: list[Column], lang: str, *, chunk: int = ROWS_PER_CHUNK
) -> Iterator[list[Row]]:
    """The frame's rows as the workbook shows them, ``chunk`` rows at a time."""
    for start in range(0, len(frame), chunk):
        part = frame.iloc[start : start + chunk]
        cells = [_shown(part[c.name], c, lang) for c in columns]
        yield list(zip(*cells, strict=True))
