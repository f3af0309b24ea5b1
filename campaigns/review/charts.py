"""The review's charts in its language: the trend over the campaigns and the tickets by
department as inline SVG (scoring/charts), and the factor bars the score table draws in CSS."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from campaigns.review.figures import as_number, bar_width
from campaigns.review.history import HistoryPoint
from campaigns.review.texts import texts_for
from campaigns.review.tickets import Standing, TicketEffectiveness
from scoring.charts.tickets import TicketStack, tickets_svg
from scoring.charts.trend import TrendLine, trend_svg

STANDING_COLOURS = {
    Standing.CLOSED_ON_TIME: "#2ca02c",
    Standing.CLOSED_LATE: "#98df8a",
    Standing.CLOSED_UNDATED: "#7f7f7f",
    Standing.OPEN_IN_TIME: "#1f77b4",
    Standing.OVERDUE: "#d62728",
}


def _percent(value: float | None, scale: float) -> float | None:
    return None if value is None else value * (100.0 if scale == 1.0 else 1.0)


def trend_chart(history: Sequence[HistoryPoint], lang: str) -> str:
    """Mean score, satisfaction rate, loyalty and response rate over ``history``, on 0–100."""
    t = texts_for(lang)
    last = history[-1].targets

    def rate_line(label: str, name: str, target: float | None) -> TrendLine:
        rates = [getattr(p, name) for p in history]
        return TrendLine(
            label,
            [_percent(r.value, r.scale) for r in rates],
            [_percent(r.ci_low, r.scale) for r in rates],
            [_percent(r.ci_high, r.scale) for r in rates],
            target,
        )

    lines = [
        TrendLine(
            t["mean_score"],
            [p.mean_score.value for p in history],
            [p.mean_score.ci_low for p in history],
            [p.mean_score.ci_high for p in history],
            last.score,
        ),
        rate_line(t["satisfaction_rate"], "satisfaction_rate", 100 * last.satisfaction_rate),
        rate_line(t["loyalty"], "loyalty", last.loyalty),
        rate_line(t["response_rate"], "response_rate", 100 * last.response_rate),
    ]
    return trend_svg([p.campaign for p in history], lines, title=t["trend_chart"])


def ticket_chart(tickets: TicketEffectiveness, lang: str) -> str:
    """Each department's tickets by standing (only the standings some ticket has)."""
    t = texts_for(lang)
    names = [d.department or t["no_department"] for d in tickets.departments]
    stacks = [
        TicketStack(t[str(s)], STANDING_COLOURS[s], [d.counts[s] for d in tickets.departments])
        for s in Standing
        if tickets.counts[s]
    ]
    return tickets_svg(names, stacks, title=t["tickets_chart"])


def factor_rows(row: pd.Series, trend: pd.Series | None) -> dict[str, Any]:
    """Bar geometry of one score row (widths in percent of a 0–100 bar): the score, its
    interval as a whisker, the previous campaign's score as a tick."""
    low, high = as_number(row["mean_score_ci_low"]), as_number(row["mean_score_ci_high"])
    previous = None if trend is None else as_number(trend["previous"])
    return {
        "bar": bar_width(row["mean_score"]),
        "whisker_left": bar_width(low) if low is not None else None,
        "whisker_width": round(bar_width(high) - bar_width(low), 1)
        if low is not None and high is not None
        else None,
        "previous_at": None if previous is None else bar_width(previous),
    }
