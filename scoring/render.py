"""A campaign report as readable plain-text tables for a terminal (English labels); a campaign
nobody has answered yet is one sentence saying so, not empty tables."""

from __future__ import annotations

import pandas as pd

from scoring.formatting import (
    NONE,
    interval,
    number,
    p_value,
    pct,
    table,
)
from scoring.notes import GRADE_TEXT, no_answers_yet, satisfaction_rule, unrepresentative
from scoring.render_summary import (
    change_text,
    count,
    methods_section,
    significance,
    summary_section,
    trend,
    trend_cells,
)
from scoring.report import CampaignReport
from scoring.stats import SMALL_CELL
from scoring.wording import counted

CUSTOMERS_SHOWN = 10
FLAGS_SHOWN = 10


def render_tables(report: CampaignReport) -> str:
    """The whole report as text: header, summary, breakdowns, trends, drivers, tickets, notes."""
    if not report.has_answers:
        return f"{_header(report)}\n\n{no_answers_yet(report.response)}\n"
    sections = [
        _header(report),
        summary_section(report),
        _breakdowns(report),
        _trends(report),
        _drivers(report),
        _tickets(report),
        _quality(report),
        _customers(report),
    ]
    sections.append(methods_section(report))
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


def _index_rows(frame: pd.DataFrame, report: CampaignReport, scope: str | None) -> list[list[str]]:
    rows = []
    for _, g in frame.iterrows():
        ci = interval(g["mean_score_ci_low"], g["mean_score_ci_high"], percent=False)
        satisfied_ci = interval(g["satisfaction_ci_low"], g["satisfaction_ci_high"], percent=True)
        favourable_ci = interval(
            g["favourable_weighted_ci_low"], g["favourable_weighted_ci_high"], percent=True
        )
        small = "*" if bool(g["small_n"]) else ""
        cells = [
            str(g["group"]),
            f"{g['n_customers']}{small}",
            f"{number(g['mean_score'])} ({ci})" if ci else number(g["mean_score"]),
            GRADE_TEXT.get(str(g["grade"]), NONE),
            f"{pct(g['satisfaction_rate'])} ({satisfied_ci})"
            if satisfied_ci
            else pct(g["satisfaction_rate"]),
            f"{pct(g['favourable_weighted'])} ({favourable_ci})"
            if favourable_ci
            else pct(g["favourable_weighted"]),
            pct(g["favourable_rate"]),
            pct(g["top3_rate"]),
        ]
        if scope is not None:
            row = trend(report, scope, str(g["group"]), "mean_score")
            cells += [trend_cells(row, number)[i] for i in (0, 1, 3, 4)]
        rows.append(cells)
    return rows


def _breakdowns(report: CampaignReport) -> str:
    head = [
        "group",
        "customers",
        "mean score (t)",
        "grade",
        "satisfaction rate (Wilson)",
        "favourable, wtd (clustered Wilson)",
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
        extra = ["previous", "change (95 % CI)", "p (BH)", "significant"] if scope else []
        parts.append(f"{title}\n" + table(head + extra, _index_rows(frame, report, scope)))
    parts[-1] += (
        f"\n* fewer than {SMALL_CELL} customers: read the interval; no change there is called "
        "significant"
    )
    rows = [
        [
            r["dimension"],
            r["group"],
            str(r["n"]),
            f"{r['n_customers']}{'*' if bool(r['small_n']) else ''}",
            number(r["nps"]),
            interval(r["nps_ci_low"], r["nps_ci_high"], percent=False) or NONE,
            number(r["nps_deff"], 2),
        ]
        for _, r in report.nps.iterrows()
    ]
    parts.append(
        "NPS (% promoters 9–10 − % detractors 0–6; interval: clustered t)\n"
        + (
            table(["breakdown", "group", "n", "customers", "NPS", "interval", "deff"], rows)
            if rows
            else "(no NPS answers)"
        )
    )
    return "\n\n".join(parts)


def _trends(report: CampaignReport) -> str:
    low = [
        [r["item"], number(r["mean_score"]), f"{r['n_customers']}{'*' if r['small_n'] else ''}"]
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
                change_text(r),
                f"{count(r['n_previous'])}/{count(r['n_current'])}",
                p_value(r["p_value"]),
                p_value(r["p_adjusted"]),
                significance(r),
            ]
            for _, r in frame.iterrows()
        ]
        head = ["item", "previous", "now", "change (95 % CI)", "customers before/now", "p",
                "p (BH)", "significant"]  # fmt: skip
        body = table(head, rows) if rows else "(none: no previous campaign or no change)"
        parts.append(f"{title}\n{body}")
    return "\n\n".join(parts)


def _drivers(report: CampaignReport) -> str:
    if report.drivers.empty:
        n = report.summary.drivers_n
        if n and n < report.methods.drivers_min_respondents:
            return (
                f"Key drivers\n(withheld: {counted(n, 'respondent')} answered the overall "
                f"question and every factor; the analysis needs "
                f"{report.methods.drivers_min_respondents})"
            )
        return "Key drivers\n(no overall-impression question, or no answers)"
    rows = [
        [
            r["factor"],
            number(r["correlation"], 2),
            p_value(r["p_value"]),
            pct(r["relative_importance"]),
            interval(r["importance_ci_low"], r["importance_ci_high"], percent=True) or NONE,
            number(r["performance"]),
            r["quadrant"] or NONE,
        ]
        for _, r in report.drivers.iterrows()
    ]
    r2 = number(report.summary.drivers_r_squared, 2)
    n, customers = int(report.drivers["n"].iloc[0]), int(report.drivers["n_customers"].iloc[0])
    return (
        f"Key drivers of the overall impression ({counted(n, 'respondent')} of "
        f"{counted(customers, 'customer')}, R² = {r2}; importance interval: "
        f"{report.methods.bootstrap})\n"
        + table(
            ["factor", "r", "p", "importance", "importance CI", "performance", "quadrant"], rows
        )
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
