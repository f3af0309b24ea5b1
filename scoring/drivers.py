"""Key-driver analysis: which factors move the overall impression (SPEC §4.10).

Per respondent, each factor's points are set against the points given to the survey's overall
question (its own factor is left out of the drivers). Reported per driver: Pearson's r with its
p-value, and Johnson's (2000) relative weights, which split the model's R² among correlated
drivers (they sum to R² and agree closely with Shapley/LMG values at a fraction of the cost).
The importance–performance quadrant then sets each driver's share of R² against its mean score.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from scoring.indices import factor_scores
from survey.schema import Survey

RESPONDENT: tuple[str, ...] = ("respondent_id",)
QUADRANTS: dict[tuple[bool, bool], str] = {
    (True, False): "improve",  # important and under-performing: concentrate here
    (True, True): "maintain",  # important and performing: keep up the good work
    (False, False): "low_priority",
    (False, True): "possible_overkill",
}
#: Columns of ``key_drivers``.
DRIVER_COLUMNS: tuple[str, ...] = (
    "factor", "n", "correlation", "p_value", "raw_weight", "relative_importance",
    "performance", "quadrant",
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
    rxx, rxy = corr[:-1, :-1], corr[:-1, -1]
    values, vectors = np.linalg.eigh(rxx)
    root = vectors @ np.diag(np.sqrt(np.clip(values, 0, None))) @ vectors.T
    beta = np.linalg.pinv(root) @ rxy
    weights: npt.NDArray[np.float64] = (root**2) @ (beta**2)
    return weights


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
    x = data[drivers].to_numpy(dtype=float)
    y = data["_outcome"].to_numpy(dtype=float)
    out = pd.DataFrame({"factor": drivers, "n": len(data)})
    out["correlation"], out["p_value"] = _correlations(x, y)
    usable = len(data) > len(drivers) + 1 and _varies(x).all() and _varies(y[:, None]).all()
    raw = relative_weights(x, y) if usable else np.full(len(drivers), np.nan)
    out["raw_weight"] = raw
    r_squared = float(np.sum(raw))
    out["relative_importance"] = raw / r_squared if usable and r_squared > 0 else np.nan
    if performance is None:
        performance = matrix[drivers].mean()
    out["performance"] = out["factor"].map(performance).astype(float)
    out["quadrant"] = _quadrants(out["relative_importance"], out["performance"])
    return out[list(DRIVER_COLUMNS)]


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
