"""The review's score tables: factors and items (with the previous campaign), the largest
changes, the key drivers, customer classes, business units and key accounts, named in the
document's language from the questionnaire."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from campaigns.review.figures import MISSING, change, grade, num, pct, span
from campaigns.review.summary import significance, trend_row
from campaigns.review.texts import QUADRANT_WORDS, texts_for
from scoring import CampaignReport
from survey.schema import Survey
from survey.texts import pick
from survey.wording import question_label

KEY_ACCOUNT = "KA"


def factor_name(survey: Survey, key: str, lang: str) -> str:
    factor = survey.factor(key)
    if factor is not None and factor.items:
        return pick(factor.text, lang)
    question = survey.question(key)
    return key if question is None else question_label(question, lang)


def question_name(survey: Survey, key: str, lang: str) -> str:
    question = survey.question(key)
    if question is None:
        return factor_name(survey, key, lang)
    return question_label(question, lang)


def score_rows(
    report: CampaignReport, frame: pd.DataFrame, scope: str, survey: Survey, lang: str
) -> list[dict[str, Any]]:
    """Factor or item rows: name, customers, score with interval, grade, satisfied, previous."""
    t = texts_for(lang)
    named = factor_name if scope == "factor" else question_name
    rows = []
    for _, g in frame.iterrows():
        key = str(g["group"])
        trend = trend_row(report, scope, key, "mean_score")
        rows.append(
            {
                "key": key,
                "name": named(survey, key, lang),
                "customers": f"{g['n_customers']}{'*' if bool(g['small_n']) else ''}",
                "score": num(g["mean_score"]),
                "interval": span(g["mean_score_ci_low"], g["mean_score_ci_high"]),
                "grade": grade(g["grade"], lang),
                "satisfied": pct(g["satisfaction_rate"]),
                "previous": MISSING if trend is None else num(trend["previous"]),
                "change": MISSING
                if trend is None
                else change(trend["change"], trend["ci_low"], trend["ci_high"]),
                "significant": significance(trend, t),
            }
        )
    return rows


def change_rows(
    frame: pd.DataFrame, survey: Survey, lang: str, t: Mapping[str, str]
) -> list[dict[str, str]]:
    return [
        {
            "key": str(r["item"]),
            "name": question_name(survey, str(r["item"]), lang),
            "previous": num(r["previous"]),
            "current": num(r["current"]),
            "change": change(r["change"], r["ci_low"], r["ci_high"]),
            "significant": significance(r, t),
        }
        for _, r in frame.iterrows()
    ]


def driver_rows(report: CampaignReport, survey: Survey, lang: str) -> list[dict[str, str]]:
    return [
        {
            "key": str(r["factor"]),
            "name": factor_name(survey, str(r["factor"]), lang),
            "correlation": num(r["correlation"], 2),
            "importance": pct(r["relative_importance"]),
            "interval": span(r["importance_ci_low"], r["importance_ci_high"], 100.0),
            "performance": num(r["performance"]),
            "quadrant": QUADRANT_WORDS.get(str(r["quadrant"]), {}).get(lang, MISSING),
        }
        for _, r in report.drivers.iterrows()
    ]


def class_rows(report: CampaignReport, frame: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    return [
        {
            "key": str(g["group"]),
            "name": str(g["group"]),
            "customers": f"{g['n_customers']}{'*' if bool(g['small_n']) else ''}",
            "score": num(g["mean_score"]),
            "interval": span(g["mean_score_ci_low"], g["mean_score_ci_high"]),
            "grade": grade(g["grade"], lang),
            "satisfied": pct(g["satisfaction_rate"]),
            "favourable": pct(g["favourable_weighted"]),
        }
        for _, g in frame.iterrows()
    ]


def key_account_rows(report: CampaignReport, lang: str) -> list[dict[str, str]]:
    customers = report.customers
    ka = customers[customers["customer_class"] == KEY_ACCOUNT].sort_values("score", kind="stable")
    return [
        {
            "key": str(c["customer_id"]),
            "name": str(c["customer_name"]),
            "business_unit": str(c["business_unit"]),
            "score": num(c["score"]),
            "grade": grade(c["grade"], lang),
            "respondents": str(c["n_respondents"]),
            "favourable": pct(c["favourable_rate"]),
        }
        for _, c in ka.iterrows()
    ]
