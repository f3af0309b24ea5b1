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
