"""Design-based (customer-cluster) estimators, checked against statsmodels' cluster-robust
regression and by hand."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from scoring.design import kish_n, rate_interval, ratio_variance, scaled, weighted_means
from scoring.rates import weighted_rates
from scoring.stats import kish_effective_n, wilson_interval


def clustered_answers(
    seed: int, customers: int = 25
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(hits, answers, weights) per customer and each answer's customer code."""
    rng = np.random.default_rng(seed)
    n = rng.integers(1, 15, customers).astype(float)
    p = rng.beta(3, 2, customers)
    hits = rng.binomial(n.astype(int), p).astype(float)
    weights = rng.choice([2.0, 1.5, 1.0, 1.0], customers)
    owner = np.repeat(np.arange(customers), n.astype(int))
    return hits, n, weights, owner


def answer_level(hits: np.ndarray, n: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """One 0/1 value per answer: each customer's first ``hits`` answers are the favourable."""
    start = np.concatenate([[0], np.cumsum(n)[:-1]]).astype(int)
    position = np.arange(len(owner)) - start[owner]
    return (position < hits[owner]).astype(float)


def cluster_variance(y: np.ndarray, weights: np.ndarray, owner: np.ndarray) -> tuple[float, float]:
    """statsmodels: WLS of y on a constant, cluster-robust (customers) without the small-sample
    factor; the survey linearisation has the factor G / (G − 1) on top."""
    fit = sm.WLS(y, np.ones((len(y), 1)), weights=weights).fit(
        cov_type="cluster", cov_kwds={"groups": owner, "use_correction": False}
    )
    groups = len(np.unique(owner))
    return float(fit.params[0]), float(fit.cov_params()[0, 0]) * groups / (groups - 1)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pooled_rate_variance_is_statsmodels_cluster_robust(seed: int) -> None:
    hits, n, _, owner = clustered_answers(seed)
    ratio, variance, m = ratio_variance(np.zeros(len(n), np.int64), 1, hits, n)
    estimate, reference = cluster_variance(answer_level(hits, n, owner), np.ones(len(owner)), owner)
    assert ratio[0] == pytest.approx(estimate, rel=1e-12)
    assert variance[0] == pytest.approx(reference, rel=1e-10)
    assert m[0] == 25


@pytest.mark.parametrize("seed", [4, 5])
def test_weighted_rate_variance_is_statsmodels_weighted_cluster_robust(seed: int) -> None:
    hits, n, weights, owner = clustered_answers(seed)
    w = scaled(weights)
    ratio, variance, _ = ratio_variance(np.zeros(len(n), np.int64), 1, w * hits / n, w)
    # the weighted rate is a mean over answers with weight w_c / n_c
    answer_weight = (weights / n)[owner]
    estimate, reference = cluster_variance(answer_level(hits, n, owner), answer_weight, owner)
    assert ratio[0] == pytest.approx(estimate, rel=1e-12)
    assert variance[0] == pytest.approx(reference, rel=1e-10)


def test_weighted_mean_score_is_statsmodels_wls_with_customers_as_clusters() -> None:
    rng = np.random.default_rng(8)
    scores, weights = rng.uniform(40, 100, 30), rng.choice([2.0, 1.0], 30)
    result = {k: float(v[0]) for k, v in weighted_means(np.zeros(30, np.int64), 1, scores,
                                                        weights).items()}  # fmt: skip
    estimate, reference = cluster_variance(scores, weights, np.arange(30))
    assert result["mean"] == pytest.approx(estimate)
    assert result["se"] ** 2 == pytest.approx(reference, rel=1e-10)
    t = stats.t.ppf(0.975, 29)
    assert result["ci_low"] == pytest.approx(estimate - t * np.sqrt(reference))
    assert result["kish_n"] == pytest.approx(kish_effective_n(weights))
    # without weights the linearised variance is the plain s² / m of a t-interval
    plain = weighted_means(np.zeros(30, np.int64), 1, scores, np.ones(30))
    assert float(plain["se"][0]) == pytest.approx(stats.sem(scores))
    assert float(plain["deff"][0]) == pytest.approx(1.0)


def test_design_effect_and_effective_n_of_a_rate() -> None:
    hits, n, _, _ = clustered_answers(6)
    ratio, variance, m = ratio_variance(np.zeros(len(n), np.int64), 1, hits, n)
    out = rate_interval(ratio, variance, np.array([n.sum()]), m)
    srs = ratio[0] * (1 - ratio[0]) / n.sum()
    assert out["deff"][0] == pytest.approx(variance[0] / srs)
    n_eff = min(n.sum(), n.sum() / out["deff"][0])
    assert out["n_eff"][0] == pytest.approx(n_eff)
    star = n_eff * (stats.norm.ppf(0.975) / stats.t.ppf(0.975, 24)) ** 2
    low, high = wilson_interval(ratio * star, star)
    assert (out["ci_low"][0], out["ci_high"][0]) == pytest.approx((low[0], high[0]))


def test_a_rate_of_zero_or_one_keeps_its_n_and_one_customer_has_no_interval() -> None:
    groups = np.array([0, 0, 1], dtype=np.int64)
    ratio, variance, m = ratio_variance(groups, 2, np.array([3.0, 2.0, 1.0]), np.array([3.0, 2, 4]))
    out = rate_interval(ratio, variance, np.array([5.0, 4.0]), m)
    assert np.isnan(out["deff"][0]) and out["n_eff"][0] == 5.0 and out["ci_high"][0] == 1.0
    assert np.isnan(out["ci_low"][1]) and np.isnan(out["n_eff"][1])  # one customer


def test_breakdown_rates_group_by_group_equal_one_group_at_a_time() -> None:
    hits, n, weights, _ = clustered_answers(9, customers=40)
    groups = np.arange(40, dtype=np.int64) % 3
    together = weighted_rates(groups, 3, hits, n, weights)
    for g in range(3):
        keep = groups == g
        alone = weighted_rates(np.zeros(keep.sum(), np.int64), 1, hits[keep], n[keep],
                               weights[keep])  # fmt: skip
        for column in ("rate", "ci_low", "weighted_ci_high", "weighted_deff", "kish_n"):
            assert together[column][g] == pytest.approx(alone[column][0], rel=1e-12)


def test_weights_of_any_size() -> None:
    assert kish_effective_n([1e200, 1]) == pytest.approx(1.0)
    assert kish_effective_n([1e-200, 1e-200]) == pytest.approx(2.0)
    assert kish_n(np.zeros(2, np.int64), 1, [1e300, 1e300])[0] == pytest.approx(2.0)
    hits, n = np.array([1.0, 4.0, 2.0]), np.array([2.0, 5.0, 4.0])
    huge = weighted_rates(np.zeros(3, np.int64), 1, hits, n, np.array([3e305, 1e305, 2e305]))
    plain = weighted_rates(np.zeros(3, np.int64), 1, hits, n, np.array([3.0, 1.0, 2.0]))
    for column in ("weighted", "weighted_ci_low", "weighted_n_eff", "kish_n"):
        assert huge[column][0] == pytest.approx(plain[column][0], rel=1e-12)
