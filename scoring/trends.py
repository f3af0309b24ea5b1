"""Trends (SPEC §4.9): every index, factor, item and segment against the previous campaign and
the targets, each change tested on customer-level figures (``scoring.changes``).

A row's ``family`` is the set it is adjusted with for multiplicity (Benjamini–Hochberg): the
headline indices, the factors, the items, the segments (business units, roles, classes).
``significant`` is True only where the adjusted p is below 0.05; it is None where no test could
run (no previous campaign, fewer than two customers) and where either side has fewer than
``SMALL_CELL`` customers (significance withheld: ``small_n`` is True, the p-value is still shown).
``ci_low``/``ci_high`` bound the change; ``previous_ci_low``/``previous_ci_high`` are the previous
campaign's own interval of the figure, where its table has one (the mean and weighted scores), so
a chart can draw its whiskers beside this campaign's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from scoring.campaign import SEGMENTS, CampaignScores
from scoring.changes import Change, benjamini_hochberg, proportion_change, ratio_change
from scoring.design import scaled
from scoring.estimates import finite
from scoring.stats import SIGNIFICANCE, SMALL_CELL
from scoring.thresholds import reaches
from survey.schema import Survey, Targets

#: Columns of ``trend_table``.
TREND_COLUMNS: tuple[str, ...] = (
    "scope", "key", "metric", "family", "current", "previous", "previous_ci_low",
    "previous_ci_high", "change", "ci_low", "ci_high", "n_current", "n_previous", "target",
    "meets_target", "test", "variant", "statistic", "p_value", "p_adjusted", "small_n",
    "significant",
)  # fmt: skip
#: The family of each scope, for the Benjamini–Hochberg adjustment.
FAMILIES: dict[str, str] = {
    "index": "index", "factor": "factor", "item": "item",
    **{segment: "segment" for segment in SEGMENTS},
}  # fmt: skip
#: Customer-level ratio metrics: metric → how a unit row gives (y_c, x_c).
_RATIO_METRICS: tuple[str, ...] = (
    "mean_score", "weighted_score", "favourable_rate", "favourable_weighted", "top3_rate",
)  # fmt: skip
#: Shares of customers: metric → (count column, n column, target attribute, scale).
_SHARES: dict[str, tuple[str, str, str | None, float]] = {
    "satisfaction_rate": ("satisfied", "n_customers", "satisfaction_rate", 1.0),
    "loyalty": ("loyal", "satisfied", "loyalty", 100.0),
}
_FACTOR_METRICS = ("mean_score", "satisfaction_rate", "loyalty", "favourable_rate",
                   "favourable_weighted", "top3_rate")  # fmt: skip


def trend_table(
    survey: Survey,
    current: CampaignScores,
    previous: CampaignScores | None,
    *,
    score_target: float,
    targets: Targets | None = None,
) -> pd.DataFrame:
    """Indices, factors, items and segments of this campaign against the previous one and the
    targets; columns ``TREND_COLUMNS``."""
    targets = targets or survey.targets
    now_side, before_side = _Side(current), None if previous is None else _Side(previous)
    rows: list[dict[str, Any]] = []
    index_metrics = (*_RATIO_METRICS, *_SHARES)
    for metric in index_metrics:
        rows.append(_metric_row(now_side, before_side, "total", "index", "all", metric, targets,
                                score_target))  # fmt: skip
    rows.append(_nps_row(current, previous))
    rows.append(_response_row(current, previous, targets))
    for scope, table, keys, metrics in (
        ("factor", "factor", [f.key for f in survey.factors], _FACTOR_METRICS),
        ("item", "item", [q.key for q in survey.questions()], ("mean_score",)),
    ):
        for key in keys:
            for metric in metrics:
                rows.append(_metric_row(now_side, before_side, table, scope, key, metric, targets,
                                        score_target))  # fmt: skip
    for segment in SEGMENTS:
        groups = current.tables[segment]["group"].astype(str)
        for key in groups:
            rows.append(_metric_row(now_side, before_side, segment, segment, key, "mean_score",
                                    targets, score_target))  # fmt: skip
    return _adjusted(pd.DataFrame(rows, columns=list(TREND_COLUMNS)))


def _adjusted(frame: pd.DataFrame) -> pd.DataFrame:
    """BH-adjusted p within each family over the tests not withheld; the significance flags."""
    frame["p_adjusted"] = np.nan
    tested = frame["p_value"].notna() & ~frame["small_n"].astype(bool)
    for _, index in frame[tested].groupby("family").groups.items():
        frame.loc[index, "p_adjusted"] = benjamini_hochberg(frame.loc[index, "p_value"])
    significant = frame["p_adjusted"] < SIGNIFICANCE
    frame["significant"] = pd.Series(significant, dtype=object).where(tested, None)
    frame["p_adjusted"] = frame["p_adjusted"].astype(object).where(tested, None)
    return frame


def lowest_items(items: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` items with the lowest mean score (from the item index table)."""
    columns = ["group", "mean_score", "n_customers", "small_n", "favourable_rate"]
    ranked = items.dropna(subset=["mean_score"]).sort_values("mean_score", kind="stable")
    return ranked[columns].head(n).rename(columns={"group": "item"}).reset_index(drop=True)


def largest_changes(trends: pd.DataFrame, n: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rises, falls): the items whose mean score rose or fell most since the previous one."""
    items = trends[(trends["scope"] == "item") & (trends["metric"] == "mean_score")]
    items = items[items["change"].notna()]
    columns = ["key", "current", "previous", "change", "ci_low", "ci_high", "n_current",
               "n_previous", "p_value", "p_adjusted", "small_n", "significant"]  # fmt: skip
    rises = items[items["change"] > 0].sort_values("change", ascending=False, kind="stable")
    falls = items[items["change"] < 0].sort_values("change", kind="stable")
    return (
        rises[columns].head(n).rename(columns={"key": "item"}).reset_index(drop=True),
        falls[columns].head(n).rename(columns={"key": "item"}).reset_index(drop=True),
    )


class _Side:
    """One campaign's tables and customer-level units, indexed by group once for all rows."""

    def __init__(self, scores: CampaignScores) -> None:
        self.scores = scores
        # Indexed on first use: the trends read a few tables, not the per-customer one, whose
        # thousands of rows and units cost more to split than all the tests.
        self._rows: dict[str, dict[str, pd.Series]] = {}
        self._units: dict[str, dict[str, pd.DataFrame]] = {}

    def row(self, table: str, group: str) -> pd.Series | None:
        if table not in self._rows:
            t = self.scores.tables[table]
            self._rows[table] = {
                str(g): row for g, (_, row) in zip(t["group"], t.iterrows(), strict=True)
            }
        return self._rows[table].get(group)

    def unit(self, table: str, group: str) -> pd.DataFrame | None:
        if table not in self._units:
            u = self.scores.units[table]
            self._units[table] = {str(g): unit for g, unit in u.groupby("group", observed=True)}
        return self._units[table].get(group)


def _row(side: _Side | None, table: str, group: str) -> pd.Series | None:
    return None if side is None else side.row(table, group)


def _value(row: pd.Series | None, column: str) -> float | None:
    return None if row is None else finite(row[column])


def _interval(row: pd.Series | None, metric: str) -> dict[str, float | None]:
    """The previous campaign's own interval of ``metric``: its table's ``{metric}_ci_low`` and
    ``_ci_high`` where it has them."""
    if row is None or f"{metric}_ci_low" not in row.index:
        return {}
    return {
        "previous_ci_low": _value(row, f"{metric}_ci_low"),
        "previous_ci_high": _value(row, f"{metric}_ci_high"),
    }


def _base(
    scope: str, key: str, metric: str, now: float | None, before: float | None, target: float | None
) -> dict[str, Any]:
    change = None if now is None or before is None else now - before
    return dict.fromkeys(TREND_COLUMNS) | {
        "scope": scope, "key": key, "metric": metric, "family": FAMILIES[scope],
        "current": now, "previous": before, "change": change, "target": target,
        "meets_target": None if now is None or target is None else reaches(now, target),
        "small_n": False,
    }  # fmt: skip


def _tested(row: dict[str, Any], change: Change | None, scale: float = 1.0) -> dict[str, Any]:
    if change is None:  # fewer than two customers on a side: nothing to test against
        return row | {"small_n": True}
    if np.isnan(change.p_value):
        return row
    return row | {
        "ci_low": None if change.ci_low is None else change.ci_low * scale,
        "ci_high": None if change.ci_high is None else change.ci_high * scale,
        "n_current": change.n_current,
        "n_previous": change.n_previous,
        "test": str(change.test),
        "variant": change.variant,
        "statistic": finite(change.statistic),
        "p_value": change.p_value,
        "small_n": min(change.n_current, change.n_previous) < SMALL_CELL,
    }


def _metric_row(
    current: _Side,
    previous: _Side | None,
    table: str,
    scope: str,
    key: str,
    metric: str,
    targets: Targets,
    score_target: float,
) -> dict[str, Any]:
    now, before = _row(current, table, key), _row(previous, table, key)
    if metric in _SHARES:
        count, n, target_name, scale = _SHARES[metric]
        target = None if target_name is None else float(getattr(targets, target_name))
        row = _base(scope, key, metric, _value(now, metric), _value(before, metric), target)
        if now is None or before is None:
            return row
        change = proportion_change(int(now[count]), int(now[n]), int(before[count]),
                                   int(before[n]))  # fmt: skip
        return _tested(row, change, scale)
    target = score_target if metric == "mean_score" else None
    row = _base(scope, key, metric, _value(now, metric), _value(before, metric), target)
    row |= _interval(before, metric)
    if now is None or before is None or previous is None:
        return row
    change = ratio_change(_pairs(current, table, key, metric), _pairs(previous, table, key, metric))
    return _tested(row, change)


def _pairs(side: _Side, table: str, key: str, metric: str) -> tuple[Any, Any]:
    """(y_c, x_c) per customer of one group for a ratio metric (see ``scoring.changes``)."""
    unit = side.unit(table, key)
    if unit is None:
        return np.zeros(0), np.zeros(0)
    weight = scaled(unit["weight"].to_numpy(dtype=float))
    n = unit["n"].to_numpy(dtype=float)
    if metric == "mean_score":
        return unit["score"].to_numpy(dtype=float), np.ones(len(unit))
    if metric == "weighted_score":
        return weight * unit["score"].to_numpy(dtype=float), weight
    name = metric.removesuffix("_rate").removesuffix("_weighted")
    hits = unit[name].to_numpy(dtype=float)
    if metric.endswith("_weighted"):
        return weight * hits / n, weight
    return hits, n


def _nps_row(current: CampaignScores, previous: CampaignScores | None) -> dict[str, Any]:
    now, before = _nps_total(current), _nps_total(previous)
    row = _base("index", "all", "nps", _value(now, "nps"), _value(before, "nps"), None)
    if now is None or before is None or previous is None:
        return row
    return _tested(row, ratio_change(current.nps_units, previous.nps_units))


def _nps_total(scores: CampaignScores | None) -> pd.Series | None:
    if scores is None:
        return None
    total = scores.nps[scores.nps["dimension"] == "total"]
    return None if total.empty else total.iloc[0]


def _response_row(
    current: CampaignScores, previous: CampaignScores | None, targets: Targets
) -> dict[str, Any]:
    now = current.response
    before = None if previous is None else previous.response
    row = _base(
        "index",
        "all",
        "response_rate",
        now.rate.value,
        None if before is None else before.rate.value,
        targets.response_rate,
    )
    if before is None or not now.invited or not before.invited:
        return row
    change = proportion_change(now.completed, now.invited, before.completed, before.invited)
    return _tested(row, change)
