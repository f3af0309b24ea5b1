"""Tests of change on customer-level figures, checked against SciPy and statsmodels."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep

from scoring.changes import (
    PERMUTATION_LIMIT,
    benjamini_hochberg,
    newcombe_interval,
    proportion_change,
    ratio_change,
)
from scoring.design import ratio_variance


def test_large_samples_of_customer_scores_get_welchs_t_test() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.normal(78, 9, 35), rng.normal(74, 14, 28)
    change = ratio_change((a, np.ones_like(a)), (b, np.ones_like(b)))
    reference = stats.ttest_ind(a, b, equal_var=False)
    assert change is not None and change.test == "welch_t"
    assert (change.statistic, change.p_value) == pytest.approx(
        (reference.statistic, reference.pvalue), rel=1e-10
    )
    ci = reference.confidence_interval()
    assert (change.ci_low, change.ci_high) == pytest.approx((ci.low, ci.high), rel=1e-10)
    assert (change.n_current, change.n_previous) == (35, 28)


def test_a_difference_of_rates_uses_both_linearised_variances() -> None:
    rng = np.random.default_rng(5)
    n1, n2 = rng.integers(1, 12, 30).astype(float), rng.integers(1, 12, 25).astype(float)
    y1, y2 = rng.binomial(n1.astype(int), 0.7).astype(float), rng.binomial(n2.astype(int), 0.6)
    change = ratio_change((y1, n1), (y2.astype(float), n2))
    r1, v1, _ = ratio_variance(np.zeros(30, np.int64), 1, y1, n1)
    r2, v2, _ = ratio_variance(np.zeros(25, np.int64), 1, y2, n2)
    assert change is not None and change.effect == pytest.approx(r1[0] - r2[0])
    assert change.statistic == pytest.approx((r1[0] - r2[0]) / np.sqrt(v1[0] + v2[0]))


def test_small_samples_get_a_permutation_test_like_scipys() -> None:
    a = np.array([78.0, 60, 96, 85, 70, 91])
    b = np.array([72.0, 60, 88, 64, 58])
    change = ratio_change((a, np.ones(6)), (b, np.ones(5)))
    assert change is not None and change.test == "permutation" and "9,999" in change.variant
    reference = stats.permutation_test(
        (a, b), lambda x, y: np.mean(x) - np.mean(y), n_resamples=np.inf, alternative="two-sided"
    )  # 462 splits: SciPy enumerates them all, exactly
    assert change.p_value == pytest.approx(reference.pvalue, abs=0.015)
    again = ratio_change((a, np.ones(6)), (b, np.ones(5)))
    assert again is not None and again.p_value == change.p_value  # seeded: reproducible


def test_the_permutation_limit_is_40_customers_together() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=20), rng.normal(size=PERMUTATION_LIMIT - 20)
    small = ratio_change((a, np.ones(20)), (b, np.ones(len(b))))
    c = rng.normal(size=21)
    large = ratio_change((c, np.ones(21)), (b, np.ones(len(b))))
    assert small is not None and small.test == "permutation"
    assert large is not None and large.test == "welch_t"
    assert ratio_change((a[:1], np.ones(1)), (b, np.ones(len(b)))) is None


def test_shares_of_customers_small_fisher_large_z() -> None:
    small = proportion_change(3, 10, 8, 12)
    assert small is not None and small.test == "fisher_exact"
    assert small.p_value == pytest.approx(stats.fisher_exact([[3, 7], [8, 4]]).pvalue)
    large = proportion_change(168, 240, 186, 240)  # SPEC §4.10: z = 1.87, p = 0.062
    assert large is not None and large.test == "two_proportion_z"
    assert round(-large.statistic, 2) == 1.87 and round(large.p_value, 3) == 0.062


@pytest.mark.parametrize(("k1", "n1", "k2", "n2"), [(56, 70, 48, 80), (9, 10, 3, 10), (0, 8, 4, 9)])
def test_newcombe_interval_is_statsmodels(k1: int, n1: int, k2: int, n2: int) -> None:
    low, high = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
    assert newcombe_interval(k1, n1, k2, n2) == pytest.approx((low, high), rel=1e-9)


def test_benjamini_hochberg_is_scipys() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.2, 0.005, 0.5, 0.049])
    assert benjamini_hochberg(p) == pytest.approx(stats.false_discovery_control(p))
    with_gaps = benjamini_hochberg([0.01, np.nan, 0.04])
    assert np.isnan(with_gaps[1])
    assert with_gaps[[0, 2]] == pytest.approx(stats.false_discovery_control([0.01, 0.04]))
