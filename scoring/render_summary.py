"""The text report's summary and methods sections, and the trend cells every table shares: each
figure with its interval and the interval's method, its n, design effect and effective n; each
change with its interval, p, BH-adjusted p and significance (or why it is withheld)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from scoring.estimates import Mean, Nps, Rate, Reliability
from scoring.formatting import NONE, as_float, interval, method_label, number, p_value, pct, signed
from scoring.formatting import table as text_table
from scoring.notes import GRADE_TEXT
from scoring.report import CampaignReport
from scoring.stats import SMALL_CELL
from scoring.wording import counted

TREND_HEAD = ["previous", "change (95 % CI)", "p", "p (BH)", "significant"]


def trend(report: CampaignReport, scope: str, key: str, metric: str) -> pd.Series | None:
    """The trend row of one figure, None when the report has none."""
    t = report.trends
    match = t[(t["scope"] == scope) & (t["key"] == key) & (t["metric"] == metric)]
    return None if match.empty else match.iloc[0]


def trend_cells(
    row: pd.Series | None, fmt: Callable[[object], str], scale: float = 1.0
) -> list[str]:
    """previous, change with its interval, p, BH-adjusted p, significant."""
    if row is None:
        return [NONE] * 5
    return [
        fmt(row["previous"]),
        change_text(row, scale),
        p_value(row["p_value"]),
        p_value(row["p_adjusted"]),
        significance(row),
    ]


def change_text(row: pd.Series, scale: float = 1.0) -> str:
    """ "+4.7 (−32.8 to +42.1)": the change and its 95 % interval."""
    change = signed(row["change"], scale=scale)
    if as_float(row["ci_low"]) is None or as_float(row["ci_high"]) is None:
        return change
    low, high = signed(row["ci_low"], scale=scale), signed(row["ci_high"], scale=scale)
    return f"{change} ({low} to {high})"


def significance(row: pd.Series) -> str:
    """yes/no by the adjusted p; "withheld" where a side has under 10 customers."""
    if bool(row["small_n"]) and as_float(row["p_value"]) is not None:
        return f"withheld (n<{SMALL_CELL})"
    return yes_no(row["significant"])


def yes_no(value: object) -> str:
    return ("yes" if value else "no") if isinstance(value, (bool, np.bool_)) else NONE


def count(value: object) -> str:
    """A count that may be missing (a float column with NaN): "3", or "n/a"."""
    x = as_float(value)
    return NONE if x is None else f"{x:,.0f}"


def _rate_cells(rate: Rate) -> list[str]:
    """value, interval (method), n, design effect / effective n."""
    percent = rate.scale == 1.0
    value = pct(rate.value) if percent else number(rate.value)
    ci = interval(rate.ci_low, rate.ci_high, percent=percent)
    ci = f"{ci.removeprefix('95 % CI ')} ({method_label(rate.method)})" if ci else NONE
    if rate.n_customers is None:
        return [value, ci, counted(int(rate.n), "customer"), ""]
    sizes = f"{rate.n:,.0f} answers, {counted(rate.n_customers, 'customer')}"
    design = f"deff {number(rate.deff, 2)}, n_eff {number(rate.n_eff)}"
    if rate.kish_n is not None:
        design += f", Kish n {number(rate.kish_n)}"
    return [value, ci, sizes, design]


def _mean_cells(mean: Mean, weighted: bool) -> list[str]:
    if weighted:
        low, high, method = mean.weighted_ci_low, mean.weighted_ci_high, mean.weighted_method
        design = f"deff {number(mean.deff, 2)}, Kish n {number(mean.kish_n)}"
        value = mean.weighted
    else:
        low, high, method, design, value = mean.ci_low, mean.ci_high, mean.method, "", mean.value
    ci = interval(low, high, percent=False)
    ci = f"{ci.removeprefix('95 % CI ')} ({method_label(method)})" if ci else NONE
    return [number(value), ci, counted(mean.n, "customer"), design]


def _nps_cells(nps: Nps) -> list[str]:
    ci = interval(nps.ci_low, nps.ci_high, percent=False)
    ci = f"{ci.removeprefix('95 % CI ')} ({method_label(nps.method)})" if ci else NONE
    value = NONE if nps.value is None else f"{nps.value:+.1f}"
    sizes = counted(nps.n, "respondent")
    if nps.n_customers is not None:
        sizes += f", {counted(nps.n_customers, 'customer')}"
    design = "" if nps.deff is None else f"deff {number(nps.deff, 2)}, n_eff {number(nps.n_eff)}"
    return [value, ci, sizes, design]


def summary_section(report: CampaignReport) -> str:
    """The headline figures, each with interval, n and trend, then counts and alpha."""
    s, t, r = report.summary, report.targets, report.response
    specs: list[tuple[str, list[str], str, str, Callable[[object], str], float]] = [
        ("Mean customer score", _mean_cells(s.mean_score, False), number(t.score), "mean_score",
         number, 1.0),
        ("Mean customer score, weighted", _mean_cells(s.mean_score, True), "", "weighted_score",
         number, 1.0),
        ("Satisfaction rate (> 80)", _rate_cells(s.satisfaction_rate), pct(t.satisfaction_rate, 0),
         "satisfaction_rate", pct, 100.0),
        ("Loyalty (> 90 / > 80)", _rate_cells(s.loyalty), number(t.loyalty, 0), "loyalty",
         number, 1.0),
        ("Favourable rate, weighted", _rate_cells(s.favourable_weighted), "",
         "favourable_weighted", pct, 100.0),
        ("Favourable rate, pooled", _rate_cells(s.favourable_rate), "", "favourable_rate", pct,
         100.0),
        ("Top-3-box rate, pooled", _rate_cells(s.top3_rate), "", "top3_rate", pct, 100.0),
        ("NPS", _nps_cells(s.nps), "", "nps", number, 1.0),
        ("Response rate", _rate_cells(r.rate), pct(t.response_rate, 0), "response_rate", pct,
         100.0),
    ]  # fmt: skip
    rows = [
        [label, *cells, target or "—", *trend_cells(trend(report, "index", "all", m), fmt, sc)]
        for label, cells, target, m, fmt, sc in specs
    ]
    rows[-1][3] = counted(r.invited, "invitation")
    head = ["index", "this campaign", "95 % CI (method)", "n", "design", "target", *TREND_HEAD]
    extra = [
        f"Grade of the mean score: {GRADE_TEXT.get(s.grade or '', NONE)}",
        f"Customers scored: {s.n_customers}; respondents: {s.n_respondents}; scored answers: "
        f"{s.n_answers}; 'unable to comment': {s.n_unable_to_comment}",
        f"Invitations: {r.invited}, completed {r.completed}, partial (started) {r.partial}",
        alpha_line(s.reliability),
    ]
    return "Summary\n" + text_table(head, rows) + "\n" + "\n".join(extra)


def alpha_line(reliability: Reliability) -> str:
    """Cronbach's alpha with its n, k, Feldt interval and the question left out."""
    ci = interval(reliability.ci_low, reliability.ci_high, percent=False, digits=2)
    without = (
        f", without the outcome question {reliability.excluded}" if reliability.excluded else ""
    )
    return (
        f"Cronbach's alpha of the factors ({counted(reliability.k, 'factor')}, "
        f"{counted(reliability.n, 'respondent')} with every one answered{without}): "
        f"{number(reliability.alpha, 2)}"
        + (f" ({ci}, {method_label(reliability.method)})" if ci else "")
    )


def methods_section(report: CampaignReport) -> str:
    """How the figures were computed: confidence, clusters, weights, intervals, tests."""
    m = report.methods
    weights = "; ".join(
        f"{c} {', '.join(f'{w:g}' for w in ws)}" for c, ws in m.weights_by_class.items()
    )
    used = set(m.intervals.values())
    lines = [
        f"Methods ({100 * m.confidence:g} % confidence)",
        f"- {m.sampling_unit}",
        f"- {m.weighting} Weights by class: {weights or NONE}.",
        f"- {m.factor_score_rule}",
        *(f"- {method_label(key)}: {text}." for key, text in m.interval_methods.items()
          if key in used),
        f"- Tests: {m.test_choice}",
        f"- Permutation tests: {m.permutation}; key-driver intervals: {m.bootstrap}; key drivers "
        f"need {m.drivers_min_respondents} respondents.",
        f"- Multiplicity: {m.multiplicity}. {m.small_cell_rule}",
    ]  # fmt: skip
    return "\n".join(lines)
