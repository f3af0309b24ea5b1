"""The review's summary table (each headline figure with its interval, n, target and change
against the previous campaign) and its method table (each interval's method and n), read off
the campaign report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from campaigns.review.figures import MISSING, as_number, change, num, pct, span
from campaigns.review.methods import interval_name, interval_text
from scoring import CampaignReport, Mean, Nps, Rate


@dataclass(frozen=True, slots=True)
class Headline:
    """One summary figure: how to read it off the summary and the trend table."""

    key: str  # the trend table's metric and the words' key
    unit: str  # "points" or "percent"
    scale: float  # trend changes × scale = the unit shown


HEADLINES = (
    Headline("mean_score", "points", 1.0),
    Headline("weighted_score", "points", 1.0),
    Headline("satisfaction_rate", "percent", 100.0),
    Headline("loyalty", "points", 1.0),
    Headline("favourable_weighted", "percent", 100.0),
    Headline("top3_rate", "percent", 100.0),
    Headline("nps", "points", 1.0),
    Headline("response_rate", "percent", 100.0),
)


def trend_row(report: CampaignReport, scope: str, key: str, metric: str) -> pd.Series | None:
    t = report.trends
    match = t[(t["scope"] == scope) & (t["key"] == key) & (t["metric"] == metric)]
    return None if match.empty else match.iloc[0]


def yes_no(value: object, t: Mapping[str, str]) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return MISSING
    return t["yes"] if bool(value) else t["no"]


def significance(row: pd.Series | None, t: Mapping[str, str]) -> str:
    if row is None:
        return MISSING
    if bool(row["small_n"]) and as_number(row["p_value"]) is not None:
        return t["withheld"]
    return yes_no(row["significant"], t)


def _estimate(
    report: CampaignReport, key: str
) -> tuple[object, object, object, float, str, Mean | Rate | Nps]:
    """(value, low, high, scale to the shown unit, n as text key, the estimate)."""
    s = report.summary
    if key == "mean_score":
        m = s.mean_score
        return m.value, m.ci_low, m.ci_high, 1.0, "customers", m
    if key == "weighted_score":
        m = s.mean_score
        return m.weighted, m.weighted_ci_low, m.weighted_ci_high, 1.0, "customers", m
    if key == "nps":
        return s.nps.value, s.nps.ci_low, s.nps.ci_high, 1.0, "respondents", s.nps
    rate: Rate = report.response.rate if key == "response_rate" else getattr(s, key)
    scale = 100.0 if rate.scale == 1.0 else 1.0
    return rate.value, rate.ci_low, rate.ci_high, scale, "rate", rate


def n_text(report: CampaignReport, key: str, t: Mapping[str, str]) -> str:
    s = report.summary
    if key in ("mean_score", "weighted_score"):
        return t["customers_unit"].format(n=s.mean_score.n)
    if key == "nps":
        return t["respondents_unit"].format(n=s.nps.n)
    if key == "response_rate":
        return t["invited_unit"].format(n=report.response.invited)
    rate: Rate = getattr(s, key)
    if rate.n_customers is not None:
        return t["answers_unit"].format(n=f"{rate.n:,.0f}", c=rate.n_customers)
    return t["customers_unit"].format(n=f"{rate.n:,.0f}")


def _target(report: CampaignReport, key: str) -> tuple[str, float | None]:
    targets = report.targets
    if key == "mean_score":
        return num(targets.score), targets.score
    if key in ("satisfaction_rate", "response_rate"):
        value = getattr(targets, key)
        return pct(value, 0), value
    if key == "loyalty":
        return num(targets.loyalty, 0), targets.loyalty
    return MISSING, None


def summary_rows(report: CampaignReport, t: Mapping[str, str]) -> list[dict[str, str]]:
    rows = []
    for h in HEADLINES:
        value, low, high, scale, _, _ = _estimate(report, h.key)
        row = trend_row(report, "index", "all", h.key)
        target, _ = _target(report, h.key)
        shown = num(value, scale=scale) + (
            " %" if h.unit == "percent" and value is not None else ""
        )
        if h.key == "nps" and as_number(value) is not None:
            shown = f"{as_number(value):+.1f}".replace("-", "−")
        rows.append(
            {
                "key": h.key,
                "label": t[h.key],
                "value": shown,
                "interval": span(low, high, scale),
                "n": n_text(report, h.key, t),
                "target": target,
                "met": MISSING
                if row is None or target == MISSING
                else yes_no(row["meets_target"], t),
                "previous": MISSING if row is None else num(row["previous"], scale=h.scale),
                "change": MISSING
                if row is None
                else change(row["change"], row["ci_low"], row["ci_high"], h.scale),
                "significant": significance(row, t),
            }
        )
    return rows


def method_rows(report: CampaignReport, t: Mapping[str, str], lang: str) -> list[dict[str, str]]:
    """Each figure's interval: its method by name (``key``: the method's code) and n."""
    m = report.methods
    s = report.summary
    sizes = {
        "mean_score": t["customers_unit"].format(n=s.mean_score.n),
        "weighted_score": t["customers_unit"].format(n=s.mean_score.n),
        "nps": t["respondents_unit"].format(n=s.nps.n),
        "response_rate": t["invited_unit"].format(n=report.response.invited),
        "driver_importance": t["respondents_unit"].format(n=s.drivers_n),
        "cronbach_alpha": t["respondents_unit"].format(n=s.reliability.n),
    }
    rows = []
    for figure, method in m.intervals.items():
        if figure not in sizes:
            sizes[figure] = n_text(report, figure, t) if hasattr(s, figure) else MISSING
        rows.append(
            {
                "figure": t.get(figure, figure.replace("_", " ")),
                "key": figure,
                "method": str(method),
                "method_name": interval_name(str(method), lang),
                "n": sizes[figure],
                "description": interval_text(report, str(method), lang),
            }
        )
    return rows
