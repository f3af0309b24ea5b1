"""Factor and item scores as dots with their 95 % interval as whiskers, this campaign beside
the previous one (hollow, just below, with its own interval), the score target dashed: one row
per factor or item, the chart the dashboard's campaign page shows."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.charts.canvas import as_svg, chart_style, new_figure

CURRENT, PREVIOUS, TARGET = "#1f5fa8", "#8a96a3", "#b3261e"
WIDTH = 7.0  # inches; the SVG scales to its container
ROW_HEIGHT, MARGIN = 0.34, 0.9
OFFSET = 0.18  # how far below its row the previous campaign's dot sits
# The SVG ids of the groups holding each campaign's whiskers (one path per row), for tests
# and for a reader's stylesheet.
CURRENT_INTERVALS, PREVIOUS_INTERVALS = "current-intervals", "previous-intervals"


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One factor's or item's mean score (0–100) and interval, now and in the previous campaign
    (None where there is none)."""

    label: str
    value: float | None
    low: float | None
    high: float | None
    previous: float | None = None
    previous_low: float | None = None
    previous_high: float | None = None


def _number(value: object) -> float | None:
    if value is None:
        return None
    x = float(value)  # type: ignore[arg-type]
    return None if math.isnan(x) else x


def report_rows(
    table: pd.DataFrame, trends: pd.DataFrame, scope: str, label: Callable[[str], str]
) -> list[ScoreRow]:
    """The rows of a report's factor or item table (``group``, ``mean_score`` and its
    interval) with the previous campaign's score and own interval from the report's trend rows
    of ``scope``; ``label(key)`` names a row. What the dashboard and the review both draw."""
    mine = trends[(trends["scope"] == scope) & (trends["metric"] == "mean_score")]
    before = {str(r["key"]): r for r in mine.to_dict("records")}
    rows = []
    for r in table.to_dict("records"):
        key = str(r["group"])
        trend = before.get(key, {})
        rows.append(
            ScoreRow(
                label(key),
                _number(r["mean_score"]),
                _number(r["mean_score_ci_low"]),
                _number(r["mean_score_ci_high"]),
                _number(trend.get("previous")),
                _number(trend.get("previous_ci_low")),
                _number(trend.get("previous_ci_high")),
            )
        )
    return rows


def _array(values: Sequence[float | None]) -> np.ndarray:
    return np.array([math.nan if v is None else float(v) for v in values], dtype=float)


def _whiskers(values: np.ndarray, lows: np.ndarray, highs: np.ndarray) -> np.ndarray:
    below = np.where(np.isnan(lows), 0.0, values - lows)
    above = np.where(np.isnan(highs), 0.0, highs - values)
    spans: np.ndarray = np.clip(np.vstack([below, above]), 0.0, None)
    return spans


def axis_floor(rows: Sequence[ScoreRow], target: float | None) -> float:
    """Where the score axis starts: a little below the lowest value, interval or target shown
    (scores crowd between 60 and 100, a 0–100 axis would squash them), at most 0."""
    shown = [
        v
        for r in rows
        for v in (r.value, r.low, r.previous, r.previous_low)
        if v is not None and not math.isnan(v)
    ]
    if target is not None:
        shown.append(target)
    lowest = min(shown, default=0.0)
    return max(0.0, math.floor((lowest - 5) / 10) * 10)


def scores_svg(
    rows: Sequence[ScoreRow],
    *,
    title: str,
    current_label: str,
    previous_label: str | None,
    target: float | None = None,
    target_label: str | None = None,
) -> str:
    """The rows top to bottom as an inline ``<svg>``; ``title`` is its accessible name."""
    with chart_style():
        figure = new_figure(WIDTH, MARGIN + ROW_HEIGHT * max(len(rows), 1))
        axes = figure.subplots()
        y = np.arange(len(rows))[::-1].astype(float)
        values = _array([r.value for r in rows])
        lows, highs = _array([r.low for r in rows]), _array([r.high for r in rows])
        now = axes.errorbar(
            values,
            y,
            xerr=_whiskers(values, lows, highs),
            fmt="o",
            color=CURRENT,
            markersize=5,
            capsize=3,
            elinewidth=1.2,
            label=current_label,
        )
        now.lines[2][0].set_gid(CURRENT_INTERVALS)
        before = _array([r.previous for r in rows])
        if previous_label is not None and not np.isnan(before).all():
            then = axes.errorbar(
                before,
                y - OFFSET,
                xerr=_whiskers(
                    before,
                    _array([r.previous_low for r in rows]),
                    _array([r.previous_high for r in rows]),
                ),
                fmt="o",
                color=PREVIOUS,
                markerfacecolor="white",
                markersize=4,
                capsize=2,
                elinewidth=0.9,
                label=previous_label,
            )
            then.lines[2][0].set_gid(PREVIOUS_INTERVALS)
        if target is not None:
            axes.axvline(target, color=TARGET, linestyle="--", linewidth=0.9, label=target_label)
        axes.set_yticks(y, [r.label for r in rows])
        axes.set_ylim(-0.7, len(rows) - 0.4)
        axes.set_xlim(axis_floor(rows, target), 100.5)
        axes.grid(axis="x", alpha=0.3)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(
            loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3, fontsize="small", frameon=False
        )
        return as_svg(figure, title=title)
