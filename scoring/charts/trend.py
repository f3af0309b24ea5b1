"""The trend chart of the management review: headline figures over the last campaigns of a
survey (oldest left), each point with its 95 % interval as a whisker and its target dashed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scoring.charts.canvas import as_svg, chart_style, new_figure

COLOURS = ("#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf")
WIDTH, HEIGHT = 7.2, 3.4  # inches: the text width of an A4 page


@dataclass(frozen=True, slots=True)
class TrendLine:
    """One figure across the campaigns (None where a campaign has no value), on a 0–100 axis."""

    label: str
    values: Sequence[float | None]
    lows: Sequence[float | None]
    highs: Sequence[float | None]
    target: float | None = None


def _array(values: Sequence[float | None]) -> np.ndarray:
    return np.array([math.nan if v is None else float(v) for v in values], dtype=float)


def trend_svg(campaigns: Sequence[str], lines: Sequence[TrendLine], *, title: str) -> str:
    """The lines over ``campaigns`` as an inline ``<svg>`` (``title`` is its accessible name);
    the y axis runs 0–100, every figure is a score, a percentage or loyalty points."""
    with chart_style():
        figure = new_figure(WIDTH, HEIGHT)
        axes = figure.subplots()
        x = np.arange(len(campaigns))
        # Lines side by side within a campaign, so that overlapping whiskers stay readable.
        spread = 0.08 * (np.arange(len(lines)) - (len(lines) - 1) / 2)
        for offset, line, colour in zip(spread, lines, COLOURS, strict=False):
            values, lows, highs = _array(line.values), _array(line.lows), _array(line.highs)
            below = np.where(np.isnan(lows), 0.0, values - lows)
            above = np.where(np.isnan(highs), 0.0, highs - values)
            axes.errorbar(
                x + offset, values, yerr=[below, above], label=line.label, color=colour,
                marker="o", markersize=4, capsize=3, linewidth=1.5, elinewidth=0.8,
            )  # fmt: skip
            if line.target is not None:
                axes.axhline(line.target, color=colour, linestyle="--", linewidth=0.8, alpha=0.7)
        axes.set_xticks(x, list(campaigns))
        axes.set_xlim(-0.5, max(len(campaigns) - 0.5, 0.5))
        axes.set_ylim(0, 105)
        axes.grid(axis="y", alpha=0.3)
        # Above the plot, outside it: the lines fill the axes' whole height.
        figure.legend(loc="outside upper center", ncols=min(len(lines), 4), fontsize="small",
                      frameon=False)  # fmt: skip
        return as_svg(figure, title=title)
