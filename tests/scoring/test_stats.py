"""Intervals and tests against SPEC §4.10's check values and SciPy's reference functions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from scoring.stats import (
    cronbach_alpha,
    feldt_interval,
    kish_effective_n,
    mann_whitney,
    mean_interval,
    nps_interval,
    planned_margin_of_error,
    significant,
    t_interval,
    two_proportion_ztest,
    wilson_interval,
    z_value,
)


def test_wilson_check_value_42_of_60() -> None:
    low, high = wilson_interval(42, 60)
    assert (round(100 * float(low), 1), round(100 * float(high), 1)) == (57.5, 80.1)


@pytest.mark.parametrize(("k", "n"), [(0, 1), (1, 3), (2, 2), (18, 24), (7, 40), (40, 40)])
def test_wilson_matches_scipy(k: int, n: int) -> None:
    reference = stats.binomtest(k, n).proportion_ci(method="wilson")
    low, high = wilson_interval(k, n)
    assert float(low) == pytest.approx(reference.low, abs=1e-12)
    assert float(high) == pytest.approx(reference.high, abs=1e-12)


def test_wilson_of_two_out_of_two_is_34_2_to_100() -> None:
    low, high = wilson_interval(2, 2)
    assert (round(100 * float(low), 1), float(high)) == (34.2, 1.0)


def test_wilson_is_undefined_for_an_empty_sample() -> None:
    low, high = wilson_interval([0, 1], [0, 2])
    assert math.isnan(low[0]) and math.isnan(high[0])
    assert not math.isnan(low[1])


def test_t_interval_matches_scipy() -> None:
    values = np.array([78.0, 60.0, 96.0])
    expected = stats.t.interval(0.95, 2, loc=values.mean(), scale=stats.sem(values))
    assert mean_interval(values) == pytest.approx(expected)
    low, high = t_interval(values.mean(), values.std(ddof=1), 3)
    assert (float(low), float(high)) == pytest.approx(expected)


def test_t_interval_needs_two_values() -> None:
    assert all(math.isnan(x) for x in mean_interval([80.0]))
    low, _ = t_interval([80.0, 70.0], [np.nan, 5.0], [1, 2])
    assert math.isnan(low[0]) and not math.isnan(low[1])


def test_two_proportion_check_value() -> None:
    # §4.10: 168/240 vs 186/240 → z = 1.87, p = 0.062, not significant
    z, p = two_proportion_ztest(186, 240, 168, 240)
    assert round(float(z), 2) == 1.87
    assert round(float(p), 3) == 0.062
    assert not significant(p)
    z_down, _ = two_proportion_ztest(168, 240, 186, 240)
    assert float(z_down) == pytest.approx(-float(z))


def test_two_proportion_matches_chi_square() -> None:
    chi2, p, _, _ = stats.chi2_contingency([[168, 72], [186, 54]], correction=False)
    z, p_z = two_proportion_ztest(168, 240, 186, 240)
    assert float(z) ** 2 == pytest.approx(chi2)
    assert float(p_z) == pytest.approx(p)


def test_two_proportion_edge_cases() -> None:
    z, p = two_proportion_ztest([5, 0, 3], [5, 4, 0], [7, 0, 3], [7, 6, 5])
    assert list(z[:2]) == [0.0, 0.0] and list(p[:2]) == [1.0, 1.0]  # both 100 %, both 0 %
    assert math.isnan(z[2]) and math.isnan(p[2])  # an empty sample


def test_mann_whitney_check_value() -> None:
    # §4.10: U = 79, p = 0.023
    u, p = mann_whitney([4, 5, 4, 5, 3, 5, 4, 4, 5, 5], [3, 4, 4, 2, 5, 3, 4, 3, 4, 2])
    assert u == 79.0
    assert round(p, 3) == 0.023
    assert significant(p)


@pytest.mark.parametrize(("n1", "n2", "seed"), [(9, 12, 1), (50, 70, 2), (3000, 2500, 3)])
def test_mann_whitney_level_counts_match_scipy(n1: int, n2: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a, b = rng.integers(1, 6, n1), rng.integers(2, 6, n2)
    reference = stats.mannwhitneyu(a, b, alternative="two-sided")
    u, p = mann_whitney(a, b)
    assert u == pytest.approx(float(reference.statistic))
    assert p == pytest.approx(float(reference.pvalue), rel=1e-9)


def test_mann_whitney_small_or_continuous_samples_go_to_scipy() -> None:
    a, b = [81.5, 90.0, 72.25], [60.0, 75.5]
    reference = stats.mannwhitneyu(a, b, alternative="two-sided")
    assert mann_whitney(a, b) == pytest.approx((reference.statistic, reference.pvalue))


def test_mann_whitney_degenerate_samples() -> None:
    assert mann_whitney([3] * 10, [3] * 12) == (60.0, 1.0)
    assert all(math.isnan(x) for x in mann_whitney([], [1, 2]))


def test_significant_only_below_five_percent() -> None:
    assert list(significant([0.049, 0.05, 0.2, np.nan])) == [True, False, False, False]


def test_nps_check_value() -> None:
    # §4.10: n = 200, 90 promoters, 30 detractors → 30, 95 % CI [20.1, 39.9]
    score, se, low, high = nps_interval(90, 30, 200)
    assert float(score) == pytest.approx(30.0)
    assert float(se) == pytest.approx(100 * math.sqrt((0.6 - 0.09) / 200))
    assert (round(float(low), 1), round(float(high), 1)) == (20.1, 39.9)


def test_nps_interval_stays_within_bounds() -> None:
    score, _, low, high = nps_interval([3, 0], [0, 0], [3, 0])
    assert float(score[0]) == 100.0 and float(high[0]) == 100.0 and float(low[0]) <= 100.0
    assert math.isnan(score[1])


def test_kish_effective_n() -> None:
    assert kish_effective_n([1, 1, 1, 1]) == 4.0
    assert kish_effective_n([2, 1, 1]) == pytest.approx(16 / 6)
    assert kish_effective_n([]) == 0.0


def test_cronbach_alpha_matches_the_formula() -> None:
    matrix = pd.DataFrame(
        {
            "a": [1, 2, 3, 4, 5.0],
            "b": [2, 2, 4, 4, 5.0],
            "c": [1, 3, 3, 5, 4.0],
            "d": [np.nan, 1, 1, 1, 1],
        }
    )
    complete = matrix.dropna()
    k = complete.shape[1]
    expected = k / (k - 1) * (1 - complete.var(ddof=1).sum() / complete.sum(axis=1).var(ddof=1))
    assert cronbach_alpha(matrix) == pytest.approx(expected)
    # by hand: item variances 2.5 + 1.8 + 2.2 = 6.5, total variance 17.3 → 1.5 · (1 − 6.5/17.3)
    assert cronbach_alpha(matrix[["a", "b", "c"]]) == pytest.approx(1.5 * (1 - 6.5 / 17.3))


def test_cronbach_alpha_undefined_cases() -> None:
    assert math.isnan(cronbach_alpha(pd.DataFrame({"a": [1.0, 2.0]})))  # one column
    assert math.isnan(cronbach_alpha(pd.DataFrame({"a": [1.0], "b": [2.0]})))  # one row
    assert math.isnan(cronbach_alpha(pd.DataFrame({"a": [3.0, 3.0], "b": [4.0, 4.0]})))


def test_planned_margin_of_error() -> None:
    assert planned_margin_of_error(100, 10**9) == pytest.approx(z_value() * 0.05, rel=1e-6)
    fpc = math.sqrt(900 / 999)
    assert planned_margin_of_error(100, 1000) == pytest.approx(z_value() * 0.05 * fpc)
    assert planned_margin_of_error(50, 50) == 0.0  # everyone surveyed
    assert planned_margin_of_error(1, 1) == 0.0
    assert planned_margin_of_error(100, 1000, p=0.2, confidence=0.9) == pytest.approx(
        stats.norm.ppf(0.95) * math.sqrt(0.16 / 100) * fpc
    )


@pytest.mark.parametrize(("n", "population", "p"), [(0, 10, 0.5), (11, 10, 0.5), (5, 10, 1.5)])
def test_planned_margin_of_error_rejects_bad_input(n: int, population: int, p: float) -> None:
    with pytest.raises(ValueError):
        planned_margin_of_error(n, population, p)


def test_z_value_rejects_a_bad_confidence() -> None:
    assert z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    with pytest.raises(ValueError, match="confidence"):
        z_value(1.0)


def test_feldt_interval_is_the_f_distribution_of_alpha() -> None:
    low, high = feldt_interval(0.8, 50, 5)
    df1, df2 = 49, 49 * 4
    # (1 − α) / (1 − α̂) ~ F(n − 1, (n − 1)(k − 1)): the bounds sit at its 97.5 % and 2.5 % points
    assert stats.f.cdf((1 - low) / (1 - 0.8), df1, df2) == pytest.approx(0.975)
    assert stats.f.cdf((1 - high) / (1 - 0.8), df1, df2) == pytest.approx(0.025)
    assert np.isnan(feldt_interval(0.8, 1, 5)[0]) and np.isnan(feldt_interval(np.nan, 9, 3)[1])


def test_feldt_interval_covers_the_true_alpha() -> None:
    # k parallel items with loading 0.6: true alpha = k·r / (1 + (k − 1)·r), r = 0.36
    rng = np.random.default_rng(12)
    k, n, r = 4, 60, 0.36
    truth = k * r / (1 + (k - 1) * r)
    hits = 0
    for _ in range(400):
        common = rng.normal(size=(n, 1))
        items = 0.6 * common + 0.8 * rng.normal(size=(n, k))
        alpha = cronbach_alpha(pd.DataFrame(items))
        low, high = feldt_interval(alpha, n, k)
        hits += low <= truth <= high
    assert 0.92 <= hits / 400 <= 0.98


def test_kish_effective_n_with_weights_of_any_size() -> None:
    assert kish_effective_n([1e200, 1]) == pytest.approx(1.0)
    assert kish_effective_n([1e300, 1e300, 1e300]) == pytest.approx(3.0)
