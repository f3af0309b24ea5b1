"""The review's charts in its language, as inline SVG (scoring/charts): the trend over the
campaigns, the factor and item scores beside the previous campaign's (the dashboard's chart),
and the tickets by department."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from campaigns.review.history import HistoryPoint
from campaigns.review.texts import texts_for
from campaigns.review.tickets import Standing, TicketEffectiveness
from scoring import CampaignReport
from scoring.charts.scores import report_rows, scores_svg
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


def score_chart(
    report: CampaignReport, table: pd.DataFrame, scope: str, label: Callable[[str], str], lang: str
) -> str:
    """A factor or item table's scores with their intervals, the previous campaign's beside,
    the score target dashed: the chart of the dashboard's campaign page."""
    t = texts_for(lang)
    previous, target = report.previous_campaign, report.targets.score
    return scores_svg(
        report_rows(table, report.trends, scope, label),
        title=t[f"{scope}_chart"],
        current_label=t["this_campaign"].format(key=report.campaign),
        previous_label=t["previous_campaign"].format(key=previous) if previous else None,
        target=target,
        target_label=t["score_target"].format(target=f"{target:g}"),
    )
