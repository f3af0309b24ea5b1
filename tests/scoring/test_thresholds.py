"""Thresholds in exact arithmetic: a score that is 80 (90, 95, 60) on paper is exactly that, even
when floating point makes it 80.00000000000001 or 79.99999999999999."""

from __future__ import annotations

import pytest

from scoring.frames import scored_answers
from scoring.indices import DEFAULT_BANDS, customer_scores, loyalty, satisfaction_counts
from scoring.thresholds import above, at_least, is_above, reaches
from tests.scoring import factories
from tests.scoring.factories import Respondent


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (94.99999999999999, "very_satisfied"),
        (95.00000000000001, "very_satisfied"),
        (94.9, "fairly_satisfied"),
        (79.99999999999999, "fairly_satisfied"),
        (80.00000000000001, "fairly_satisfied"),
        (59.99999999999999, "generally_satisfied"),
        (59.9, "dissatisfied"),
        (100.0, "very_satisfied"),
    ],
)
def test_grades_at_the_bounds(score: float, grade: str) -> None:
    assert DEFAULT_BANDS.grade([score])[0] == grade


def test_satisfied_and_loyal_are_strictly_above_80_and_90() -> None:
    scores = [80.00000000000001, 79.99999999999999, 90.00000000000001, 80.1, 90.1]
    assert satisfaction_counts(scores) == (5, 3, 1)  # 90.000…01 is satisfied, not loyal
    assert loyalty([80.00000000000001, 90.00000000000001]) == 0.0


def test_the_comparisons_themselves() -> None:
    assert not is_above(80.00000000000001, 80) and is_above(80.000001, 80)
    assert reaches(0.7999999999999999, 0.8) and not reaches(0.79, 0.8)
    assert list(above([float("nan"), 81], 80)) == [False, True]
    assert list(at_least([float("nan"), 79.99999999999999], 80)) == [False, True]


def customer_score(weights: tuple[float, ...], levels: tuple[int, ...]) -> tuple[float, bool, str]:
    survey = factories.make_survey(
        [{"key": f"F{i}", "weight": w} for i, w in enumerate(weights)], key="thresholds"
    )
    answers = factories.answers_frame(
        [Respondent("r1", "C1", {f"F{i}": level for i, level in enumerate(levels)})],
        survey="thresholds",
    )
    row = customer_scores(survey, scored_answers(survey, answers)).iloc[0]
    return float(row["score"]), bool(row["satisfied"]), str(row["grade"])


def test_a_score_of_exactly_80_computed_as_80_00000000000001_is_not_satisfied() -> None:
    # (0.2 · 40 + 0.7 · 80 + 0.4 · 100) / 1.3 = 80 exactly; floating point says 80.00000000000001
    score, satisfied, grade = customer_score((0.2, 0.7, 0.4), (2, 4, 5))
    assert score > 80  # the floating-point artefact is really there
    assert not satisfied and grade == "fairly_satisfied"


def test_a_score_of_exactly_80_computed_as_79_99999999999999_is_fairly_satisfied() -> None:
    # (0.1 · 20 + 0.2 · 80 + 0.3 · 100) / 0.6 = 80 exactly
    score, satisfied, grade = customer_score((0.1, 0.2, 0.3), (1, 4, 5))
    assert score < 80
    assert grade == "fairly_satisfied" and not satisfied
