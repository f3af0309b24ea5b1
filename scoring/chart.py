"""The trend chart: factor scores and headline indices, this campaign against the previous one
and the targets, as a PNG (matplotlib's Agg canvas, no pyplot global state), in the chart font
(scoring/charts/fonts.py) so that Chinese factor names render."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from scoring.charts.canvas import chart_style, new_figure, save_png
from scoring.formatting import as_float
from scoring.report import CampaignReport

CURRENT_COLOUR = "#1f77b4"
PREVIOUS_COLOUR = "#aec7e8"
TARGET_COLOUR = "#d62728"


def _values(
    report: CampaignReport, scope: str, metric: str, keys: list[str]
) -> tuple[list[float], list[float]]:
    trends = report.trends
    rows = trends[(trends["scope"] == scope) & (trends["metric"] == metric)].set_index("key")
    current = [as_float(rows["current"].get(k)) if k in rows.index else None for k in keys]
    previous = [as_float(rows["previous"].get(k)) if k in rows.index else None for k in keys]
    return (
        [math.nan if v is None else v for v in current],
        [math.nan if v is None else v for v in previous],
    )


def _bars(
    axes: Axes, x: np.ndarray, values: list[float], label: str, colour: str, offset: float
) -> None:
    """Grouped bars with their values printed on top (nothing for a missing value)."""
    bars = axes.bar(x + offset, values, 0.4, label=label, color=colour)
    axes.bar_label(
        bars, labels=["" if math.isnan(v) else f"{v:.0f}" for v in values], fontsize=7, padding=1
    )


def write_trend_chart(report: CampaignReport, path: str | Path) -> Path:
    """Write the chart to ``path`` (PNG) and return the path."""
    with chart_style():
        figure = _trend_figure(report)
        return save_png(figure, path)


def _trend_figure(report: CampaignReport) -> Figure:
    figure = new_figure(11, 4.8)
    left, right = figure.subplots(1, 2, width_ratios=(3, 2))
    previous_label = report.previous_campaign or "previous (none)"

    factors = [str(f) for f in report.factors["group"]] if len(report.factors) else []
    now, before = _values(report, "factor", "mean_score", factors)
    x = np.arange(len(factors))
    _bars(left, x, before, previous_label, PREVIOUS_COLOUR, -0.2)
    _bars(left, x, now, report.campaign, CURRENT_COLOUR, 0.2)
    left.axhline(
        report.targets.score,
        color=TARGET_COLOUR,
        linestyle="--",
        zorder=3,
        label=f"target {report.targets.score:g}",
    )
    left.set_xticks(x, factors)
    left.set_ylim(0, 112)
    left.set_ylabel(f"mean score ({report.point_scale} points)")
    left.set_title("Factor scores")
    left.legend(loc="upper center", ncols=3, fontsize="small", frameon=False)

    metrics = [
        ("satisfaction_rate", "satisfaction %", 100.0, report.targets.satisfaction_rate),
        ("loyalty", "loyalty", 1.0, report.targets.loyalty / 100),
        ("favourable_weighted", "favourable %", 100.0, None),
        ("response_rate", "response %", 100.0, report.targets.response_rate),
    ]
    labels = [label for _, label, _, _ in metrics]
    now_i, before_i = [], []
    for metric, _, scale, _ in metrics:
        n, b = _values(report, "index", metric, ["all"])
        now_i.append(n[0] * scale)
        before_i.append(b[0] * scale)
    xi = np.arange(len(metrics))
    _bars(right, xi, before_i, previous_label, PREVIOUS_COLOUR, -0.2)
    _bars(right, xi, now_i, report.campaign, CURRENT_COLOUR, 0.2)
    for i, (_, _, _, target) in enumerate(metrics):
        if target is not None:
            right.hlines(
                target * 100, i - 0.45, i + 0.45, color=TARGET_COLOUR, linestyle="--", zorder=3
            )
    right.set_xticks(xi, labels)
    right.set_ylim(0, 112)
    right.set_title("Indices against targets (dashed)")
    figure.suptitle(
        f"{report.survey} — campaign {report.campaign}"
        + ("" if report.response.representative is not False else " (not representative)")
    )
    return figure
