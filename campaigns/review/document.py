"""The review's content, section by section, as plain values the template lays out: every
figure comes from the campaign's ``CampaignReport`` (as ``csat report`` and ``GET
/campaigns/{key}/report`` give it), the trend from the campaigns before it, the ticket standing
from the tickets themselves. Pure: no database, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd

from campaigns.review.charts import score_chart, ticket_chart, trend_chart
from campaigns.review.figures import grade, num, pct, span
from campaigns.review.history import HistoryPoint
from campaigns.review.methods import scheme_texts
from campaigns.review.notes import review_notes
from campaigns.review.scores import (
    change_rows,
    class_rows,
    driver_rows,
    factor_name,
    key_account_rows,
    question_name,
    score_rows,
)
from campaigns.review.summary import method_rows, summary_rows
from campaigns.review.texts import texts_for
from campaigns.review.tickets import Standing, TicketEffectiveness
from scoring import CampaignReport
from scoring.stats import SMALL_CELL
from survey.schema import Survey
from survey.texts import pick, shorten

FLAGS_SHOWN = 12
CHART_LABEL = 14  # characters of a name beside its key on a chart's row


def ticket_section(
    report: CampaignReport, tickets: TicketEffectiveness, survey: Survey, lang: str
) -> dict[str, Any]:
    t = texts_for(lang)
    s = report.summary
    questions = [
        {
            "key": str(r["question"]),
            "name": question_name(survey, str(r["question"]), lang),
            "tickets": int(r["tickets"]),
            "opinion": int(r["opinion_tickets"]),
            "memos": int(r["internal_memos"]),
            "max_severity": num(r["max_severity"], 0),
        }
        for _, r in report.tickets.iterrows()
        if r["tickets"]
    ]
    departments = [
        {
            "name": d.department or t["no_department"],
            "opened": d.opened,
            **{str(k): v for k, v in d.counts.items()},
        }
        for d in tickets.departments
    ]
    return {
        "at": f"{tickets.at:%Y-%m-%d %H:%M} UTC",
        "opened": tickets.opened,
        "counts": {str(k): v for k, v in tickets.counts.items()},
        "standings": [str(k) for k in Standing],
        "departments": departments,
        "escalated": tickets.escalated,
        "callback_written": tickets.callback_written,
        "callback_missing": tickets.callback_missing,
        "callback_checks": tickets.callback_checks,
        "split": t["split_line"].format(
            tickets=s.tickets, opinion=s.opinion_tickets, memos=s.internal_memos
        ),
        "questions": questions,
        "chart": ticket_chart(tickets, lang) if tickets.opened else "",
    }


def _flagged(frame: pd.DataFrame, lang: str) -> str:
    if frame.empty:
        return ""
    ids = [str(r) for r in frame["respondent_id"].head(FLAGS_SHOWN)]
    more = f" (+{len(frame) - FLAGS_SHOWN})" if len(frame) > FLAGS_SHOWN else ""
    sep = "、" if lang == "zh-CN" else ", "
    return f"{'：' if lang == 'zh-CN' else ': '}{sep.join(ids)}{more}"


def quality_lines(report: CampaignReport, lang: str) -> list[str]:
    t = texts_for(lang)
    r = report.response
    verdict = t["unknown"]
    if r.representative is not None:
        verdict = t["is_representative" if r.representative else "not_representative_short"]
    lines = [
        t["straight_lining"].format(
            n=len(report.straight_lining), who=_flagged(report.straight_lining, lang)
        ),
        t["speeding"].format(n=len(report.speeding), who=_flagged(report.speeding, lang)),
        t["flags_kept"],
        t["representative"].format(
            rate=pct(r.rate.value), target=pct(r.target, 0), verdict=verdict
        ),
    ]
    if report.summary.n_customers < SMALL_CELL:
        lines.append(t["small_sample"].format(n=report.summary.n_customers))
    return lines


def review_context(
    report: CampaignReport,
    survey: Survey,
    history: Sequence[HistoryPoint],
    tickets: TicketEffectiveness,
    *,
    lang: str,
    generated_at: datetime,
) -> dict[str, Any]:
    """Everything the template shows, in ``lang``."""
    t = texts_for(lang)
    s, r = report.summary, report.response
    bands = report.grade_bands
    itemless = list(report.items["group"]) == list(report.factors["group"])
    scale = ", ".join(f"{level}={points:g}" for level, points in sorted(report.points.items()))
    return {
        "lang": lang,
        "t": t,
        "page_before": t["page_before"],
        "page_middle": t["page_middle"],
        "page_after": t["page_after"],
        "title": t["title"],
        "campaign": report.campaign,
        "survey_key": report.survey,
        "survey_title": pick(survey.title, lang),
        "survey_version": report.survey_version,
        "previous": report.previous_campaign or t["none"],
        "generated": f"{generated_at:%Y-%m-%d %H:%M} UTC",
        "has_answers": report.has_answers,
        "no_answers": t["no_answers"].format(invited=r.invited),
        "representative": r.representative,
        "not_representative": t["not_representative"].format(
            rate=pct(r.rate.value), target=pct(r.target, 0)
        ),
        "summary": summary_rows(report, t),
        "grade_line": t["grade_line"].format(grade=grade(s.grade, lang)),
        "counts_line": t["counts_line"].format(
            customers=s.n_customers,
            respondents=s.n_respondents,
            answers=s.n_answers,
            unable=s.n_unable_to_comment,
            invited=r.invited,
            completed=r.completed,
        ),
        "history": [p.campaign for p in history],
        "trend_chart": trend_chart(history, lang) if len(history) > 1 else "",
        "trend_intro": t["trend_intro"].format(count=len(history)),
        "factors": score_rows(report, report.factors, "factor", survey, lang),
        "items": [] if itemless else score_rows(report, report.items, "item", survey, lang),
        "factor_chart": _score_chart(report, report.factors, "factor", survey, lang),
        "item_chart": "" if itemless else _score_chart(report, report.items, "item", survey, lang),
        "lowest": [
            {
                "key": str(i["item"]),
                "name": question_name(survey, str(i["item"]), lang),
                "score": num(i["mean_score"]),
                "customers": str(i["n_customers"]),
            }
            for _, i in report.lowest_items.iterrows()
        ],
        "falls": change_rows(report.largest_falls, survey, lang, t),
        "rises": change_rows(report.largest_rises, survey, lang, t),
        "drivers": driver_rows(report, survey, lang),
        "drivers_intro": _drivers_intro(report, t),
        "small_n_note": t["small_n_note"].format(n=SMALL_CELL),
        "classes": class_rows(report, report.customer_classes, lang),
        "units": class_rows(report, report.business_units, lang),
        "key_accounts": key_account_rows(report, lang),
        "tickets": ticket_section(report, tickets, survey, lang),
        "quality": quality_lines(report, lang),
        "notes": review_notes(report, survey, lang),
        "methods_intro": t["methods_intro"].format(
            confidence=f"{100 * report.methods.confidence:g}"
        ),
        "methods": method_rows(report, t, lang),
        "method_texts": scheme_texts(report, lang),
        "alpha_line": t["alpha_line"].format(
            alpha=num(s.reliability.alpha, 2),
            k=s.reliability.k,
            n=s.reliability.n,
            ci=span(s.reliability.ci_low, s.reliability.ci_high, digits=2),
        ),
        "scale_line": t["scale_line"].format(
            scale=scale,
            very=f"{bands.very_satisfied:g}",
            fairly=f"{bands.fairly_satisfied:g}",
            generally=f"{bands.generally_satisfied:g}",
        ),
    }


def _score_chart(
    report: CampaignReport, table: pd.DataFrame, scope: str, survey: Survey, lang: str
) -> str:
    """The dashboard's score chart of ``table``, its rows named "key name" (the name cut)."""
    if table["mean_score"].isna().all():
        return ""  # nothing scored: no chart, as the trend has none with one campaign
    named = factor_name if scope == "factor" else question_name

    def label(key: str) -> str:
        return f"{key} {shorten(named(survey, key, lang), CHART_LABEL)}"

    return score_chart(report, table, scope, label, lang)


def _drivers_intro(report: CampaignReport, t: Mapping[str, str]) -> str:
    if report.drivers.empty:
        return t["drivers_none"].format(min=report.methods.drivers_min_respondents)
    d = report.drivers
    return t["drivers_intro"].format(
        n=int(d["n"].iloc[0]),
        c=int(d["n_customers"].iloc[0]),
        r2=num(report.summary.drivers_r_squared, 2),
    )
