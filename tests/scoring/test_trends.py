"""Trends against the previous campaign and the targets, with their tests."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from scoring.campaign import CampaignData, score_campaign
from scoring.trends import TREND_COLUMNS, largest_changes, lowest_items, trend_table
from survey.schema import Survey
from tests.scoring import factories


def previous_answers() -> pd.DataFrame:
    """The worked example a campaign earlier, with every GI answered 3 (60 points)."""
    answers = factories.worked_example("2025Q4")
    answers.loc[answers["question"] == "GI", "level"] = 3
    return answers


def trends(ecss: Survey, previous: bool = True) -> pd.DataFrame:
    now = score_campaign(
        ecss, CampaignData("2026Q1", factories.worked_example(), factories.worked_invitations())
    )
    before = score_campaign(
        ecss, CampaignData("2025Q4", previous_answers(), factories.worked_invitations("2025Q4"))
    )
    return trend_table(ecss, now, before if previous else None, score_target=80.0)


def row(table: pd.DataFrame, scope: str, key: str, metric: str) -> pd.Series:
    match = table[(table["scope"] == scope) & (table["key"] == key) & (table["metric"] == metric)]
    assert len(match) == 1
    return match.iloc[0]


def exact_permutation_p(a: list[float], b: list[float]) -> float:
    """Two-sided p of the difference in means over every split of the pooled customers."""
    pooled = np.array(a + b, dtype=float)
    observed = abs(np.mean(a) - np.mean(b))
    splits = list(itertools.combinations(range(len(pooled)), len(a)))
    hits = 0
    for first in splits:
        mask = np.zeros(len(pooled), dtype=bool)
        mask[list(first)] = True
        hits += abs(pooled[mask].mean() - pooled[~mask].mean()) >= observed - 1e-12
    return hits / len(splits)


def test_trend_rows_cover_indices_factors_and_items(ecss: Survey) -> None:
    table = trends(ecss)
    assert tuple(table.columns) == TREND_COLUMNS
    index_metrics = table[table["scope"] == "index"]["metric"].tolist()
    assert index_metrics == [
        "mean_score",
        "weighted_score",
        "favourable_rate",
        "favourable_weighted",
        "top3_rate",
        "satisfaction_rate",
        "loyalty",
        "nps",
        "response_rate",
    ]
    assert set(table["family"]) == {"index", "factor", "item", "segment"}
    segments = table[table["family"] == "segment"]
    assert set(segments["scope"]) == {"business_unit", "role", "customer_class"}
    assert sorted(set(table[table["scope"] == "factor"]["key"])) == sorted(
        ["GI", "TS", "QU", "SP", "VA"]
    )
    assert len(table[table["scope"] == "item"]) == 5


def test_mean_score_against_previous_and_target(ecss: Survey) -> None:
    mean = row(trends(ecss), "index", "all", "mean_score")
    assert mean["current"] == pytest.approx(78.0)
    assert mean["previous"] == pytest.approx((72 + 60 + 88) / 3)
    assert mean["change"] == pytest.approx(78.0 - 220 / 3)
    assert mean["target"] == 80.0 and mean["meets_target"] is False
    # 3 + 3 customers: a permutation test on the customers' scores (Monte Carlo, 9,999 draws)
    assert mean["test"] == "permutation" and "seed" in mean["variant"]
    exact = exact_permutation_p([78, 60, 96], [72, 60, 88])
    assert mean["p_value"] == pytest.approx(exact, abs=0.02)
    # the effect's interval is Welch's; fewer than 10 customers a side: significance withheld
    welch = stats.ttest_ind([78, 60, 96], [72, 60, 88], equal_var=False).confidence_interval()
    assert (mean["ci_low"], mean["ci_high"]) == pytest.approx((welch.low, welch.high))
    assert (mean["n_current"], mean["n_previous"]) == (3, 3)
    assert mean["small_n"] and mean["significant"] is None and mean["p_adjusted"] is None


def test_loyalty_and_satisfaction_with_exact_tests(ecss: Survey) -> None:
    table = trends(ecss)
    loyal = row(table, "index", "all", "loyalty")
    assert (loyal["current"], loyal["previous"], loyal["change"]) == (100.0, 0.0, 100.0)
    assert loyal["target"] == 60.0 and loyal["meets_target"]
    # 1 of 1 satisfied customers loyal against 0 of 1: Fisher's exact test on customers
    assert loyal["test"] == "fisher_exact" and loyal["p_value"] == pytest.approx(1.0)
    satisfied = row(table, "index", "all", "satisfaction_rate")
    assert satisfied["change"] == 0.0 and satisfied["p_value"] == pytest.approx(1.0)
    assert satisfied["target"] == 0.8 and not satisfied["meets_target"]


def test_factor_change_uses_the_customers_factor_scores(ecss: Survey) -> None:
    gi = row(trends(ecss), "factor", "GI", "mean_score")
    assert gi["change"] == pytest.approx(250 / 3 - 60)
    # GI per customer: 90, 60, 100 now against 60, 60, 60 (not the five answers' levels)
    exact = exact_permutation_p([90, 60, 100], [60, 60, 60])
    assert gi["test"] == "permutation" and gi["p_value"] == pytest.approx(exact, abs=0.02)
    assert gi["significant"] is None  # 3 customers a side: withheld


def test_response_rate_trend(ecss: Survey) -> None:
    response = row(trends(ecss), "index", "all", "response_rate")
    assert response["current"] == pytest.approx(5 / 6) and response["change"] == 0.0
    assert response["target"] == 0.8 and response["meets_target"]


def test_without_a_previous_campaign_only_targets_remain(ecss: Survey) -> None:
    table = trends(ecss, previous=False)
    assert table["previous"].isna().all() and table["change"].isna().all()
    assert table["test"].isna().all() and table["significant"].isna().all()
    assert row(table, "index", "all", "satisfaction_rate")["meets_target"] is False
    rises, falls = largest_changes(table)
    assert rises.empty and falls.empty


def test_largest_rises_and_falls(ecss: Survey) -> None:
    rises, falls = largest_changes(trends(ecss))
    assert rises["item"].tolist() == ["GI"]
    assert rises["change"].iloc[0] == pytest.approx(250 / 3 - 60)
    assert falls.empty


def test_lowest_items(ecss: Survey) -> None:
    now = score_campaign(ecss, CampaignData("2026Q1", factories.worked_example()))
    lowest = lowest_items(now.tables["item"], 2)
    assert lowest["item"].tolist() == ["TS", "QU"]
    assert lowest["mean_score"].tolist() == pytest.approx([70.0, 230 / 3])
