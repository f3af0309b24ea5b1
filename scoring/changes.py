"""Tests of a change between two campaigns on customer-level figures (issue 11, SPEC §4.10).

A change is tested on what each *customer* contributes, because customers are the sampling unit:

- ``ratio_change``: the difference of two ratio estimators Σ y_c / Σ x_c — a mean of customer
  (factor, item) scores (x_c = 1), a customer-weighted mean (x_c = w_c), a pooled answer-level
  rate (y_c = answers at the levels, x_c = answers), a weighted rate, an NPS over respondents.
  With ``PERMUTATION_LIMIT`` (40) customers or fewer on both sides together it is a Monte Carlo
  permutation test (customers reshuffled between the campaigns, ``RESAMPLES`` draws from a fixed
  seed, so a report is reproducible); above, Welch's t on the linearised standard errors with
  Satterthwaite's degrees of freedom (for x_c = 1 exactly Welch's two-sample t-test).
- ``proportion_change``: a share of customers (satisfied, loyal): Fisher's exact test when small,
  the pooled two-proportion z-test above; Newcombe's hybrid score interval of the difference.

Each result carries the effect with its 95 % interval (Welch/Satterthwaite for ratios), the n
of customers on each side, the test's name and variant. ``benjamini_hochberg`` adjusts a
family's p-values for multiplicity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from scipy import stats

from scoring.design import ratio_variance
from scoring.methods import Test
from scoring.stats import CONFIDENCE, two_proportion_ztest, wilson_interval

PERMUTATION_LIMIT = 40  # customers on both sides together at or below which a test is exact-ish
RESAMPLES = 9_999
SEED = 11  # issue 11: fixed, so the same data always give the same p-value

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Change:
    """A tested change (current − previous) with its interval, sizes and test."""

    effect: float
    ci_low: float | None
    ci_high: float | None
    n_current: int
    n_previous: int
    test: Test
    variant: str
    statistic: float | None
    p_value: float


def _ratio(y: FloatArray, x: FloatArray) -> tuple[float, float, int]:
    ratio, variance, m = ratio_variance(np.zeros(y.size, dtype=np.int64), 1, y, x)
    return float(ratio[0]), float(variance[0]), int(m[0])


def ratio_change(
    now: tuple[npt.ArrayLike, npt.ArrayLike],
    before: tuple[npt.ArrayLike, npt.ArrayLike],
    *,
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    limit: int = PERMUTATION_LIMIT,
) -> Change | None:
    """Test Σy/Σx of ``now`` against ``before`` (one (y_c, x_c) pair per customer each).

    None when either side has fewer than two customers (no variance to test against).
    """
    y1, x1 = (np.asarray(v, dtype=float) for v in now)
    y2, x2 = (np.asarray(v, dtype=float) for v in before)
    if y1.size < 2 or y2.size < 2:
        return None
    r1, v1, m1 = _ratio(y1, x1)
    r2, v2, m2 = _ratio(y2, x2)
    effect = r1 - r2
    se = math.sqrt(v1 + v2)
    dof = _satterthwaite(v1, m1, v2, m2)
    half = float(stats.t.ppf(0.5 + confidence / 2, dof)) * se if se > 0 else 0.0
    interval = (effect - half, effect + half)
    if m1 + m2 <= limit:
        p = _permutation_p(y1, x1, y2, x2, effect, resamples, seed)
        variant = f"{resamples:,} reshuffles of customers, seed {seed}"
        return Change(effect, *interval, m1, m2, Test.PERMUTATION, variant, effect, p)
    if se == 0:
        p, t = (1.0, 0.0) if effect == 0 else (0.0, math.copysign(math.inf, effect))
    else:
        t = effect / se
        p = float(2 * stats.t.sf(abs(t), dof))
    variant = f"Satterthwaite df = {dof:.1f}"
    return Change(effect, *interval, m1, m2, Test.WELCH, variant, t, p)


def _satterthwaite(v1: float, m1: int, v2: float, m2: int) -> float:
    denominator = v1**2 / (m1 - 1) + v2**2 / (m2 - 1)
    return (v1 + v2) ** 2 / denominator if denominator > 0 else float(m1 + m2 - 2)


def _permutation_p(
    y1: FloatArray,
    x1: FloatArray,
    y2: FloatArray,
    x2: FloatArray,
    observed: float,
    resamples: int,
    seed: int,
) -> float:
    """Two-sided Monte Carlo permutation p of |Σy/Σx difference|: (1 + hits) / (1 + draws)."""
    y, x = np.concatenate([y1, y2]), np.concatenate([x1, x2])
    first = _reshuffles(y1.size, y.size, resamples, seed)
    a_y, a_x = first @ y, first @ x
    with np.errstate(divide="ignore", invalid="ignore"):
        diff = a_y / a_x - (y.sum() - a_y) / (x.sum() - a_x)
    # a draw as extreme as the data counts, up to rounding (ties are common with few levels)
    slack = 1e-12 * max(1.0, abs(observed))
    hits = int(np.sum(np.abs(diff) >= abs(observed) - slack))
    return (1 + hits) / (1 + resamples)


@lru_cache(maxsize=64)
def _reshuffles(m1: int, total: int, resamples: int, seed: int) -> FloatArray:
    """``resamples`` random splits of ``total`` customers: 1.0 marks the first campaign's m1.
    The same sizes give the same splits, so a report's many tests share one draw."""
    rng = np.random.default_rng(seed)
    order = np.argsort(rng.random((resamples, total)), axis=1)
    first = np.zeros((resamples, total))
    np.put_along_axis(first, order[:, :m1], 1.0, axis=1)
    first.setflags(write=False)
    return first


def proportion_change(
    k1: int,
    n1: int,
    k2: int,
    n2: int,
    *,
    confidence: float = CONFIDENCE,
    limit: int = PERMUTATION_LIMIT,
) -> Change | None:
    """Test k1/n1 (customers) against k2/n2: Fisher's exact test at ``limit`` customers or
    fewer together, the pooled z-test above; the effect's interval is Newcombe's."""
    if n1 < 1 or n2 < 1:
        return None
    effect = k1 / n1 - k2 / n2
    low, high = newcombe_interval(k1, n1, k2, n2, confidence)
    if n1 + n2 <= limit:
        _, p = stats.fisher_exact([[k1, n1 - k1], [k2, n2 - k2]], alternative="two-sided")
        return Change(effect, low, high, n1, n2, Test.FISHER, "two-sided", None, float(p))
    z, p = two_proportion_ztest(k1, n1, k2, n2)
    return Change(effect, low, high, n1, n2, Test.Z, "pooled", float(z), float(p))


def newcombe_interval(
    k1: int, n1: int, k2: int, n2: int, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """Newcombe's (1998, method 10) hybrid score interval of p1 − p2 from Wilson's intervals."""
    p1, p2 = k1 / n1, k2 / n2
    (l1,), (u1,) = wilson_interval([k1], [n1], confidence)
    (l2,), (u2,) = wilson_interval([k2], [n2], confidence)
    low = p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return float(low), float(high)


def benjamini_hochberg(p_values: npt.ArrayLike) -> FloatArray:
    """Benjamini–Hochberg adjusted p-values (NaN stays NaN and is not counted in the family)."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    known = np.flatnonzero(~np.isnan(p))
    if known.size == 0:
        return out
    order = known[np.argsort(p[known], kind="stable")]
    ranked = p[order] * known.size / np.arange(1, known.size + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out[order] = np.minimum(adjusted, 1.0)
    return out
