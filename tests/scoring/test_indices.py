"""Point scores item → factor → customer, grades, satisfaction rate and loyalty."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring.frames import scored_answers
from scoring.indices import (
    DEFAULT_BANDS,
    GradeBands,
    customer_scores,
    factor_scores,
    loyalty,
    question_scores,
    respondents,
    satisfaction_rate,
    unit_scores,
)
from survey.schema import Survey
from tests.scoring import factories
from tests.scoring.factories import Respondent


def items_survey() -> Survey:
    """Two factors: QU (weight 3) with items a (1) and b (3); SP (weight 1) asked itself."""
    return factories.make_survey(
        [{"key": "QU", "weight": 3, "items": [("a", 1), ("b", 3)]}, {"key": "SP"}], key="items"
    )


def test_question_means_over_respondents(ecss: Survey, worked_points: pd.DataFrame) -> None:
    scores = question_scores(ecss, worked_points)
    c1 = scores[scores["customer_id"] == "C1"].set_index("question")
    assert c1["points"].to_dict() == {"GI": 90.0, "TS": 80.0, "QU": 70.0, "SP": 80.0, "VA": 70.0}
    assert c1["n_answers"].to_dict() == {"GI": 2, "TS": 2, "QU": 2, "SP": 1, "VA": 2}


def test_items_are_weighted_and_respondents_averaged_per_item() -> None:
    survey = items_survey()
    answers = factories.answers_frame([
        Respondent("r1", "C1", {"QU.a": 5, "QU.b": 3, "SP": 4}),
        Respondent("r2", "C1", {"QU.a": 3, "QU.b": None, "SP": 2}),
    ], survey="items")  # fmt: skip
    points = scored_answers(survey, answers)
    factors = factor_scores(survey, points).set_index("factor")
    # item a: (100 + 60)/2 = 80; item b: 60 (r2 unable) → QU = (1·80 + 3·60)/4 = 65
    assert factors.loc["QU", "points"] == 65.0
    assert factors.loc["QU", "n_answers"] == 3 and factors.loc["QU", "n_questions"] == 2
    assert factors.loc["SP", "points"] == 60.0
    score = customer_scores(survey, points)["score"].iloc[0]
    assert score == pytest.approx((3 * 65 + 1 * 60) / 4)


def test_a_factor_nobody_answered_drops_out_of_the_weights() -> None:
    survey = items_survey()
    answers = factories.answers_frame(
        [Respondent("r1", "C1", {"QU.a": None, "QU.b": None, "SP": 4})], survey="items"
    )
    points = scored_answers(survey, answers)
    assert list(factor_scores(survey, points)["factor"].astype(str)) == ["SP"]
    customers = customer_scores(survey, points)
    assert customers["score"].tolist() == [80.0] and customers["n_factors"].tolist() == [1]


def test_unit_scores_by_role(ecss: Survey, worked_points: pd.DataFrame) -> None:
    keys = ("role", "customer_id")
    scores = unit_scores(factor_scores(ecss, worked_points, keys), keys)
    by = {(str(r), str(c)): s for r, c, s in scores[["role", "customer_id", "score"]].to_numpy()}
    # r2 (purchasing at C1): 80, 80, 40, –, 80 → 70; r5 (purchasing at C3): 96
    assert by == pytest.approx(
        {
            ("purchasing", "C1"): 70.0,
            ("purchasing", "C3"): 96.0,
            ("quality", "C1"): 84.0,
            ("quality", "C2"): 60.0,
            ("quality", "C3"): 96.0,
        }
    )


def test_customer_scores_columns(ecss: Survey, worked_points: pd.DataFrame) -> None:
    customers = customer_scores(ecss, worked_points).set_index("customer_id")
    assert customers.loc["C1", "n_respondents"] == 2 and customers.loc["C2", "n_respondents"] == 1
    assert customers.loc["C1", "n_answers"] == 9
    assert customers["satisfied"].to_dict() == {"C1": False, "C2": False, "C3": True}
    assert customers["loyal"].to_dict() == {"C1": False, "C2": False, "C3": True}
    assert customers.loc["C1", "customer_weight"] == 2.0
    assert str(customers.loc["C1", "customer_class"]) == "KA"


def test_respondents_table(worked_points: pd.DataFrame) -> None:
    people = respondents(worked_points)
    assert people.to_dict("records")[1] == {
        "respondent_id": "r2",
        "customer_id": "C1",
        "role": "purchasing",
    }
    assert len(people) == 5


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, "very_satisfied"),
        (95, "very_satisfied"),
        (94.99, "fairly_satisfied"),
        (80, "fairly_satisfied"),
        (79.9, "generally_satisfied"),
        (60, "generally_satisfied"),
        (59.9, "dissatisfied"),
        (0, "dissatisfied"),
    ],
)
def test_default_grade_bands(score: float, grade: str) -> None:
    assert DEFAULT_BANDS.grade([score])[0] == grade


def test_grade_of_an_undefined_score_is_none() -> None:
    assert DEFAULT_BANDS.grade([math.nan])[0] is None


def test_grade_bands_are_configurable() -> None:
    bands = GradeBands(very_satisfied=90, fairly_satisfied=75, generally_satisfied=50)
    assert list(bands.grade([92, 80, 55, 10])) == [
        "very_satisfied",
        "fairly_satisfied",
        "generally_satisfied",
        "dissatisfied",
    ]
    with pytest.raises(ValueError, match="grade bands"):
        GradeBands(very_satisfied=80, fairly_satisfied=90)


def test_satisfaction_is_strictly_above_80_and_loyalty_strictly_above_90() -> None:
    assert satisfaction_rate([80.0, 80.01, 90.0, 95.0]) == 0.75
    assert loyalty([80.0, 80.01, 90.0, 95.0]) == pytest.approx(100 / 3)


def test_loyalty_is_none_not_zero_without_a_customer_above_80() -> None:
    assert loyalty([60.0, 80.0]) is None
    assert satisfaction_rate([60.0, 80.0]) == 0.0


def test_undefined_scores_are_not_surveyed() -> None:
    assert satisfaction_rate([]) is None
    assert satisfaction_rate([np.nan, 85.0]) == 1.0
