"""Key-driver analysis: correlations, relative weights and the importance–performance quadrant."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from scoring.drivers import (
    DRIVER_COLUMNS,
    RESAMPLES,
    SEED,
    bootstrap_importance,
    driver_respondents,
    key_drivers,
    r_squared,
    relative_weights,
    respondent_matrix,
)
from scoring.frames import scored_answers
from survey.schema import Survey
from tests.scoring import factories
from tests.scoring.factories import ECSS_FACTORS, Respondent


def driven_answers(n: int = 300, seed: int = 4) -> pd.DataFrame:
    """GI follows TS strongly and QU weakly; SP and VA are noise."""
    rng = np.random.default_rng(seed)
    levels = rng.integers(1, 6, (n, 4))
    gi = np.clip(
        np.rint(0.8 * levels[:, 0] + 0.3 * levels[:, 1] - 0.3 + rng.normal(0, 0.4, n)), 1, 5
    ).astype(int)
    return factories.answers_frame([
        Respondent(f"r{i}", f"C{i % 40}", dict(zip(ECSS_FACTORS, [int(gi[i]), *map(int, row)],
                                                   strict=True)))
        for i, row in enumerate(levels)
    ])  # fmt: skip


def ols_r_squared(x: np.ndarray, y: np.ndarray) -> float:
    design = np.column_stack([np.ones(len(y)), x])
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ beta
    return float(1 - residual.var() / y.var())


def test_relative_weights_sum_to_the_r_squared() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(500, 3))
    x[:, 2] += 0.6 * x[:, 0]  # correlated drivers
    y = x @ np.array([1.0, 0.5, 0.2]) + rng.normal(size=500)
    weights = relative_weights(x, y)
    assert weights.sum() == pytest.approx(ols_r_squared(x, y))
    assert weights[0] > weights[1] > 0


def test_relative_weights_of_uncorrelated_drivers_are_squared_correlations() -> None:
    x = np.array([[1, 1], [1, -1], [-1, 1], [-1, -1]] * 5, dtype=float)  # orthogonal
    y = 2 * x[:, 0] + x[:, 1] + np.tile([0.3, -0.3, -0.3, 0.3], 5)
    expected = [stats.pearsonr(x[:, j], y).statistic ** 2 for j in range(2)]
    assert relative_weights(x, y) == pytest.approx(expected)


def test_key_drivers_find_the_driver(ecss: Survey) -> None:
    points = scored_answers(ecss, driven_answers())
    drivers = key_drivers(ecss, points)
    assert tuple(drivers.columns) == DRIVER_COLUMNS
    table = drivers.set_index("factor")
    assert list(table.index) == ["TS", "QU", "SP", "VA"]  # GI is the outcome, not a driver
    assert table["n"].unique().tolist() == [300]
    assert table.loc["TS", "relative_importance"] > 0.6
    assert table["relative_importance"].sum() == pytest.approx(1.0)
    assert table.loc["TS", "p_value"] < 0.001 and table.loc["SP", "p_value"] > 0.001
    matrix = respondent_matrix(ecss, points)
    r2 = ols_r_squared(matrix[["TS", "QU", "SP", "VA"]].to_numpy(), matrix["GI"].to_numpy())
    assert r_squared(drivers) == pytest.approx(r2)


def test_quadrants_split_at_the_mean_importance_and_score(ecss: Survey) -> None:
    points = scored_answers(ecss, driven_answers())
    performance = pd.Series({"TS": 70.0, "QU": 90.0, "SP": 90.0, "VA": 60.0})
    table = key_drivers(ecss, points, performance).set_index("factor")
    assert table.loc["TS", "quadrant"] == "improve"  # important, under-performing
    assert table.loc["SP", "quadrant"] == "possible_overkill"
    assert table.loc["VA", "quadrant"] == "low_priority"
    assert table.loc["QU", "performance"] == 90.0


def test_no_overall_question_no_drivers(worked: pd.DataFrame) -> None:
    survey = factories.ecss_survey(overall=None)
    assert key_drivers(survey, scored_answers(survey, worked)).empty


def test_below_30_respondents_the_analysis_is_withheld(
    ecss: Survey, worked_points: pd.DataFrame
) -> None:
    drivers = key_drivers(ecss, worked_points)
    assert drivers.empty and tuple(drivers.columns) == DRIVER_COLUMNS
    matrix = respondent_matrix(ecss, worked_points)
    assert driver_respondents(ecss, worked_points, matrix) == 4  # r2 has no SP
    assert r_squared(drivers) is None
    points = scored_answers(ecss, driven_answers(n=29))
    assert key_drivers(ecss, points).empty
    assert not key_drivers(ecss, scored_answers(ecss, driven_answers(n=30))).empty


def test_importance_intervals_are_a_customer_bootstrap(ecss: Survey) -> None:
    points = scored_answers(ecss, driven_answers(n=120))
    drivers = key_drivers(ecss, points).set_index("factor")
    assert drivers["n_customers"].unique().tolist() == [40]
    low, high = drivers["importance_ci_low"], drivers["importance_ci_high"]
    assert (low <= drivers["relative_importance"]).all()
    assert (drivers["relative_importance"] <= high).all()
    assert low["TS"] > high["SP"]  # the strong driver stands clear of the noise
    # The same draws done the slow way: resample customers, stack their respondents, refit.
    matrix = respondent_matrix(ecss, points)
    data = matrix[["TS", "QU", "SP", "VA", "GI"]].dropna()
    owner = points.drop_duplicates("respondent_id").set_index("respondent_id")["customer_id"]
    customer, _ = pd.factorize(owner.astype(str).reindex(data.index).to_numpy())
    rng = np.random.default_rng(SEED)
    counts = rng.multinomial(40, np.full(40, 1 / 40), size=RESAMPLES)
    values = data.to_numpy()
    shares = []
    for draw in counts:
        rows = np.concatenate([np.flatnonzero(customer == c).repeat(k) for c, k in
                               enumerate(draw) if k])  # fmt: skip
        raw = relative_weights(values[rows, :4], values[rows, 4])
        shares.append(raw / raw.sum())
    expected = np.percentile(np.array(shares), [2.5, 97.5], axis=0)
    fast = bootstrap_importance(values, customer.astype(np.int64))
    np.testing.assert_allclose(np.array(fast), expected, rtol=1e-9, atol=1e-12)


def test_respondent_matrix(ecss: Survey, worked_points: pd.DataFrame) -> None:
    matrix = respondent_matrix(ecss, worked_points)
    assert list(matrix.columns) == list(ECSS_FACTORS)
    assert matrix.loc["r2"].tolist()[:3] == [80.0, 80.0, 40.0] and np.isnan(matrix.loc["r2", "SP"])
