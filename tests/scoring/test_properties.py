"""Property-based tests: rates stay in [0, 1], scores in [0, 100], weights only rescale."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.breakdown import index_tables
from scoring.frames import scored_answers
from scoring.indices import customer_scores, factor_scores, question_scores
from scoring.report import build_report
from scoring.stats import wilson_interval
from scoring.tickets import INTERNAL_MEMO, OPINION_TICKET, split_tickets
from survey.schema import Survey
from tests.scoring import factories
from tests.scoring.factories import Respondent

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FACTORS: list[dict[str, Any]] = [
    {"key": "QU", "weight": 3, "items": [("a", 1), ("b", 2)]},
    {"key": "SP", "weight": 1},
    {"key": "VA", "weight": 2, "items": [("x", 1), ("y", 1), ("z", 4)]},
]
QUESTIONS = ("QU.a", "QU.b", "SP", "VA.x", "VA.y", "VA.z")
ROLES = ("quality", "purchasing", "user")
RATE_COLUMNS = (
    "satisfaction_rate", "satisfaction_ci_low", "satisfaction_ci_high", "favourable_rate",
    "favourable_ci_low", "favourable_ci_high", "favourable_weighted",
    "favourable_weighted_ci_low", "favourable_weighted_ci_high", "top3_rate", "top3_ci_low",
    "top3_ci_high", "top3_weighted", "top3_weighted_ci_low", "top3_weighted_ci_high",
)  # fmt: skip
SCORE_COLUMNS = (
    "mean_score",
    "mean_score_ci_low",
    "mean_score_ci_high",
    "weighted_score",
    "loyalty",
    "loyalty_ci_low",
    "loyalty_ci_high",
)


def property_survey(
    points: Any = "default", factor_scale: float = 1.0, item_scale: float = 1.0
) -> Survey:
    factors = [
        {**f, "weight": f["weight"] * factor_scale,
         "items": [(k, w * item_scale) for k, w in f.get("items", [])]}
        for f in FACTORS
    ]  # fmt: skip
    return factories.make_survey(factors, key="props", points=points, overall="SP")


@st.composite
def campaigns(draw: st.DrawFn) -> pd.DataFrame:
    """Answers of 1–5 customers with 1–3 respondents each; ~1/4 "unable to comment"."""
    level = st.one_of(st.none(), st.integers(1, 5), st.integers(1, 5), st.integers(1, 5))
    respondents = []
    for c in range(draw(st.integers(1, 5))):
        customer_class = draw(st.sampled_from(["KA", "A", "B", "C"]))
        weight = draw(st.sampled_from([0.5, 1.0, 2.0, 3.0]))
        for r in range(draw(st.integers(1, 3))):
            levels = draw(st.lists(level, min_size=len(QUESTIONS), max_size=len(QUESTIONS)))
            respondents.append(Respondent(
                f"r{c}-{r}", f"C{c}", dict(zip(QUESTIONS, levels, strict=True)),
                customer_class=customer_class, customer_weight=weight,
                business_unit=draw(st.sampled_from(["BU1", "BU2"])),
                role=draw(st.sampled_from(ROLES)),
                nps=draw(st.one_of(st.none(), st.integers(0, 10)))))  # fmt: skip
    return factories.answers_frame(respondents, survey="props")


def within(values: pd.Series | np.ndarray, low: float, high: float) -> bool:
    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
    return bool(np.all((data >= low - 1e-9) & (data <= high + 1e-9)))


@pytest.mark.long_running(9)
@PROPERTY
@given(campaigns(), st.sampled_from(["default", "pomp", {1: 0, 2: 30, 3: 55, 4: 85, 5: 100}]))
def test_rates_stay_in_unit_interval_and_scores_in_0_100(
    answers: pd.DataFrame, points_map: Any
) -> None:
    survey = property_survey(points_map)
    points = scored_answers(survey, answers)
    for table in index_tables(survey, points).values():
        for column in RATE_COLUMNS:
            assert within(table[column], 0, 1), column
        for column in SCORE_COLUMNS:
            assert within(table[column], 0, 100), column
    assert within(customer_scores(survey, points)["score"], 0, 100)
    assert within(factor_scores(survey, points)["points"], 0, 100)
    assert within(question_scores(survey, points)["points"], 0, 100)


@PROPERTY
@given(campaigns())
def test_a_customer_score_lies_between_its_factor_scores(answers: pd.DataFrame) -> None:
    survey = property_survey()
    points = scored_answers(survey, answers)
    factors = factor_scores(survey, points).groupby("customer_id", observed=True)["points"]
    scores = customer_scores(survey, points).set_index("customer_id")["score"]
    for customer, score in scores.items():
        assert factors.min()[customer] - 1e-9 <= score <= factors.max()[customer] + 1e-9


@PROPERTY
@given(campaigns(), st.sampled_from([0.1, 2.0, 7.5]), st.sampled_from([0.01, 3.0, 40.0]))
def test_factor_and_item_weights_only_rescale(
    answers: pd.DataFrame, factor_scale: float, item_scale: float
) -> None:
    base = property_survey()
    scaled = property_survey(factor_scale=factor_scale, item_scale=item_scale)
    before = customer_scores(base, scored_answers(base, answers))["score"].to_numpy()
    after = customer_scores(scaled, scored_answers(scaled, answers))["score"].to_numpy()
    np.testing.assert_allclose(after, before, rtol=1e-12)


@PROPERTY
@given(campaigns(), st.sampled_from([0.25, 3.0, 100.0]))
@pytest.mark.long_running(13)
def test_customer_weights_only_rescale(answers: pd.DataFrame, scale: float) -> None:
    survey = property_survey()
    heavier = answers.assign(customer_weight=answers["customer_weight"] * scale)
    before = index_tables(survey, scored_answers(survey, answers))
    after = index_tables(survey, scored_answers(survey, heavier))
    for by, table in before.items():
        for column in (
            "favourable_weighted",
            "top3_weighted",
            "weighted_score",
            "favourable_weighted_n_eff",
            "favourable_weighted_ci_low",
            "weighted_score_ci_high",
            "kish_n",
        ):
            np.testing.assert_allclose(after[by][column], table[column], rtol=1e-9)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(campaigns())
def test_the_report_is_strict_json_with_bounded_figures(answers: pd.DataFrame) -> None:
    report = build_report(property_survey(), answers, None, campaign="2026Q1")
    data = json.loads(report.to_json())
    summary = data["summary"]
    for name in (
        "satisfaction_rate",
        "favourable_rate",
        "favourable_weighted",
        "top3_rate",
        "top3_weighted",
    ):
        rate = summary[name]
        for key in ("value", "ci_low", "ci_high"):
            assert rate[key] is None or 0 <= rate[key] <= 1
    for key in ("value", "ci_low", "ci_high"):
        value = summary["loyalty"][key]
        assert value is None or 0 <= value <= 100
    nps = summary["nps"]["value"]
    assert nps is None or -100 <= nps <= 100


@PROPERTY
@given(st.integers(0, 500), st.integers(0, 500))
def test_wilson_interval_holds_the_proportion(k: int, extra: int) -> None:
    n = k + extra
    low, high = wilson_interval(k, n)
    if n == 0:
        assert math.isnan(low) and math.isnan(high)
    else:
        assert 0 <= float(low) <= k / n <= float(high) <= 1


@PROPERTY
@given(
    st.lists(
        st.tuples(st.sampled_from([1, 2]), st.sampled_from([0.5, 1.0, 2.0]), st.integers(0, 50)),
        max_size=40,
    )
)
def test_split_takes_the_most_severe_fifth(rows: list[tuple[int, float, int]]) -> None:
    low = pd.DataFrame({
        "question": "SP", "respondent_id": [f"r{i}" for i in range(len(rows))],
        "customer_id": "C1", "level": [r[0] for r in rows],
        "customer_weight": [r[1] for r in rows],
        "answered_at": [factories.START + pd.Timedelta(minutes=r[2]) for r in rows],
    })  # fmt: skip
    split = split_tickets(low)
    opinion = split[split["kind"] == OPINION_TICKET]
    memo = split[split["kind"] == INTERNAL_MEMO]
    assert len(opinion) == (max(1, math.ceil(len(rows) * 2 / 10)) if rows else 0)
    if len(memo):
        assert opinion["severity"].min() >= memo["severity"].max()
    assert sorted(split["respondent_id"]) == sorted(low["respondent_id"])


@pytest.mark.parametrize("points_map", ["default", "pomp"])
def test_property_survey_builds(points_map: str) -> None:
    assert [q.key for q in property_survey(points_map).questions()] == list(QUESTIONS)
