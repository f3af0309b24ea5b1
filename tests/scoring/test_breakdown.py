"""Index tables by factor, item, customer, business unit, role and customer class."""

from __future__ import annotations

import pandas as pd
import pytest

from scoring.breakdown import DIMENSIONS, INDEX_COLUMNS, index_table, index_tables
from scoring.frames import scored_answers
from survey.schema import Survey
from tests.scoring import factories
from tests.scoring.factories import Respondent


def test_every_dimension_has_the_same_columns(ecss: Survey, worked_points: pd.DataFrame) -> None:
    tables = index_tables(ecss, worked_points)
    assert set(tables) == set(DIMENSIONS)
    for table in tables.values():
        assert tuple(table.columns) == INDEX_COLUMNS


def test_total_row(ecss: Survey, worked_points: pd.DataFrame) -> None:
    total = index_table(ecss, worked_points).iloc[0]
    assert total["group"] == "all"
    assert (total["n_customers"], total["n_respondents"], total["n_answers"]) == (3, 5, 24)
    assert total["mean_score"] == pytest.approx(78.0)
    assert total["weighted_score"] == pytest.approx((2 * 78 + 60 + 96) / 4)
    assert total["kish_n"] == pytest.approx(16 / 6)  # Kish n over customers (weights 2, 1, 1)
    assert total["small_n"]  # 3 customers, under the 10 a row needs for significance
    assert (total["satisfied"], total["loyal"], total["loyalty"]) == (1, 1, 100.0)
    assert total["grade"] == "generally_satisfied"


def test_factor_rows_are_in_survey_order(ecss: Survey, worked_points: pd.DataFrame) -> None:
    factors = index_table(ecss, worked_points, "factor").set_index("group")
    assert list(factors.index) == ["GI", "TS", "QU", "SP", "VA"]
    # GI per customer: 90, 60, 100 → mean 83.3; satisfied (> 80): C1 and C3
    assert factors.loc["GI", "mean_score"] == pytest.approx(250 / 3)
    assert factors.loc["GI", "satisfied"] == 2 and factors.loc["GI", "loyal"] == 1
    assert factors.loc["GI", "loyalty"] == 50.0
    assert factors.loc["SP", "n_respondents"] == 4 and factors.loc["SP", "n_answers"] == 4
    assert factors.loc["QU", "favourable"] == 3


def test_item_rows_with_items() -> None:
    survey = factories.make_survey(
        [{"key": "QU", "items": [("a", 1), ("b", 1)]}, {"key": "SP"}], key="items"
    )
    answers = factories.answers_frame([
        Respondent("r1", "C1", {"QU.a": 5, "QU.b": 1, "SP": 4}),
        Respondent("r2", "C2", {"QU.a": 4, "QU.b": None, "SP": 4}),
    ], survey="items")  # fmt: skip
    points = scored_answers(survey, answers)
    items = index_table(survey, points, "question").set_index("group")
    assert list(items.index) == ["QU.a", "QU.b", "SP"]
    assert items.loc["QU.a", "mean_score"] == 90.0 and items.loc["QU.b", "n_customers"] == 1
    factors = index_table(survey, points, "factor").set_index("group")
    assert factors.loc["QU", "mean_score"] == pytest.approx((60 + 80) / 2)
    assert factors.loc["QU", "n_respondents"] == 2


def test_business_unit_and_class_rows(ecss: Survey, worked_points: pd.DataFrame) -> None:
    units = index_table(ecss, worked_points, "business_unit").set_index("group")
    assert units.loc["BU2", "n_customers"] == 2 and units.loc["BU2", "n_respondents"] == 3
    assert units.loc["BU2", "mean_score"] == pytest.approx(78.0)
    assert units.loc["BU2", "satisfaction_rate"] == 0.5
    assert pd.isna(units.loc["BU1", "loyalty"])  # nobody above 80 in BU1: undefined, not 0
    classes = index_table(ecss, worked_points, "customer_class")
    assert list(classes["group"]) == ["KA", "B"]


def test_role_rows_score_each_role_on_its_own(ecss: Survey, worked_points: pd.DataFrame) -> None:
    roles = index_table(ecss, worked_points, "role").set_index("group")
    # purchasing: r2 at C1 (70) and r5 at C3 (96)
    assert roles.loc["purchasing", "mean_score"] == pytest.approx(83.0)
    assert roles.loc["purchasing", "n_customers"] == 2
    assert roles.loc["purchasing", "n_respondents"] == 2
    assert roles.loc["purchasing", "n_answers"] == 9


def test_customer_rows(ecss: Survey, worked_points: pd.DataFrame) -> None:
    customers = index_table(ecss, worked_points, "customer_id").set_index("group")
    assert customers["mean_score"].to_dict() == pytest.approx({"C1": 78, "C2": 60, "C3": 96})
    assert customers["n_respondents"].to_dict() == {"C1": 2, "C2": 1, "C3": 2}
    assert customers["mean_score_ci_low"].isna().all()  # one unit: no interval


def test_mean_interval_is_cut_at_the_scale(ecss: Survey, worked_points: pd.DataFrame) -> None:
    total = index_table(ecss, worked_points).iloc[0]
    assert 0 <= total["mean_score_ci_low"] < 78 < total["mean_score_ci_high"] <= 100


def test_unknown_dimension_is_refused(ecss: Survey, worked_points: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="cannot break down by"):
        index_table(ecss, worked_points, "language")


def test_empty_points_list_factors_without_figures(
    ecss: Survey, worked_points: pd.DataFrame
) -> None:
    table = index_table(ecss, worked_points.iloc[:0], "factor")
    assert tuple(table.columns) == INDEX_COLUMNS
    assert table["group"].tolist() == ["GI", "TS", "QU", "SP", "VA"]
    assert table["n_customers"].tolist() == [0] * 5 and table["mean_score"].isna().all()
    assert index_table(ecss, worked_points.iloc[:0], "role").empty


def test_a_factor_nobody_answered_is_listed_empty(ecss: Survey, worked: pd.DataFrame) -> None:
    answers = worked.copy()
    answers.loc[answers["question"] == "SP", ["level", "na"]] = [pd.NA, True]
    factors = index_table(ecss, scored_answers(ecss, answers), "factor").set_index("group")
    assert list(factors.index) == ["GI", "TS", "QU", "SP", "VA"]
    assert factors.loc["SP", "n_answers"] == 0 and pd.isna(factors.loc["SP", "mean_score"])
    assert factors.loc["GI", "mean_score"] == pytest.approx(250 / 3)
