"""Column widths fitted to a sheet's content, in Excel's character units.

A CJK (East Asian wide) character takes two columns, as in a terminal. The width is measured
on the header and on a sample of rows spread over the whole table (``SAMPLE_ROWS``), so a
million-answer sheet costs no second pass; a column never grows past ``MAX_WIDTH``.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

import pandas as pd

from campaigns.exports.cells import Row
from campaigns.exports.units import Unit

SAMPLE_ROWS: Final = 2000
MAX_WIDTH: Final = 60
MIN_WIDTH: Final = 6
#: The header's filter button and a margin: the header needs this much more than its text.
HEADER_EXTRA: Final = 4
PADDING: Final = 2


def display_width(text: str) -> int:
    """How many columns ``text`` takes: two for a wide (CJK) character, one otherwise."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def shown_text(value: Any, unit: Unit) -> str:
    """Roughly what Excel shows for ``value`` in a column of ``unit``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "FALSE" if not value else "TRUE"
    if isinstance(value, datetime):
        return "0000-00-00 00:00:00"
    if isinstance(value, int | float) and math.isfinite(value):
        if unit is Unit.RATE:
            return f"{100 * value:.1f}%"
        if unit is Unit.SCORE:
            return f"{value:.1f}"
        if unit is Unit.DECIMAL:
            return f"{value:.2f}"
        if unit is Unit.COUNT:
            return f"{value:.0f}"
        return f"{value:.10g}"
    # A multi-line text is as wide as its longest line.
    return max(str(value).splitlines() or [""], key=display_width)


def sample(frame: pd.DataFrame) -> pd.DataFrame:
    """At most ``SAMPLE_ROWS`` rows, evenly spread from the first to the last."""
    if len(frame) <= SAMPLE_ROWS:
        return frame
    step = math.ceil(len(frame) / SAMPLE_ROWS)
    return frame.iloc[::step]


def fitted_widths(headers: Sequence[str], units: Sequence[Unit], rows: list[Row]) -> list[int]:
    """A width per column: its widest header or cell, plus room, within the limits."""
    widths = [display_width(h) + HEADER_EXTRA for h in headers]
    for row in rows:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], display_width(shown_text(value, units[i])) + PADDING)
    return [min(max(w, MIN_WIDTH), MAX_WIDTH) for w in widths]
