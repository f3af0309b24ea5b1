"""Trends (SPEC §4.9): every index and factor against the previous campaign and the targets.

Each change comes with a test: a two-proportion z-test for a rate, Mann–Whitney U for scores
(the levels of a factor's or item's answers; the customers' scores for the overall mean), a
z-test on the two standard errors for NPS. "significant" is True only for p < 0.05, and is
None where no test could run (no previous campaign, an empty sample).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from scoring.campaign import CampaignScores
from scoring.estimates import finite
from scoring.stats import SIGNIFICANCE, mann_whitney, two_proportion_ztest
from survey.schema import Survey, Targets

#: Columns of ``trend_table``.
TREND_COLUMNS: tuple[str, ...] = (
    "scope", "key", "metric", "current", "previous", "change", "target", "meets_target",
    "test", "statistic", "p_value", "significant",
)  # fmt: skip
#: Rate metrics of an index table row: metric → (count column, n column, target attribute).
#: The weighted favourable rate is tested at Kish's effective n (count = rate · n_eff).
_RATES: dict[str, tuple[str, str, str | None]] = {
    "satisfaction_rate": ("satisfied", "n_customers", "satisfaction_rate"),
    "loyalty": ("loyal", "satisfied", "loyalty"),
    "favourable_rate": ("favourable", "n_answers", None),
    "favourable_weighted": ("favourable_weighted", "favourable_n_eff", None),
    "top3_rate": ("top3", "n_answers", None),
}


def trend_table(
    survey: Survey,
    current: CampaignScores,
    previous: CampaignScores | None,
    *,
    score_target: float,
    targets: Targets | None = None,
) -> pd.DataFrame:
    """Indices, factors and items of this campaign against the previous one and the targets.

    Scopes: ``index`` (key "all"), ``factor`` and ``item``; columns ``TREND_COLUMNS``.
    """
    targets = targets or survey.targets
    rows: list[dict[str, Any]] = []
    total_now, total_before = _row(current, "total", "all"), _row(previous, "total", "all")
    rows.append(
        _score_change(
            "index",
            "all",
            total_now,
            total_before,
            score_target,
            current.customers["score"],
            None if previous is None else previous.customers["score"],
        )
    )
    rows += _rate_changes("index", "all", total_now, total_before, targets)
    rows.append(_nps_change(current, previous))
    rows.append(_response_change(current, previous, targets))
    for scope, table, column in (("factor", "factor", "factor"), ("item", "item", "question")):
        keys = (
            [f.key for f in survey.factors]
            if scope == "factor"
            else [q.key for q in survey.questions()]
        )
        now_levels = _levels(current, column)
        before_levels = _levels(previous, column) if previous is not None else {}
        for key in keys:
            now, before = _row(current, table, key), _row(previous, table, key)
            rows.append(
                _score_change(
                    scope,
                    key,
                    now,
                    before,
                    score_target,
                    now_levels.get(key),
                    before_levels.get(key),
                )
            )
            if scope == "factor":
                rows += _rate_changes(scope, key, now, before, targets)
    return pd.DataFrame(rows, columns=list(TREND_COLUMNS))


def lowest_items(items: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` items with the lowest mean score (from the item index table)."""
    columns = ["group", "mean_score", "n_customers", "favourable_rate"]
    ranked = items.dropna(subset=["mean_score"]).sort_values("mean_score", kind="stable")
    return ranked[columns].head(n).rename(columns={"group": "item"}).reset_index(drop=True)


def largest_changes(trends: pd.DataFrame, n: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rises, falls): the items whose mean score rose or fell most since the previous one."""
    items = trends[(trends["scope"] == "item") & (trends["metric"] == "mean_score")]
    items = items[items["change"].notna()]
    columns = ["key", "current", "previous", "change", "p_value", "significant"]
    rises = items[items["change"] > 0].sort_values("change", ascending=False, kind="stable")
    falls = items[items["change"] < 0].sort_values("change", kind="stable")
    return (
        rises[columns].head(n).rename(columns={"key": "item"}).reset_index(drop=True),
        falls[columns].head(n).rename(columns={"key": "item"}).reset_index(drop=True),
    )


def _row(scores: CampaignScores | None, table: str, group: str) -> pd.Series | None:
    if scores is None:
        return None
    frame = scores.tables[table]
    match = frame[frame["group"] == group]
    return None if match.empty else match.iloc[0]


def _levels(scores: CampaignScores | None, column: str) -> dict[str, np.ndarray]:
    if scores is None or scores.points.empty:
        return {}
    grouped = scores.points.groupby(column, observed=True)["level"]
    return {str(key): values.to_numpy() for key, values in grouped}


def _change(
    scope: str, key: str, metric: str, now: float | None, before: float | None, target: float | None
) -> dict[str, Any]:
    change = None if now is None or before is None else now - before
    meets = None if now is None or target is None else bool(now >= target)
    return {
        "scope": scope,
        "key": key,
        "metric": metric,
        "current": now,
        "previous": before,
        "change": change,
        "target": target,
        "meets_target": meets,
        "test": None,
        "statistic": None,
        "p_value": None,
        "significant": None,
    }


def _tested(row: dict[str, Any], test: str, statistic: float, p_value: float) -> dict[str, Any]:
    if math.isnan(p_value):
        return row
    return row | {
        "test": test,
        "statistic": finite(statistic),
        "p_value": p_value,
        "significant": bool(p_value < SIGNIFICANCE),
    }


def _value(row: pd.Series | None, column: str) -> float | None:
    return None if row is None else finite(row[column])


def _score_change(
    scope: str,
    key: str,
    now: pd.Series | None,
    before: pd.Series | None,
    target: float,
    now_values: Any,
    before_values: Any,
) -> dict[str, Any]:
    row = _change(
        scope, key, "mean_score", _value(now, "mean_score"), _value(before, "mean_score"), target
    )
    if now_values is None or before_values is None:
        return row
    return _tested(row, "mann_whitney", *mann_whitney(now_values, before_values))


def _rate_changes(
    scope: str, key: str, now: pd.Series | None, before: pd.Series | None, targets: Targets
) -> list[dict[str, Any]]:
    rows = []
    for metric, (count, n, target_name) in _RATES.items():
        target = None if target_name is None else float(getattr(targets, target_name))
        row = _change(scope, key, metric, _value(now, metric), _value(before, metric), target)
        if now is not None and before is not None:
            z, p = two_proportion_ztest(*_counts(now, count, n), *_counts(before, count, n))
            row = _tested(row, "z", float(z), float(p))
        rows.append(row)
    return rows


def _counts(row: pd.Series, count: str, n: str) -> tuple[float, float]:
    if count == "favourable_weighted":
        return float(row[count]) * float(row[n]), float(row[n])
    return float(row[count]), float(row[n])


def _nps_change(current: CampaignScores, previous: CampaignScores | None) -> dict[str, Any]:
    now, before = _nps_total(current), _nps_total(previous)
    row = _change("index", "all", "nps", _value(now, "nps"), _value(before, "nps"), None)
    if now is None or before is None:
        return row
    se = math.hypot(float(now["nps_se"]), float(before["nps_se"]))
    if not se > 0:
        return row
    z = (float(now["nps"]) - float(before["nps"])) / se
    return _tested(row, "z", z, float(2 * stats.norm.sf(abs(z))))


def _nps_total(scores: CampaignScores | None) -> pd.Series | None:
    if scores is None:
        return None
    total = scores.nps[scores.nps["dimension"] == "total"]
    return None if total.empty else total.iloc[0]


def _response_change(
    current: CampaignScores, previous: CampaignScores | None, targets: Targets
) -> dict[str, Any]:
    now = current.response
    before = None if previous is None else previous.response
    row = _change(
        "index",
        "all",
        "response_rate",
        now.rate.value,
        None if before is None else before.rate.value,
        targets.response_rate,
    )
    if before is None or not now.invited or not before.invited:
        return row
    z, p = two_proportion_ztest(now.completed, now.invited, before.completed, before.invited)
    return _tested(row, "z", float(z), float(p))
