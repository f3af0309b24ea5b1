"""Point scores: item → factor → customer (SPEC §4.1–4.3), satisfaction and loyalty (§4.4).

A score is built per *unit*, named by ``keys``: a customer (the SPEC's definition), a
(role, customer) pair for the role breakdown, or a respondent for key-driver analysis. Within a
unit, a question's score is the mean of its answers' points; a factor's is the item-weighted mean
over its answered items; the unit's is the factor-weighted mean over its answered factors. A
weight only rescales: unanswered items and factors drop out of both numerator and denominator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from scoring.cells import answer_cells, cell_sums
from scoring.frames import customer_attributes
from scoring.thresholds import above, at_least
from survey.schema import Survey

CUSTOMER: tuple[str, ...] = ("customer_id",)
SATISFIED_ABOVE = 80.0  # seed 001 §5.1: satisfied means a score strictly above 80
LOYAL_ABOVE = 90.0  # seed 001 §5.2: loyal means a score strictly above 90
GRADES: tuple[str, ...] = (
    "very_satisfied", "fairly_satisfied", "generally_satisfied", "dissatisfied",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class GradeBands:
    """Lower bounds of the grades of seed 004: ≥ 95, ≥ 80, ≥ 60, else dissatisfied."""

    very_satisfied: float = 95.0
    fairly_satisfied: float = 80.0
    generally_satisfied: float = 60.0

    def __post_init__(self) -> None:
        bounds = (self.very_satisfied, self.fairly_satisfied, self.generally_satisfied)
        if not 100 >= bounds[0] > bounds[1] > bounds[2] >= 0:
            raise ValueError(f"grade bands must fall strictly within 0..100, got {bounds}")

    def grade(self, scores: npt.ArrayLike) -> npt.NDArray[np.object_]:
        """The grade label of each score (None where the score is undefined)."""
        values = np.asarray(scores, dtype=float)
        bounds = [self.generally_satisfied, self.fairly_satisfied, self.very_satisfied]
        # 0: below every bound … 3: at or above the highest; 4 marks an undefined score
        reached = sum(at_least(values, bound).astype(np.int64) for bound in bounds)
        band = np.where(np.isnan(values), 4, reached)
        labels = np.array([*reversed(GRADES), None], dtype=object)
        result: npt.NDArray[np.object_] = labels[band]
        return result


DEFAULT_BANDS = GradeBands()


def question_scores(
    survey: Survey, points: pd.DataFrame, keys: tuple[str, ...] = CUSTOMER
) -> pd.DataFrame:
    """Mean points per unit and question.

    Columns: ``*keys, question, factor, item_weight, points, n_answers``.
    """
    return question_means(survey, answer_cells(points, keys), keys)


def question_means(survey: Survey, cells: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    """``question_scores`` from ``cells.answer_cells`` (sums of points per unit and question)."""
    questions = survey.questions()
    factor_keys = [f.key for f in survey.factors]
    codes = cells["question"].cat.codes.to_numpy()
    factor_of = np.array([factor_keys.index(q.factor) for q in questions], dtype=np.int64)
    return pd.DataFrame({
        **{k: cells[k] for k in keys},
        "question": cells["question"],
        "factor": pd.Categorical.from_codes(factor_of[codes], pd.Index(factor_keys)),
        "item_weight": np.array([q.weight for q in questions], dtype=float)[codes],
        "points": cells["points"] / cells["n"],
        "n_answers": cells["n"],
    })  # fmt: skip


def factor_scores(
    survey: Survey, points: pd.DataFrame, keys: tuple[str, ...] = CUSTOMER
) -> pd.DataFrame:
    """Factor points per unit: Σ item weight · item mean / Σ weights of the answered items.

    Columns: ``*keys, factor, factor_weight, points, n_answers, n_questions``.
    """
    return factor_means(survey, question_scores(survey, points, keys), keys)


def factor_means(survey: Survey, scores: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    """``factor_scores`` from ``question_scores``/``question_means``."""
    weight = scores["item_weight"].to_numpy()
    cells = cell_sums(scores, (*keys, "factor"), {
        "weighted": weight * scores["points"].to_numpy(), "weight": weight,
        "n_answers": scores["n_answers"].to_numpy(),
    })  # fmt: skip
    factor_weight = np.array([f.weight for f in survey.factors], dtype=float)
    cells["factor_weight"] = factor_weight[cells["factor"].cat.codes.to_numpy()]
    cells["points"] = cells["weighted"] / cells["weight"]
    cells["n_answers"] = cells["n_answers"].astype(np.int64)
    cells = cells.rename(columns={"n": "n_questions"})
    return cells[[*keys, "factor", "factor_weight", "points", "n_answers", "n_questions"]]


def unit_scores(factors: pd.DataFrame, keys: tuple[str, ...] = CUSTOMER) -> pd.DataFrame:
    """Overall score per unit: Σ factor weight · factor points / Σ weights of answered factors.

    Columns: ``*keys, score, n_answers, n_factors``.
    """
    weight = factors["factor_weight"].to_numpy()
    cells = cell_sums(factors, keys, {
        "weighted": weight * factors["points"].to_numpy(), "weight": weight,
        "n_answers": factors["n_answers"].to_numpy(),
    })  # fmt: skip
    cells["score"] = cells["weighted"] / cells["weight"]
    cells["n_answers"] = cells["n_answers"].astype(np.int64)
    cells = cells.rename(columns={"n": "n_factors"})
    return cells[[*keys, "score", "n_answers", "n_factors"]]


def customer_scores(
    survey: Survey,
    points: pd.DataFrame,
    bands: GradeBands = DEFAULT_BANDS,
    *,
    cells: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per customer with a score (customers with only "unable to comment" have none).

    ``cells`` may pass in ``answer_cells(points, CUSTOMER)`` to avoid summing again.

    Columns: ``customer_id, customer_name, customer_class, customer_weight, business_unit,
    score, grade, satisfied, loyal, n_respondents, n_answers, n_factors``.
    """
    if cells is None:
        cells = answer_cells(points, CUSTOMER)
    scores = unit_scores(factor_means(survey, question_means(survey, cells, CUSTOMER), CUSTOMER))
    customers = customer_attributes(points).merge(scores, on="customer_id", how="inner")
    customers["grade"] = bands.grade(customers["score"])
    customers["satisfied"] = above(customers["score"], SATISFIED_ABOVE)
    customers["loyal"] = above(customers["score"], LOYAL_ABOVE)
    counts = respondents(points)["customer_id"].value_counts()
    customers["customer_id"] = customers["customer_id"].astype(str)
    customers["n_respondents"] = customers["customer_id"].map(counts).astype(np.int64)
    columns = [
        "customer_id",
        "customer_name",
        "customer_class",
        "customer_weight",
        "business_unit",
        "score",
        "grade",
        "satisfied",
        "loyal",
        "n_respondents",
        "n_answers",
        "n_factors",
    ]
    return customers[columns]


def respondents(points: pd.DataFrame) -> pd.DataFrame:
    """One row per respondent: respondent_id, customer_id, role (all as str)."""
    first = pd.Series(points["respondent_id"].cat.codes.to_numpy()).drop_duplicates()
    rows = points.iloc[first.index.to_numpy()]
    return pd.DataFrame(
        {c: rows[c].astype(str).to_numpy() for c in ("respondent_id", "customer_id", "role")}
    )


def satisfaction_counts(scores: npt.ArrayLike) -> tuple[int, int, int]:
    """(surveyed, satisfied > 80, loyal > 90) among the defined scores."""
    values = np.asarray(scores, dtype=float)
    values = values[~np.isnan(values)]
    return (
        int(values.size),
        int(above(values, SATISFIED_ABOVE).sum()),
        int(above(values, LOYAL_ABOVE).sum()),
    )


def satisfaction_rate(scores: npt.ArrayLike) -> float | None:
    """Customers scoring > 80 / customers with a score; None when nobody has a score."""
    surveyed, satisfied, _ = satisfaction_counts(scores)
    return satisfied / surveyed if surveyed else None


def loyalty(scores: npt.ArrayLike) -> float | None:
    """100 · customers > 90 / customers > 80; None (not 0) when nobody is above 80."""
    _, satisfied, loyal = satisfaction_counts(scores)
    return 100 * loyal / satisfied if satisfied else None
