"""What the campaign page shows, read off the campaign's report (pure functions): the index
cards, factor and item scores beside the previous campaign, the breakdowns, the drivers, the
lowest items and largest changes. Every number here is one of the report's (the same report
``GET /campaigns/{key}/report`` serialises); only the words around them are the page's."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pandas as pd

from campaigns.exports.labels import GRADE_WORDS, ROLE_WORDS, word
from scoring import CampaignReport
from scoring.charts.quadrant import Driver
from scoring.estimates import finite
from scoring.methods import Interval
from survey.schema import Survey
from survey.texts import pick, shorten
from survey.wording import question_label

FACTOR_LABEL_LENGTH = 16
Trends = Mapping[tuple[str, str, str], Mapping[str, Any]]  # (scope, key, metric) → trend row


class Unit(StrEnum):
    """How a figure is written: a share as a percentage, points (loyalty, NPS, score) as such."""

    SHARE = "share"
    POINTS = "points"


class Scope(StrEnum):
    """The report's trend scopes the page reads (scoring.trends)."""

    INDEX = "index"
    FACTOR = "factor"
    ITEM = "item"
    BUSINESS_UNIT = "business_unit"
    ROLE = "role"
    CUSTOMER_CLASS = "customer_class"


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure with its interval, how the interval was made and over how many."""

    value: float | None
    low: float | None
    high: float | None
    n: float | None
    method: str
    unit: Unit


@dataclass(frozen=True, slots=True)
class Change:
    """Against the previous campaign (the report's trend row): None where there is none.
    ``low``/``high`` bound the change; ``previous_low``/``previous_high`` are the previous
    campaign's own interval of its figure."""

    previous: float | None
    change: float | None
    low: float | None
    high: float | None
    p_value: float | None
    significant: bool | None
    test: str | None
    previous_low: float | None = None
    previous_high: float | None = None


@dataclass(frozen=True, slots=True)
class Card:
    metric: str  # the report's name for it: satisfaction_rate, loyalty, …
    figure: Figure
    target: float | None
    meets: bool | None
    change: Change
    n_label: str  # the text key of what n counts: customers, respondents, invited


@dataclass(frozen=True, slots=True)
class ScoreLine:
    """A factor, item or group row: its mean score and the rates beside it."""

    key: str
    label: str
    score: Figure
    n_customers: int
    n_respondents: int
    small_n: bool
    grade: str | None
    satisfaction_rate: float | None
    favourable_rate: float | None
    change: Change


def records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """A report table's rows as dicts keyed by column name."""
    return [{str(k): v for k, v in row.items()} for row in table.to_dict("records")]


def _value(row: Mapping[str, Any], name: str) -> float | None:
    value = row.get(name)
    return None if value is None else finite(value)


def trend_rows(report: CampaignReport) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(str(r["scope"]), str(r["key"]), str(r["metric"])): r for r in records(report.trends)}


def change_of(trends: Trends, scope: Scope, key: str, metric: str) -> Change:
    row = trends.get((scope.value, key, metric))
    if row is None:
        return Change(None, None, None, None, None, None, None)
    significant = row.get("significant")
    return Change(
        _value(row, "previous"),
        _value(row, "change"),
        _value(row, "ci_low"),
        _value(row, "ci_high"),
        _value(row, "p_value"),
        None
        if significant is None or (isinstance(significant, float) and math.isnan(significant))
        else bool(significant),
        str(row["test"]) if row.get("test") else None,
        _value(row, "previous_ci_low"),
        _value(row, "previous_ci_high"),
    )


def cards(report: CampaignReport) -> list[Card]:
    """The headline index cards, in the order a quality manager reads them."""
    s, t, trends = report.summary, report.targets, trend_rows(report)

    def change(metric: str) -> Change:
        return change_of(trends, Scope.INDEX, "all", metric)

    def meets(value: float | None, target: float | None) -> bool | None:
        return None if value is None or target is None else value >= target

    mean = Figure(
        s.mean_score.value,
        s.mean_score.ci_low,
        s.mean_score.ci_high,
        s.mean_score.n,
        s.mean_score.method.value,
        Unit.POINTS,
    )
    rates = (
        ("satisfaction_rate", s.satisfaction_rate, t.satisfaction_rate, Unit.SHARE, "n_customers"),
        ("loyalty", s.loyalty, t.loyalty, Unit.POINTS, "n_satisfied_customers"),
        ("favourable_rate", s.favourable_rate, None, Unit.SHARE, "n_answers"),
    )
    out = [
        Card(
            metric,
            Figure(rate.value, rate.ci_low, rate.ci_high, rate.n, rate.method.value, unit),
            target,
            meets(rate.value, target),
            change(metric),
            n_label,
        )
        for metric, rate, target, unit, n_label in rates
    ]
    nps = Figure(s.nps.value, s.nps.ci_low, s.nps.ci_high, s.nps.n, s.nps.method.value, Unit.POINTS)
    out.append(Card("nps", nps, None, None, change("nps"), "n_respondents"))
    r = report.response.rate
    response = Figure(r.value, r.ci_low, r.ci_high, r.n, r.method.value, Unit.SHARE)
    out.append(
        Card(
            "response_rate",
            response,
            report.response.target,
            meets(r.value, report.response.target),
            change("response_rate"),
            "n_invited",
        )
    )
    out.append(
        Card(
            "mean_score",
            mean,
            t.score,
            meets(mean.value, t.score),
            change("mean_score"),
            "n_customers",
        )
    )
    return out


def factor_label(survey: Survey, key: str, lang: str) -> str:
    factor = survey.factor(key)
    if factor is None:
        return key
    return (
        pick(factor.label, lang)
        if factor.label
        else shorten(pick(factor.text, lang), FACTOR_LABEL_LENGTH)
    )


def item_label(survey: Survey, key: str, lang: str) -> str:
    question = survey.question(key)
    return key if question is None else question_label(question, lang)  # None: no longer asked


def group_label(scope: Scope, key: str, lang: str) -> str:
    if scope == Scope.ROLE:
        return str(word(ROLE_WORDS, key, lang))
    return key


def grade_word(grade: str | None, lang: str) -> str | None:
    return None if grade is None else str(word(GRADE_WORDS, grade, lang))


def score_lines(table: pd.DataFrame, scope: Scope, trends: Trends, label: Any) -> list[ScoreLine]:
    """The rows of a factor, item or breakdown table; ``label(key)`` names a row."""
    out = []
    for row in records(table):
        key = str(row["group"])
        score = Figure(
            _value(row, "mean_score"),
            _value(row, "mean_score_ci_low"),
            _value(row, "mean_score_ci_high"),
            int(row["n_customers"]),
            Interval.T.value,
            Unit.POINTS,
        )
        out.append(
            ScoreLine(
                key,
                label(key),
                score,
                int(row["n_customers"]),
                int(row["n_respondents"]),
                bool(row["small_n"]),
                row.get("grade") or None,
                _value(row, "satisfaction_rate"),
                _value(row, "favourable_rate"),
                change_of(trends, scope, key, "mean_score"),
            )
        )
    return out


def drivers(report: CampaignReport, survey: Survey, lang: str) -> list[Driver]:
    return [
        Driver(
            factor_label(survey, str(row["factor"]), lang),
            float(row["relative_importance"]),
            _value(row, "importance_ci_low"),
            _value(row, "importance_ci_high"),
            float(row["performance"]),
            row.get("quadrant") or None,
        )
        for row in records(report.drivers)
        if _value(row, "relative_importance") is not None and _value(row, "performance") is not None
    ]


def methods_used(figures: Iterable[Figure]) -> list[str]:
    """The interval methods the page's figures use, each once, in order of first use."""
    seen: dict[str, None] = {}
    for figure in figures:
        seen.setdefault(figure.method)
    return list(seen)
