"""SPEC §4's worked example and seed 003's example: every number in them."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from scoring.breakdown import index_table
from scoring.frames import scored_answers
from scoring.indices import customer_scores, factor_scores, loyalty, satisfaction_rate
from scoring.report import CampaignReport
from scoring.stats import wilson_interval
from scoring.tickets import low_answers, split_tickets
from survey.loader import load_template
from survey.schema import Survey
from tests.scoring import factories


def test_factor_points_of_c1(ecss: Survey, worked_points: pd.DataFrame) -> None:
    # §4.1: C1: GI 90, TS 80, QU 70, SP 80 (r2 unable to comment), VA 70
    factors = factor_scores(ecss, worked_points)
    c1 = factors[factors["customer_id"] == "C1"].set_index("factor")["points"]
    assert c1.astype(float).to_dict() == {
        "GI": 90.0,
        "TS": 80.0,
        "QU": 70.0,
        "SP": 80.0,
        "VA": 70.0,
    }


def test_customer_scores(ecss: Survey, worked_points: pd.DataFrame) -> None:
    # §4.2: C1 = 78.0, C2 = 60.0, C3 = 96.0
    scores = customer_scores(ecss, worked_points).set_index("customer_id")["score"]
    assert scores.to_dict() == pytest.approx({"C1": 78.0, "C2": 60.0, "C3": 96.0})


def test_grades_of_the_customers(ecss: Survey, worked_points: pd.DataFrame) -> None:
    # §4.3: 96 very satisfied, 78 and 60 generally satisfied
    grades = customer_scores(ecss, worked_points).set_index("customer_id")["grade"]
    assert grades.to_dict() == {
        "C1": "generally_satisfied",
        "C2": "generally_satisfied",
        "C3": "very_satisfied",
    }


def test_satisfaction_rate_and_loyalty(ecss: Survey, worked_points: pd.DataFrame) -> None:
    # §4.4: 1/3 = 33.3 %; loyalty 1/1 → 100
    scores = customer_scores(ecss, worked_points)["score"]
    assert satisfaction_rate(scores) == pytest.approx(1 / 3)
    assert round(100 * satisfaction_rate(scores), 1) == 33.3  # type: ignore[operator]
    assert loyalty(scores) == 100.0


def test_favourable_rates(ecss: Survey, worked_points: pd.DataFrame) -> None:
    # §4.5: C1 7/9, C2 1/5, C3 10/10; weighted 68.9 %, pooled 18/24 = 75 %
    customers = index_table(ecss, worked_points, "customer_id").set_index("group")
    assert customers["favourable"].to_dict() == {"C1": 7, "C2": 1, "C3": 10}
    assert customers["n_answers"].to_dict() == {"C1": 9, "C2": 5, "C3": 10}
    total = index_table(ecss, worked_points).iloc[0]
    assert total["favourable_weighted"] == pytest.approx((2 * 7 / 9 + 0.2 + 1.0) / 4)
    assert round(100 * total["favourable_weighted"], 1) == 68.9
    assert (total["favourable"], total["n_answers"]) == (18, 24)
    assert total["favourable_rate"] == 0.75


def test_top3_box_rate(ecss: Survey, worked_points: pd.DataFrame) -> None:
    # §4.6: answers at 3–5 — all but r2's QU 2 and r3's TS 2: 22/24
    total = index_table(ecss, worked_points).iloc[0]
    assert (total["top3"], total["n_answers"]) == (22, 24)
    assert total["top3_rate"] == pytest.approx(22 / 24)


def test_ticket_split(worked: pd.DataFrame) -> None:
    # §4.7: r2's QU = 2 on KA C1 (severity 2) is the opinion ticket; r3's TS = 2 a memo
    split = split_tickets(low_answers(worked))
    rows = split[["question", "respondent_id", "severity", "kind"]].to_dict("records")
    assert rows == [
        {"question": "QU", "respondent_id": "r2", "severity": 2.0, "kind": "opinion_ticket"},
        {"question": "TS", "respondent_id": "r3", "severity": 1.0, "kind": "internal_memo"},
    ]


def test_wilson_bounds_of_the_example() -> None:
    # §4.10: 1/3 → [6.1 %, 79.2 %]; 18/24 → [55.1 %, 88.0 %]
    low, high = wilson_interval([1, 18], [3, 24])
    assert [round(100 * x, 1) for x in low] == [6.1, 55.1]
    assert [round(100 * x, 1) for x in high] == [79.2, 88.0]


def test_report_summary_holds_every_number(worked_report: CampaignReport) -> None:
    s = worked_report.summary
    assert s.mean_score.value == pytest.approx((78 + 60 + 96) / 3)
    assert (s.satisfaction_rate.count, s.satisfaction_rate.n) == (1, 3)
    assert round(100 * s.satisfaction_rate.ci_low, 1) == 6.1  # type: ignore[operator]
    assert round(100 * s.satisfaction_rate.ci_high, 1) == 79.2  # type: ignore[operator]
    assert s.loyalty.value == 100.0
    assert round(100 * s.favourable_weighted.value, 1) == 68.9  # type: ignore[operator]
    assert s.favourable_rate.value == 0.75
    # 24 answers but 3 customers: the clustered interval is far wider than Wilson's [55.1, 88.0]
    assert s.favourable_rate.method == "design_wilson" and s.favourable_rate.n_customers == 3
    assert s.favourable_rate.deff == pytest.approx(4.625)
    assert s.favourable_rate.ci_low < 0.551 and s.favourable_rate.ci_high > 0.88  # type: ignore[operator]
    assert s.favourable_weighted.kish_n == pytest.approx(16 / 6)  # over customers, not 21.5
    assert (s.tickets, s.opinion_tickets, s.internal_memos) == (2, 1, 1)
    assert s.n_unable_to_comment == 1


def test_weighted_four_total_is_71_6() -> None:
    # §4.2 (seed 003): quality 66, service 78, price 64, delivery 90 → 71.6
    survey = factories.weighted_four_survey()
    points = scored_answers(survey, factories.weighted_four_answers())
    factors = factor_scores(survey, points).set_index("factor")["points"].astype(float)
    assert factors.to_dict() == pytest.approx({"QU": 66.0, "SV": 78.0, "PR": 64.0, "DE": 90.0})
    score = customer_scores(survey, points)["score"].iloc[0]
    assert score == pytest.approx(0.4 * 66 + 0.3 * 78 + 0.2 * 64 + 0.1 * 90)
    assert round(score, 1) == 71.6


def test_weighted_four_packaging_unable_to_comment_renormalises() -> None:
    # §4.2: with packaging "unable to comment", quality = (0.1·80 + 0.8·60)/0.9 = 62.22
    survey = factories.weighted_four_survey()
    points = scored_answers(survey, factories.weighted_four_answers(packaging=None))
    quality = factor_scores(survey, points).set_index("factor")["points"]["QU"]
    assert round(quality, 2) == 62.22
    assert math.isclose(quality, (0.1 * 80 + 0.8 * 60) / 0.9)


@pytest.mark.parametrize(
    ("packaging", "quality", "total"), [(5, 66.0, 71.6), (None, (0.1 * 80 + 0.8 * 60) / 0.9, None)]
)
def test_the_shipped_weighted_four_template_scores_the_seed_example(
    packaging: int | None, quality: float, total: float | None
) -> None:
    survey = load_template("weighted-4")
    levels = {
        "QU.appearance": 4, "QU.packaging": packaging, "QU.performance": 3,
        "SV.timeliness": 5, "SV.effectiveness": 4, "SV.attitude": 4, "SV.opinions": 2,
        "PR.price": 3, "PR.freight": 4, "DL.timeliness": 4, "DL.reliability": 5,
    }  # fmt: skip
    answers = factories.answers_frame(
        [factories.Respondent("r1", "C1", levels)], survey="weighted-4"
    )
    points = scored_answers(survey, answers)
    factors = factor_scores(survey, points).set_index("factor")["points"]
    assert factors["QU"] == pytest.approx(quality)
    score = customer_scores(survey, points)["score"].iloc[0]
    if total is not None:
        assert round(score, 1) == total
