"""The importance–performance quadrant of the driver analysis (``report.drivers``): each
factor's share of the explained variance (x, with its bootstrap interval) against its mean
score (y), split at the drivers' mean importance and mean score as ``scoring.drivers`` splits
them, each quadrant named in its corner."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from scoring.charts.canvas import as_svg, chart_style, new_figure

WIDTH, HEIGHT = 6.4, 4.4
COLOURS = {
    "improve": "#b3261e",
    "maintain": "#1b7a3d",
    "low_priority": "#8a96a3",
    "possible_overkill": "#8a5a00",
}
# Where each quadrant's name goes: (x, y) in axes fractions, and its alignment.
CORNERS = {
    "improve": (0.98, 0.03, "right", "bottom"),
    "maintain": (0.98, 0.97, "right", "top"),
    "low_priority": (0.02, 0.03, "left", "bottom"),
    "possible_overkill": (0.02, 0.97, "left", "top"),
}


@dataclass(frozen=True, slots=True)
class Driver:
    """A factor's relative importance (share of R², 0–1) with its interval, its mean score
    and its quadrant (``scoring.drivers.QUADRANTS``)."""

    label: str
    importance: float
    low: float | None
    high: float | None
    performance: float
    quadrant: str | None


def quadrant_svg(
    drivers: Sequence[Driver],
    *,
    title: str,
    importance_label: str,
    performance_label: str,
    quadrant_names: Mapping[str, str],
) -> str:
    """The drivers as an inline ``<svg>``; drivers without an importance are left out."""
    shown = [d for d in drivers if not math.isnan(d.importance) and not math.isnan(d.performance)]
    with chart_style():
        figure = new_figure(WIDTH, HEIGHT)
        axes = figure.subplots()
        if shown:
            x = np.array([d.importance * 100 for d in shown])
            y = np.array([d.performance for d in shown])
            lows = np.array([x[i] if d.low is None else d.low * 100 for i, d in enumerate(shown)])
            highs = np.array(
                [x[i] if d.high is None else d.high * 100 for i, d in enumerate(shown)]
            )
            colours = [COLOURS.get(d.quadrant or "", "#5b6775") for d in shown]
            axes.errorbar(
                x,
                y,
                xerr=np.clip(np.vstack([x - lows, highs - x]), 0, None),
                fmt="none",
                ecolor="#c5ccd4",
                elinewidth=1,
                capsize=2,
            )
            axes.scatter(x, y, s=60, c=colours, zorder=3)
            for d, xi, yi in zip(shown, x, y, strict=True):
                axes.annotate(
                    d.label, (xi, yi), xytext=(6, 4), textcoords="offset points", fontsize="small"
                )
            axes.axvline(float(x.mean()), color="#5b6775", linestyle=":", linewidth=0.9)
            axes.axhline(float(y.mean()), color="#5b6775", linestyle=":", linewidth=0.9)
            spread = max(float(y.max() - y.min()), 4.0)
            axes.set_ylim(
                float(y.min()) - spread * 0.35, min(100.0, float(y.max()) + spread * 0.35) + 0.5
            )
            axes.set_xlim(0, max(float(highs.max()), float(x.max())) * 1.08 + 1)
        for quadrant, (cx, cy, ha, va) in CORNERS.items():
            axes.text(
                cx,
                cy,
                quadrant_names.get(quadrant, quadrant),
                transform=axes.transAxes,
                ha=ha,
                va=va,
                fontsize="small",
                color=COLOURS[quadrant],
            )
        axes.set_xlabel(importance_label)
        axes.set_ylabel(performance_label)
        axes.grid(alpha=0.25)
        axes.spines[["top", "right"]].set_visible(False)
        return as_svg(figure, title=title)
