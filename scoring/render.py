"""A campaign report as readable plain-text tables for a terminal (English labels); a campaign
nobody has answered yet is one sentence saying so, not empty tables."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from scoring.formatting import (
    NONE,
    interval,
    mean_text,
    nps_text,
    number,
    p_value,
    pct,
    rate_text,
    signed,
    table,
)
from scoring.notes import GRADE_TEXT, no_answers_yet, satisfaction_rule, unrepresentative
from scoring.report import CampaignReport
from scoring.wording import counted

CUSTOMERS_SHOWN = 10
FLAGS_SHOWN = 10


def render_tables(report: CampaignReport) -> str:
    """The whole report as text: header, summary, breakdowns, trends, drivers, tickets, notes."""
    if not report.has_answers:
        return f"{_header(report)}\n\n{no_answers_yet(report.response)}\n"
    sections = [
        _header(report),
        _summary(report),
        _breakdowns(report),
        _trends(report),
        _drivers(report),
        _tickets(report),
        _quality(report),
        _customers(report),
    ]
    if report.notes:
        sections.append("Notes\n" + "\n".join(f"- {note}" for note in report.notes))
    return "\n\n".join(s for s in sections if s) + "\n"


def _header(report: CampaignReport) -> str:
    scale = ", ".join(f"{level}={points:g}" for level, points in sorted(report.points.items()))
    bands = report.grade_bands
    lines = [
        f"Campaign {report.campaign} — survey {report.survey} v{report.survey_version} — "
        f"previous campaign: {report.previous_campaign or 'none'}",
        f"Point scale: {report.point_scale} ({scale})",
        f"Grades: ≥ {bands.very_satisfied:g} very satisfied, ≥ {bands.fairly_satisfied:g} fairly "
        f"satisfied, ≥ {bands.generally_satisfied:g} generally satisfied, below dissatisfied",
    ]
    if not report.has_answers:
        return "\n".join(lines)
    lines.append(satisfaction_rule(bands))  # grades and the satisfaction rate appear below
    if report.response.representative is False:
        lines.append(f"NOT REPRESENTATIVE: {unrepresentative(report.response)}")
    return "\n".join(lines)


def _trend(report: CampaignReport, scope: str, key: str, metric: str) -> pd.Series | None:
    t = report.trends
    match = t[(t["scope"] == scope) & (t["key"] == key) & (t["metric"] == metric)]
    return None if match.empty else match.iloc[0]


def _trend_cells(
    row: pd.Series | None, fmt: Callable[[object], str], scale: float = 1.0
) -> list[str]:
    if row is None:
        return [NONE] * 4
    change = signed(row["change"], scale=scale)
    return [fmt(row["previous"]), change, p_value(row["p_value"]), _yes_no(row["significant"])]


def _yes_no(value: object) -> str:
    return ("yes" if value else "no") if isinstance(value, (bool, np.bool_)) else NONE


def _summary(report: CampaignReport) -> str:
    s, t = report.summary, report.targets
    r = report.response
    rows: list[list[str]] = []
    specs: list[tuple[str, str, str, str, Callable[[object], str], float]] = [
        (
            "Mean customer score",
            mean_text(s.mean_score),
            number(t.score),
            "mean_score",
            number,
            1.0,
        ),
        (
            "Satisfaction rate (> 80)",
            rate_text(s.satisfaction_rate),
            pct(t.satisfaction_rate, 0),
            "satisfaction_rate",
            pct,
            100.0,
        ),
        (
            "Loyalty (> 90 / > 80)",
            rate_text(s.loyalty),
            number(t.loyalty, 0),
            "loyalty",
            number,
            1.0,
        ),
        (
            "Favourable rate, weighted",
            rate_text(s.favourable_weighted),
            "",
            "favourable_weighted",
            pct,
            100.0,
        ),
        (
            "Favourable rate, pooled",
            rate_text(s.favourable_rate),
            "",
            "favourable_rate",
            pct,
            100.0,
        ),
        ("Top-3-box rate", rate_text(s.top3_rate), "", "top3_rate", pct, 100.0),
        ("NPS", nps_text(s.nps), "", "nps", number, 1.0),
        ("Response rate", rate_text(r.rate), pct(t.response_rate, 0), "response_rate", pct, 100.0),
    ]
    for label, value, target, metric, fmt, scale in specs:
        rows.append(
            [
                label,
                value,
                target or "—",
                *_trend_cells(_trend(report, "index", "all", metric), fmt, scale),
            ]
        )
    text = table(
        ["index", "this campaign", "target", "previous", "change", "p", "significant"], rows
    )
    extra = [
        f"Grade of the mean score: {GRADE_TEXT.get(s.grade or '', NONE)}",
        f"Customers scored: {s.n_customers}; respondents: {s.n_respondents}; scored answers: "
        f"{s.n_answers}; 'unable to comment': {s.n_unable_to_comment}",
        f"Invitations: {r.invited}, completed {r.completed}, partial (started) {r.partial}",
        f"Cronbach's alpha of the factors: {number(s.cronbach_alpha, 2)}",
    ]
    return "Summary\n" + text + "\n" + "\n".join(extra)


def _index_rows(frame: pd.DataFrame, report: CampaignReport, scope: str | None) -> list[list[str]]:
    rows = []
    for _, g in frame.iterrows():
        ci = interval(g["mean_score_ci_low"], g["mean_score_ci_high"], percent=False)
        satisfied_ci = interval(g["satisfaction_ci_low"], g["satisfaction_ci_high"], percent=True)
        cells = [
            str(g["group"]),
            str(g["n_customers"]),
            f"{number(g['mean_score'])} ({ci})" if ci else number(g["mean_score"]),
            GRADE_TEXT.get(str(g["grade"]), NONE),
            f"{pct(g['satisfaction_rate'])} ({satisfied_ci})"
            if satisfied_ci
            else pct(g["satisfaction_rate"]),
            pct(g["favourable_weighted"]),
            pct(g["favourable_rate"]),
            pct(g["top3_rate"]),
        ]
        if scope is not None:
            trend = _trend(report, scope, str(g["group"]), "mean_score")
            cells += _trend_cells(trend, number)[:3]
        rows.append(cells)
    return rows


def _breakdowns(report: CampaignReport) -> str:
    head = [
        "group",
        "customers",
        "mean score",
        "grade",
        "satisfaction rate",
        "favourable (wtd)",
        "favourable (pooled)",
        "top-3-box",
    ]
    parts = []
    itemless = list(report.items["group"]) == list(report.factors["group"])
    for title, frame, scope in (
        ("By factor", report.factors, "factor"),
        ("By item", report.items.iloc[:0] if itemless else report.items, "item"),
        ("By business unit", report.business_units, None),
        ("By role", report.roles, None),
        ("By customer class", report.customer_classes, None),
    ):
        if frame.empty and scope == "item":
            continue  # every factor is asked itself: the item table would repeat the factors
        extra = ["previous", "change", "p"] if scope else []
        parts.append(f"{title}\n" + table(head + extra, _index_rows(frame, report, scope)))
    rows = [
        [
            r["dimension"],
            r["group"],
            str(r["n"]),
            number(r["nps"]),
            interval(r["nps_ci_low"], r["nps_ci_high"], percent=False),
        ]
        for _, r in report.nps.iterrows()
    ]
    parts.append(
        "NPS (% promoters 9–10 − % detractors 0–6)\n"
        + (
            table(["breakdown", "group", "n", "NPS", "interval"], rows)
            if rows
            else "(no NPS answers)"
        )
    )
    return "\n\n".join(parts)


def _trends(report: CampaignReport) -> str:
    low = [
        [r["item"], number(r["mean_score"]), str(r["n_customers"])]
        for _, r in report.lowest_items.iterrows()
    ]
    parts = ["Lowest items\n" + table(["item", "mean score", "customers"], low)]
    for title, frame in (
        ("Largest rises", report.largest_rises),
        ("Largest falls", report.largest_falls),
    ):
        rows = [
            [
                r["item"],
                number(r["previous"]),
                number(r["current"]),
                signed(r["change"]),
                p_value(r["p_value"]),
                _yes_no(r["significant"]),
            ]
            for _, r in frame.iterrows()
        ]
        body = (
            table(["item", "previous", "now", "change", "p", "significant"], rows)
            if rows
            else "(none: no previous campaign or no change)"
        )
        parts.append(f"{title}\n{body}")
    return "\n\n".join(parts)


def _drivers(report: CampaignReport) -> str:
    if report.drivers.empty:
        return "Key drivers\n(no overall-impression question, or no answers)"
    rows = [
        [
            r["factor"],
            number(r["correlation"], 2),
            p_value(r["p_value"]),
            pct(r["relative_importance"]),
            number(r["performance"]),
            r["quadrant"] or NONE,
        ]
        for _, r in report.drivers.iterrows()
    ]
    r2 = number(report.summary.drivers_r_squared, 2)
    n = int(report.drivers["n"].iloc[0])
    return (
        f"Key drivers of the overall impression ({counted(n, 'respondent')}, R² = {r2})\n"
        + table(["factor", "r", "p", "importance", "performance", "quadrant"], rows)
    )


def _tickets(report: CampaignReport) -> str:
    s = report.summary
    rows = [
        [
            r["question"],
            str(r["tickets"]),
            str(r["opinion_tickets"]),
            str(r["internal_memos"]),
            number(r["max_severity"], 0),
        ]
        for _, r in report.tickets.iterrows()
        if r["tickets"]
    ]
    head = (
        f"Tickets (answers 1–2): {counted(s.tickets, 'ticket')}: "
        f"{counted(s.opinion_tickets, 'opinion ticket')} (top 20 % by severity), "
        f"{counted(s.internal_memos, 'internal memo')}"
    )
    if not rows:
        return head
    return head + "\n" + table(["question", "tickets", "opinion", "memo", "max severity"], rows)


def _quality(report: CampaignReport) -> str:
    lines = [
        f"Data quality: {len(report.straight_lining)} straight-lining, "
        f"{len(report.speeding)} speeding (flagged, kept in every figure)"
    ]
    for title, frame in (
        ("straight-lining", report.straight_lining),
        ("speeding", report.speeding),
    ):
        if len(frame):
            shown = ", ".join(frame["respondent_id"].astype(str).head(FLAGS_SHOWN))
            more = f" (+{len(frame) - FLAGS_SHOWN} more)" if len(frame) > FLAGS_SHOWN else ""
            lines.append(f"  {title}: {shown}{more}")
    return "\n".join(lines)


def _customers(report: CampaignReport) -> str:
    frame = report.customers.sort_values("score", kind="stable").head(CUSTOMERS_SHOWN)
    rows = [
        [
            r["customer_id"],
            str(r["customer_name"]),
            str(r["customer_class"]),
            number(r["customer_weight"], 0),
            str(r["business_unit"]),
            number(r["score"]),
            GRADE_TEXT.get(str(r["grade"]), NONE),
            str(r["n_respondents"]),
            pct(r["favourable_rate"]),
        ]
        for _, r in frame.iterrows()
    ]
    shown = (
        ""
        if len(report.customers) <= CUSTOMERS_SHOWN
        else f" (lowest {CUSTOMERS_SHOWN} of {len(report.customers)})"
    )
    head = [
        "customer",
        "name",
        "class",
        "weight",
        "business unit",
        "score",
        "grade",
        "respondents",
        "favourable",
    ]
    return f"Customers{shown}\n" + table(head, rows)
