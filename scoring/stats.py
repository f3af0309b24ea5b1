"""Intervals, significance tests and reliability measures a quality manager can trust (SPEC §4.10).

The interval and test functions are vectorised, because a report needs them for every factor,
item, business unit and role at once; the tests check each one against SciPy's reference
(``binomtest(...).proportion_ci``, ``chi2_contingency``, ``mannwhitneyu``).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

CONFIDENCE = 0.95
SIGNIFICANCE = 0.05
SMALL_CELL = 10  # a breakdown row of fewer customers is flagged and never called significant

FloatArray = npt.NDArray[np.float64]


def z_value(confidence: float = CONFIDENCE) -> float:
    """The two-sided normal quantile for a confidence level (1.96 for 95 %)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    return float(stats.norm.ppf(0.5 + confidence / 2))


def wilson_interval(
    successes: npt.ArrayLike, n: npt.ArrayLike, confidence: float = CONFIDENCE
) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval of a proportion; ``n`` may be a Kish effective n; NaN where n is 0."""
    x = np.asarray(successes, dtype=float)
    size = np.asarray(n, dtype=float)
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / size
        denominator = 1 + z**2 / size
        centre = (p + z**2 / (2 * size)) / denominator
        half = z * np.sqrt(np.maximum(p * (1 - p), 0) / size + z**2 / (4 * size**2)) / denominator
    valid = size > 0
    # the bounds are exactly 0 and 1 at the extremes (rounding would leave 0.9999999999999999)
    low = np.where(valid, np.where(x <= 0, 0.0, np.clip(centre - half, 0.0, 1.0)), np.nan)
    high = np.where(valid, np.where(x >= size, 1.0, np.clip(centre + half, 0.0, 1.0)), np.nan)
    return low, high


def t_interval(
    mean: npt.ArrayLike, std: npt.ArrayLike, n: npt.ArrayLike, confidence: float = CONFIDENCE
) -> tuple[FloatArray, FloatArray]:
    """Student-t interval of a mean from its sample standard deviation; NaN where n < 2."""
    m = np.asarray(mean, dtype=float)
    s = np.asarray(std, dtype=float)
    size = np.asarray(n, dtype=float)
    valid = size >= 2
    dof = np.where(valid, size - 1, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = stats.t.ppf(0.5 + confidence / 2, dof) * s / np.sqrt(size)
    return np.where(valid, m - half, np.nan), np.where(valid, m + half, np.nan)


def mean_interval(values: npt.ArrayLike, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Student-t interval of the mean of some values (NaN for fewer than two)."""
    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
    if data.size < 2:
        return math.nan, math.nan
    low, high = t_interval(data.mean(), data.std(ddof=1), data.size, confidence)
    return float(low), float(high)


def two_proportion_ztest(
    x1: npt.ArrayLike, n1: npt.ArrayLike, x2: npt.ArrayLike, n2: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Pooled two-proportion z-test of x1/n1 against x2/n2: (z, two-sided p).

    z is positive when the first proportion is the higher. Equal proportions of 0 or 1 give
    z = 0, p = 1 (no evidence of change); an empty sample gives NaN.
    """
    a, na = np.asarray(x1, dtype=float), np.asarray(n1, dtype=float)
    b, nb = np.asarray(x2, dtype=float), np.asarray(n2, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (a + b) / (na + nb)
        se = np.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
        diff = a / na - b / nb
        z = np.where(se > 0, diff / se, 0.0)
    z = np.where((na > 0) & (nb > 0), z, np.nan)
    p = 2 * stats.norm.sf(np.abs(z))
    return z, p


def mann_whitney(current: npt.ArrayLike, previous: npt.ArrayLike) -> tuple[float, float]:
    """Two-sided Mann–Whitney U of ``current`` against ``previous``: (U of current, p).

    Large samples of levels (small non-negative integers) are ranked from their counts, which
    is SciPy's asymptotic method (tie-corrected, with continuity correction) without sorting a
    million values; anything else goes to ``scipy.stats.mannwhitneyu``.
    """
    a = np.asarray(current, dtype=float)
    b = np.asarray(previous, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if a.size == 0 or b.size == 0:
        return math.nan, math.nan
    if a.size > 8 and b.size > 8 and _are_levels(a) and _are_levels(b):
        return _mann_whitney_levels(a.astype(np.int64), b.astype(np.int64))
    if np.unique(np.concatenate([a, b])).size == 1:
        return float(a.size * b.size / 2), 1.0  # all equal: SciPy would divide by zero
    result = stats.mannwhitneyu(a, b, alternative="two-sided")
    return float(result.statistic), float(result.pvalue)


def _are_levels(values: npt.NDArray[np.float64]) -> bool:
    return bool(values.min() >= 0 and values.max() <= 100 and np.all(values == np.rint(values)))


def _mann_whitney_levels(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> tuple[float, float]:
    """SciPy's asymptotic Mann–Whitney U (the method it uses for n > 8) from level counts."""
    size = int(max(a.max(), b.max())) + 1
    count_a = np.bincount(a, minlength=size).astype(float)
    ties = count_a + np.bincount(b, minlength=size)
    midrank = np.cumsum(ties) - (ties - 1) / 2
    n1, n2 = float(a.size), float(b.size)
    n = n1 + n2
    u1 = float(np.sum(count_a * midrank)) - n1 * (n1 + 1) / 2
    u = max(u1, n1 * n2 - u1)
    sigma = math.sqrt(n1 * n2 / 12 * ((n + 1) - float(np.sum(ties**3 - ties)) / (n * (n - 1))))
    if sigma == 0:
        return u1, 1.0
    z = (u - n1 * n2 / 2 - 0.5) / sigma
    return u1, float(min(1.0, 2 * stats.norm.sf(z)))


def significant(p_value: npt.ArrayLike, level: float = SIGNIFICANCE) -> npt.NDArray[np.bool_]:
    """True only where p is known and strictly below the significance level."""
    p = np.asarray(p_value, dtype=float)
    return np.where(np.isnan(p), False, p < level)


def kish_effective_n(weights: npt.ArrayLike) -> float:
    """Kish's effective sample size (Σw)² / Σw² of a set of weights (0 when empty); the weights
    are scaled by the largest first, so any size works."""
    w = np.asarray(weights, dtype=float)
    top = float(np.max(np.abs(w))) if w.size else 0.0
    if top > 0 and np.isfinite(top):
        w = w / top
    square_sum = float(np.sum(w**2))
    return float(np.sum(w)) ** 2 / square_sum if square_sum > 0 else 0.0


def cronbach_alpha(matrix: pd.DataFrame) -> float:
    """Cronbach's alpha of columns (factors) over rows (respondents), complete rows only.

    NaN when fewer than two columns or rows remain, or the total has no variance.
    """
    complete = matrix.dropna().to_numpy(dtype=float)
    rows, k = complete.shape
    if k < 2 or rows < 2:
        return math.nan
    total_var = complete.sum(axis=1).var(ddof=1)
    if total_var <= 0:
        return math.nan
    item_var = complete.var(axis=0, ddof=1).sum()
    return float(k / (k - 1) * (1 - item_var / total_var))


def feldt_interval(
    alpha: float, n: int, k: int, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """Feldt's (1965) interval of Cronbach's alpha from n respondents and k items:
    (1 − α) / (1 − α̂) follows F(n − 1, (n − 1)(k − 1)). NaN when undefined."""
    if math.isnan(alpha) or n < 2 or k < 2:
        return math.nan, math.nan
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - confidence) / 2
    low = 1 - (1 - alpha) * float(stats.f.isf(tail, df1, df2))
    high = 1 - (1 - alpha) * float(stats.f.ppf(tail, df1, df2))
    return low, high


def nps_interval(
    promoters: npt.ArrayLike,
    detractors: npt.ArrayLike,
    n: npt.ArrayLike,
    confidence: float = CONFIDENCE,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """NPS = 100·(p − d) with SE = 100·√((p + d − (p − d)²)/n): (nps, se, low, high)."""
    size = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.asarray(promoters, dtype=float) / size
        d = np.asarray(detractors, dtype=float) / size
        score = 100 * (p - d)
        se = 100 * np.sqrt(np.maximum(p + d - (p - d) ** 2, 0) / size)
    z = z_value(confidence)
    valid = size > 0
    score = np.where(valid, score, np.nan)
    se = np.where(valid, se, np.nan)
    return score, se, np.clip(score - z * se, -100, 100), np.clip(score + z * se, -100, 100)


def planned_margin_of_error(
    n: int, population: int, p: float = 0.5, confidence: float = CONFIDENCE
) -> float:
    """Margin of error of a proportion from a planned sample of n out of a finite population.

    Uses the finite-population correction √((N − n)/(N − 1)); surveying everyone gives 0.
    """
    if n < 1:
        raise ValueError(f"a planned sample needs at least one respondent, got n={n}")
    if population < n:
        raise ValueError(f"the population ({population}) cannot be smaller than the sample ({n})")
    if not 0 <= p <= 1:
        raise ValueError(f"p must lie in [0, 1], got {p}")
    fpc = math.sqrt((population - n) / (population - 1)) if population > 1 else 0.0
    return z_value(confidence) * math.sqrt(p * (1 - p) / n) * fpc
