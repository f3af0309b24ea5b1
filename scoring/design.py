"""Design-based estimates with customers as the sampling unit (issue 11, SPEC §4.10 amended).

A customer's respondents answer alike, so the answers of one customer are not independent
observations: the customer is the cluster. Every answer-level rate (favourable, top-3-box,
pooled or customer-weighted) and every weighted mean is a *ratio estimator* Σ y_c / Σ x_c over
customers c, and its variance is the linearised (Taylor) one of survey sampling:

    R = Σ y_c / Σ x_c,    V(R) = m / (m − 1) · Σ (y_c − R x_c)² / (Σ x_c)²       (m customers)

(pooled rate: y_c = answers at the levels, x_c = answers; weighted rate: y_c = w_c · the
customer's own rate, x_c = w_c; weighted mean score: y_c = w_c · score_c, x_c = w_c). The design
effect is V(R) over the variance the same number of independent answers would give, and the
effective n is n / deff. A rate's interval is Wilson's at that effective n, with Korn and
Graubard's degrees-of-freedom adjustment n* = n_eff · (z / t_{m−1})²; a mean's is R ± t_{m−1}·√V.

The functions are vectorised over groups: ``groups`` holds the group code of each
(group, customer) row, as ``np.bincount`` takes it. Weights are scaled by their largest value
first, so weights of any size work (ratios do not change when every weight is scaled).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import stats

from scoring.stats import CONFIDENCE, wilson_interval, z_value

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def scaled(weights: npt.ArrayLike) -> FloatArray:
    """Weights divided by the largest, so that squares and sums of huge weights stay finite."""
    w = np.asarray(weights, dtype=float)
    top = float(np.max(w)) if w.size else 0.0
    result: FloatArray = w / top if top > 0 and np.isfinite(top) else w
    return result


def kish_n(groups: IntArray, n_groups: int, weights: npt.ArrayLike) -> FloatArray:
    """Kish's effective number of customers (Σw)² / Σw² per group (one weight per customer)."""
    w = scaled(weights)
    total = np.bincount(groups, weights=w, minlength=n_groups)
    square = np.bincount(groups, weights=w**2, minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        result: FloatArray = np.where(square > 0, total**2 / square, 0.0)
    return result


def ratio_variance(
    groups: IntArray, n_groups: int, y: npt.ArrayLike, x: npt.ArrayLike
) -> tuple[FloatArray, FloatArray, IntArray]:
    """(R, V(R), m) per group: the ratio Σy/Σx, its linearised variance (NaN below two
    customers) and the number of customers, from one row per (group, customer)."""
    ys, xs = np.asarray(y, dtype=float), np.asarray(x, dtype=float)

    def total(values: FloatArray) -> FloatArray:
        return np.asarray(np.bincount(groups, weights=values, minlength=n_groups), dtype=float)

    m = np.bincount(groups, minlength=n_groups).astype(np.int64)
    sx = total(xs)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = total(ys) / sx
        residual = ys - ratio[groups] * xs
        variance = np.where(m > 1, m / (m - 1) * total(residual**2) / sx**2, np.nan)
    return ratio, variance, m


def t_value(clusters: npt.ArrayLike, confidence: float = CONFIDENCE) -> FloatArray:
    """The two-sided Student-t quantile on m − 1 degrees of freedom (NaN below two)."""
    m = np.asarray(clusters, dtype=float)
    dof = np.where(m > 1, m - 1, np.nan)
    result: FloatArray = np.asarray(stats.t.ppf(0.5 + confidence / 2, dof), dtype=float)
    return result


def rate_interval(
    rate: FloatArray,
    variance: FloatArray,
    n: FloatArray,
    clusters: IntArray,
    confidence: float = CONFIDENCE,
) -> dict[str, FloatArray]:
    """Design effect, effective n and the df-adjusted Wilson interval of clustered rates.

    ``n`` is the number of answers. A rate of 0 or 1 has no variance to compare: its design
    effect is unknown (NaN) and its effective n is n, as Korn and Graubard do; the effective n
    never exceeds n. Below two customers there is no interval.
    """
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        srs = rate * (1 - rate) / n
        deff = np.where((srs > 0) & np.isfinite(variance), variance / srs, np.nan)
        n_eff = np.where(deff > 0, np.minimum(n, n / deff), n)
        adjusted = n_eff * (z_value(confidence) / t_value(clusters, confidence)) ** 2
    low, high = wilson_interval(rate * adjusted, adjusted, confidence)
    usable = clusters > 1
    return {
        "deff": np.where(usable, deff, np.nan),
        "n_eff": np.where(usable, n_eff, np.nan),
        "ci_low": np.where(usable, low, np.nan),
        "ci_high": np.where(usable, high, np.nan),
    }


def clustered_mean_interval(
    mean: FloatArray,
    variance: FloatArray,
    clusters: IntArray,
    confidence: float = CONFIDENCE,
    *,
    bounds: tuple[float, float] = (0.0, 100.0),
) -> tuple[FloatArray, FloatArray]:
    """mean ± t_{m−1} · √V, cut at the bounds of the scale (NaN below two customers)."""
    with np.errstate(invalid="ignore"):
        half = t_value(clusters, confidence) * np.sqrt(variance)
    low = np.clip(mean - half, *bounds)
    high = np.clip(mean + half, *bounds)
    return low, high


def weighted_means(
    groups: IntArray,
    n_groups: int,
    values: npt.ArrayLike,
    weights: npt.ArrayLike,
    confidence: float = CONFIDENCE,
) -> dict[str, FloatArray]:
    """Customer-weighted mean of one value per customer, per group, with its linearised
    interval, design effect (against the unweighted mean's variance s²/m) and Kish n."""
    v, w = np.asarray(values, dtype=float), scaled(weights)
    mean, variance, m = ratio_variance(groups, n_groups, w * v, w)
    _, plain, _ = ratio_variance(groups, n_groups, v, np.ones_like(v))
    low, high = clustered_mean_interval(mean, variance, m, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        deff = np.where(plain > 0, variance / plain, np.nan)
    return {
        "mean": mean,
        "se": np.sqrt(variance),
        "ci_low": low,
        "ci_high": high,
        "deff": deff,
        "kish_n": kish_n(groups, n_groups, w),
    }
