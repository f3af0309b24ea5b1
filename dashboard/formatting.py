"""How the dashboard writes numbers: percentages, scores, changes; a missing or NaN value is a
dash, never "nan"."""

from __future__ import annotations

import math
from typing import Final

DASH: Final = "–"


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def percent(share: float | None, digits: int = 1) -> str:
    """A share (0–1) as a percentage: ``0.834`` → ``83.4%``."""
    if _missing(share):
        return DASH
    assert share is not None
    return f"{share * 100:.{digits}f}%"


def number(value: float | None, digits: int = 1) -> str:
    if _missing(value):
        return DASH
    assert value is not None
    return f"{value:.{digits}f}"


def change(value: float | None, digits: int = 1, *, points: bool = False) -> str:
    """A signed change: ``+2.1`` (``+2.1 pp`` for percentage points of a share)."""
    if _missing(value):
        return DASH
    assert value is not None
    scaled = value * 100 if points else value
    return f"{scaled:+.{digits}f}" + (" pp" if points else "")


def show(value: float | None, unit: str, digits: int = 1) -> str:
    """A figure in its unit (``campaign_view.Unit``): a share as a percentage, else points."""
    return percent(value, digits) if unit == "share" else number(value, digits)


def interval(low: float | None, high: float | None, unit: str, digits: int = 1) -> str:
    """``72.1–81.4`` (``45.5%–78.1%``); a dash when either end is missing."""
    if _missing(low) or _missing(high):
        return DASH
    return f"{show(low, unit, digits)}–{show(high, unit, digits)}"


def shift(value: float | None, unit: str, digits: int = 1) -> str:
    """A change in its unit: percentage points for a share, else points."""
    return change(value, digits, points=unit == "share")
