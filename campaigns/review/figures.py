"""Figures as the review prints them: one decimal, percentages with their sign, intervals
"a–b", changes signed, "—" where a figure is undefined. Only display rounds (STYLE)."""

from __future__ import annotations

import math
from typing import Final

from campaigns.exports.labels import GRADE_WORDS

MISSING: Final = "—"
DASH: Final = "–"


def as_number(value: object) -> float | None:
    """A finite float, or None (None, NaN, text)."""
    if value is None or isinstance(value, str):
        return None
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) or math.isinf(x) else x


def num(value: object, digits: int = 1, scale: float = 1.0) -> str:
    x = as_number(value)
    return MISSING if x is None else f"{x * scale:.{digits}f}"


def pct(value: object, digits: int = 1) -> str:
    """A fraction 0–1 as "63.6 %"."""
    x = as_number(value)
    return MISSING if x is None else f"{100 * x:.{digits}f} %"


def signed(value: object, scale: float = 1.0, digits: int = 1) -> str:
    x = as_number(value)
    return MISSING if x is None else f"{x * scale:+.{digits}f}".replace("-", "−")


def span(low: object, high: object, scale: float = 1.0, digits: int = 1) -> str:
    """ "69.5–88.4" (already in the figure's unit after ``scale``), "—" when undefined."""
    a, b = as_number(low), as_number(high)
    if a is None or b is None:
        return MISSING
    return f"{a * scale:.{digits}f}{DASH}{b * scale:.{digits}f}".replace("-", "−")


def change(value: object, low: object, high: object, scale: float = 1.0) -> str:
    """ "+4.7 (−3.2…+12.1)": a change and its interval; the change alone without one."""
    text = signed(value, scale)
    if as_number(low) is None or as_number(high) is None or text == MISSING:
        return text
    return f"{text} ({signed(low, scale)}…{signed(high, scale)})"


def grade(code: object, lang: str) -> str:
    """A grade code in words (the workbook's), "—" for a group without a score."""
    if not isinstance(code, str) or code not in GRADE_WORDS:
        return MISSING
    return GRADE_WORDS[code][lang]
