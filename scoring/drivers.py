"""Key-driver analysis: which factors move the overall impression (SPEC §4.10).

Per respondent, each factor's points are set against the points given to the survey's overall
question (its own factor is left out of the drivers). Reported per driver: Pearson's r with its
p-value, and Johnson's (2000) relative weights, which split the model's R² among correlated
drivers (they sum to R² and agree closely with Shapley/LMG values at a fraction of the cost).
The importance–performance quadrant then sets each driver's share of R² against its mean score.

Below ``MIN_RESPONDENTS`` (30) complete respondents the analysis is withheld (an empty table;
the report says why). Above, each share of R² gets a percentile interval from a customer
bootstrap (``RESAMPLES`` draws, fixed ``SEED``): customers are resampled with all their
respondents, because customers are the sampling unit. A draw needs only each customer's sums of
the variables and of their products, so a thousand draws cost a few matrix products.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from scoring.indices import factor_scores, respondents
from survey.schema import Survey

RESPONDENT: tuple[str, ...] = ("respondent_id",)
MIN_RESPONDENTS = 30
RESAMPLES = 1_000
SEED = 11
QUADRANTS: dict[tuple[bool, bool], str] = {
    (True, False): "improve",  # important and under-performing: concentrate here
    (True, True): "maintain",  # important and performing: keep up the good work
    (False, False): "low_priority",
    (False, True): "possible_overkill",
}
#: Columns of ``key_drivers``.
DRIVER_COLUMNS: tuple[str, ...] = (
    "factor", "n", "n_customers", "correlation", "p_value", "raw_weight",
    "relative_importance", "importance_ci_low", "importance_ci_high", "performance", "quadrant",
)  # fmt: skip


def respondent_matrix(survey: Survey, points: pd.DataFrame) -> pd.DataFrame:
    """Factor points per respondent: index respondent_id, one column per factor (NaN = none)."""
    scores = factor_scores(survey, points, RESPONDENT)
    matrix = scores.pivot(index="respondent_id", columns="factor", values="points")
    matrix = matrix.reindex(columns=[f.key for f in survey.factors])
    matrix.index = matrix.index.astype(str)
    matrix.columns = matrix.columns.astype(str)
    return matrix


def relative_weights(
    predictors: npt.NDArray[np.float64], outcome: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Johnson's relative weights (raw: they sum to the R² of the linear model)."""
    corr: npt.NDArray[np.float64] = np.atleast_2d(
        np.corrcoef(np.column_stack([predictors, outcome]), rowvar=False)
    )
    weights: npt.NDArray[np.float64] = _weights_of(corr[None])[0]
    return weights


def _weights_of(corr: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Johnson's raw weights from a stack of correlation matrices (outcome last), shape (R, k)."""
    rxx, rxy = corr[:, :-1, :-1], corr[:, :-1, -1]
    values, vectors = np.linalg.eigh(rxx)
    root = vectors @ (np.sqrt(np.clip(values, 0, None))[:, :, None] * np.swapaxes(vectors, 1, 2))
    beta = np.einsum("rij,rj->ri", np.linalg.pinv(root), rxy)
    weights: npt.NDArray[np.float64] = np.einsum("rij,rj->ri", root**2, beta**2)
    return weights


def bootstrap_importance(
    data: npt.NDArray[np.float64],
    customer: npt.NDArray[np.int64],
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    confidence: float = 0.95,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Percentile interval of each driver's share of R² over customer-bootstrap draws.

    ``data`` has one row per respondent (drivers, then the outcome), ``customer`` the code
    (0..m−1) of each row's customer. Draws where a variable does not vary are left out.
    """
    m = int(customer.max()) + 1
    d = data.shape[1]
    n_c = np.bincount(customer, minlength=m).astype(float)
    s1 = np.stack([np.bincount(customer, weights=data[:, j], minlength=m) for j in range(d)], 1)
    outer = (data[:, :, None] * data[:, None, :]).reshape(len(data), d * d)
    s2 = np.stack(
        [np.bincount(customer, weights=outer[:, j], minlength=m) for j in range(d * d)], 1
    )
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(m, np.full(m, 1 / m), size=resamples).astype(float)
    n = counts @ n_c
    mean = (counts @ s1) / n[:, None]
    cov = (counts @ s2).reshape(resamples, d, d) / n[:, None, None]
    cov -= mean[:, :, None] * mean[:, None, :]
    sd = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 0, None))
    varies = np.all(sd > 1e-12 * np.maximum(1.0, np.abs(mean)), axis=1)
    corr = cov[varies] / (sd[varies][:, :, None] * sd[varies][:, None, :])
    raw = _weights_of(corr)
    share = raw / raw.sum(axis=1, keepdims=True)
    tail = 100 * (1 - confidence) / 2
    if not len(share):
        nan = np.full(d - 1, np.nan)
        return nan, nan
    return np.percentile(share, tail, axis=0), np.percentile(share, 100 - tail, axis=0)


def key_drivers(
    survey: Survey,
    points: pd.DataFrame,
    performance: pd.Series | None = None,
    *,
    matrix: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Drivers of the overall question (columns ``DRIVER_COLUMNS``); empty without one.

    ``performance`` maps factor → mean score (default: the mean of respondents' factor
    points). ``matrix`` may pass in ``respondent_matrix`` to avoid computing it again.
    """
    empty = pd.DataFrame({c: pd.Series(dtype=float) for c in DRIVER_COLUMNS})
    overall = survey.question(survey.overall) if survey.overall else None
    if overall is None or points.empty:
        return empty
    if matrix is None:
        matrix = respondent_matrix(survey, points)
    drivers = [f.key for f in survey.factors if f.key != overall.factor]
    if not drivers:
        return empty
    is_overall = (points["question"] == overall.key).to_numpy()
    outcome = pd.Series(
        points["points"].to_numpy()[is_overall],
        index=points["respondent_id"].to_numpy()[is_overall].astype(str),
    )
    data = matrix[drivers].assign(_outcome=outcome.reindex(matrix.index)).dropna()
    if len(data) < MIN_RESPONDENTS:
        return empty
    x = data[drivers].to_numpy(dtype=float)
    y = data["_outcome"].to_numpy(dtype=float)
    owner = respondents(points).set_index("respondent_id")["customer_id"]
    customer, _ = pd.factorize(owner.reindex(data.index).to_numpy())
    out = pd.DataFrame({"factor": drivers, "n": len(data), "n_customers": customer.max() + 1})
    out["correlation"], out["p_value"] = _correlations(x, y)
    usable = len(data) > len(drivers) + 1 and _varies(x).all() and _varies(y[:, None]).all()
    raw = relative_weights(x, y) if usable else np.full(len(drivers), np.nan)
    out["raw_weight"] = raw
    r_squared = float(np.sum(raw))
    out["relative_importance"] = raw / r_squared if usable and r_squared > 0 else np.nan
    low = high = np.full(len(drivers), np.nan)
    if usable and r_squared > 0:
        low, high = bootstrap_importance(np.column_stack([x, y]), customer.astype(np.int64))
    out["importance_ci_low"], out["importance_ci_high"] = low, high
    if performance is None:
        performance = matrix[drivers].mean()
    out["performance"] = out["factor"].map(performance).astype(float)
    out["quadrant"] = _quadrants(out["relative_importance"], out["performance"])
    return out[list(DRIVER_COLUMNS)]


def driver_respondents(survey: Survey, points: pd.DataFrame, matrix: pd.DataFrame) -> int:
    """How many respondents answered the overall question and every driver (the analysis's n)."""
    overall = survey.question(survey.overall) if survey.overall else None
    if overall is None or points.empty:
        return 0
    drivers = [f.key for f in survey.factors if f.key != overall.factor]
    answered = set(points.loc[points["question"] == overall.key, "respondent_id"].astype(str))
    complete = matrix[drivers].dropna().index
    return int(sum(1 for r in complete if r in answered))


def r_squared(drivers: pd.DataFrame) -> float | None:
    """The R² of the driver model (the sum of the raw relative weights), None if unknown."""
    total = float(drivers["raw_weight"].sum(min_count=1)) if len(drivers) else math.nan
    return None if math.isnan(total) else total


def _varies(values: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    result: npt.NDArray[np.bool_] = np.ptp(values, axis=0) > 0
    return result


def _correlations(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]
) -> tuple[list[float], list[float]]:
    """Pearson's r and its p-value of each column of x with y (NaN where undefined)."""
    rs, ps = [], []
    for column in x.T:
        if len(y) < 3 or np.ptp(column) == 0 or np.ptp(y) == 0:
            rs.append(math.nan)
            ps.append(math.nan)
            continue
        result = stats.pearsonr(column, y)
        rs.append(float(result.statistic))
        ps.append(float(result.pvalue))
    return rs, ps


def _quadrants(importance: pd.Series, performance: pd.Series) -> list[str | None]:
    """Importance–performance quadrant, split at the drivers' mean importance and score."""
    known = importance.notna() & performance.notna()
    if not known.any():
        return [None] * len(importance)
    important = importance >= importance[known].mean()
    performing = performance >= performance[known].mean()
    return [
        QUADRANTS[(bool(i), bool(p))] if k else None
        for i, p, k in zip(important, performing, known, strict=True)
    ]
