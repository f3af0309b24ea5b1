"""Validation of the answers/invitations frames and the answers → points step."""

from __future__ import annotations

import pandas as pd
import pytest

from scoring.frames import (
    ANSWER_COLUMNS,
    POINT_COLUMNS,
    customer_attributes,
    nps_answers,
    scored_answers,
    validate_answers,
    validate_invitations,
)
from survey.schema import Survey
from tests.scoring import factories
from tests.scoring.factories import Respondent


def test_factories_build_the_export_columns(worked: pd.DataFrame) -> None:
    assert tuple(worked.columns) == ANSWER_COLUMNS


def test_scored_answers_keep_likert_answers_with_points(
    ecss: Survey, worked_points: pd.DataFrame
) -> None:
    assert tuple(worked_points.columns) == POINT_COLUMNS
    assert len(worked_points) == 24  # 25 answers, one "unable to comment"
    r1 = worked_points[worked_points["respondent_id"] == "r1"]
    assert list(r1["points"]) == [100.0, 80.0, 100.0, 80.0, 60.0]
    assert list(r1["question"].astype(str)) == ["GI", "TS", "QU", "SP", "VA"]
    assert list(worked_points["question"].cat.categories) == ["GI", "TS", "QU", "SP", "VA"]


def test_pomp_points_are_level_minus_one_times_25() -> None:
    survey = factories.ecss_survey(points="pomp")
    points = scored_answers(survey, factories.worked_example())
    assert sorted(set(zip(points["level"], points["points"], strict=True))) == [
        (2, 25.0),
        (3, 50.0),
        (4, 75.0),
        (5, 100.0),
    ]


def test_a_custom_point_map_is_used() -> None:
    survey = factories.ecss_survey(points={1: 0, 2: 10, 3: 50, 4: 90, 5: 100})
    points = scored_answers(survey, factories.worked_example())
    assert points.loc[points["level"] == 4, "points"].unique().tolist() == [90.0]


def test_nps_comments_and_followups_never_count(ecss: Survey) -> None:
    extra = [
        {
            "question": "QU",
            "factor": "QU",
            "item": None,
            "kind": "followup",
            "level": None,
            "na": False,
            "text": "late",
            "answered_at": factories.START,
        },
        {
            "question": "comment",
            "factor": None,
            "item": None,
            "kind": "comment",
            "level": None,
            "na": False,
            "text": "ok",
            "answered_at": factories.START,
        },
    ]
    answers = factories.answers_frame(
        [Respondent("r1", "C1", {"GI": 5, "QU": 2}, nps=9, extra=extra)]
    )
    points = scored_answers(ecss, answers)
    assert list(points["question"].astype(str)) == ["GI", "QU"]
    nps = nps_answers(answers)
    assert list(nps["level"]) == [9] and list(nps["role"]) == ["quality"]


def test_factor_comes_from_the_survey_not_the_frame(ecss: Survey, worked: pd.DataFrame) -> None:
    tampered = worked.assign(factor="GI")
    points = scored_answers(ecss, tampered)
    assert points["factor"].astype(str).tolist()[:5] == ["GI", "TS", "QU", "SP", "VA"]


def test_customer_attributes_take_the_first_row(ecss: Survey, worked: pd.DataFrame) -> None:
    inconsistent = worked.copy()
    inconsistent.loc[inconsistent["respondent_id"] == "r2", "business_unit"] = "BU9"
    customers = customer_attributes(scored_answers(ecss, inconsistent))
    assert customers.set_index("customer_id")["business_unit"].astype(str).to_dict() == {
        "C1": "BU1",
        "C2": "BU2",
        "C3": "BU2",
    }


def test_missing_role_and_business_unit_become_unknown(ecss: Survey, worked: pd.DataFrame) -> None:
    answers = worked.assign(role=None, business_unit=None)
    points = scored_answers(ecss, answers)
    assert set(points["role"].astype(str)) == {"unknown"}
    assert set(points["business_unit"].astype(str)) == {"unknown"}


def test_levels_may_come_as_floats_or_objects(ecss: Survey, worked: pd.DataFrame) -> None:
    as_float = worked.assign(level=worked["level"].astype("float64"))
    as_object = worked.assign(level=worked["level"].astype(object))
    expected = scored_answers(ecss, worked)["points"].tolist()
    assert scored_answers(ecss, as_float)["points"].tolist() == expected
    assert scored_answers(ecss, as_object)["points"].tolist() == expected


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns=["customer_weight", "role"]),
         r"lacks column\(s\) \['customer_weight', 'role'\]"),
        (lambda f: f.assign(kind="rating"), r"unknown kind value\(s\) \['rating'\]"),
        (lambda f: f.assign(survey="other"), r"unknown survey value\(s\) \['other'\]"),
        (lambda f: f.assign(customer_class="D"), r"unknown customer_class value\(s\) \['D'\]"),
        (lambda f: f.assign(customer_weight=0.0), "customer_weight must be a positive number"),
        (lambda f: f.assign(customer_weight="heavy"), "customer_weight must be a positive number"),
        (lambda f: f.assign(level=pd.array([7] * len(f), dtype="Int64")),
         r"likert answer\(s\) with a level outside 1\.\.5"),
        (lambda f: f.assign(level=pd.array([None] * len(f), dtype="Int64"), na=False),
         r"likert answer\(s\) with a level outside 1\.\.5 and not 'unable to comment'"),
        (lambda f: f.assign(question="XX"), r"question\(s\) \['XX'\] are not factor/item"),
        (lambda f: f.assign(respondent_id=None), "respondent_id is missing"),
        (lambda f: pd.concat([f, f.iloc[:1]]), "answered the same question more than once"),
    ],
)  # fmt: skip
def test_bad_answers_raise_clear_errors(
    ecss: Survey, worked: pd.DataFrame, change: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        scored_answers(ecss, change(worked))  # type: ignore[operator]


def test_nps_levels_are_checked(ecss: Survey) -> None:
    answers = factories.answers_frame([Respondent("r1", "C1", {"GI": 5}, nps=10)])
    answers.loc[answers["kind"] == "nps", "level"] = 11
    with pytest.raises(ValueError, match=r"nps answer\(s\) with a level outside 0\.\.10"):
        validate_answers(ecss, answers)


def test_unable_to_comment_rows_need_no_level(ecss: Survey, worked: pd.DataFrame) -> None:
    answers = worked.copy()
    answers["level"] = answers["level"].astype("Int64")
    answers.loc[answers["question"] == "VA", ["level", "na"]] = [pd.NA, True]
    points = scored_answers(ecss, answers)
    assert "VA" not in set(points["question"].astype(str))


def test_invitations_are_validated() -> None:
    good = factories.worked_invitations()
    validate_invitations(good)
    with pytest.raises(ValueError, match=r"unknown state value\(s\) \['opened'\]"):
        validate_invitations(good.assign(state="opened"))
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['started_at'\]"):
        validate_invitations(good.drop(columns="started_at"))


def test_an_empty_frame_scores_nothing(ecss: Survey, worked: pd.DataFrame) -> None:
    points = scored_answers(ecss, worked.iloc[:0])
    assert points.empty and tuple(points.columns) == POINT_COLUMNS
