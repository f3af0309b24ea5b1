"""Straight-lining and speeding flags."""

from __future__ import annotations

import pandas as pd

from scoring.frames import scored_answers
from scoring.quality import SPEEDING_COLUMNS, STRAIGHT_COLUMNS, speeding, straight_lining
from survey.schema import Survey
from tests.scoring import factories
from tests.scoring.factories import Respondent


def test_straight_lining_flags_every_level_the_same(ecss: Survey) -> None:
    answers = factories.answers_frame([
        Respondent("r1", "C1", {"GI": 5, "TS": 5, "QU": 5, "SP": 5, "VA": 5}),
        Respondent("r2", "C1", {"GI": 5, "TS": 5, "QU": 4, "SP": 5, "VA": 5}),
        Respondent("r3", "C2", {"GI": 3, "TS": 3, "QU": 3, "SP": None, "VA": 3}),  # only 4
        Respondent("r4", "C2", {"GI": 1, "TS": 1, "QU": 1, "SP": 1, "VA": 1}),
    ])  # fmt: skip
    flags = straight_lining(scored_answers(ecss, answers))
    assert tuple(flags.columns) == STRAIGHT_COLUMNS
    assert flags.to_dict("records") == [
        {"respondent_id": "r1", "customer_id": "C1", "n_answers": 5, "level": 5},
        {"respondent_id": "r4", "customer_id": "C2", "n_answers": 5, "level": 1},
    ]
    assert len(straight_lining(scored_answers(ecss, answers), min_answers=4)) == 3


def test_the_worked_example_has_no_straight_liner(worked_points: pd.DataFrame) -> None:
    assert straight_lining(worked_points).empty


def test_speeding_is_under_half_the_median_time() -> None:
    minutes = {"r1": 10, "r2": 9, "r3": 4.4, "r4": 12, "r5": 2}
    states = {rid: "completed" for rid in minutes} | {"r6": "started"}
    flags = speeding(factories.invitations_frame(states, minutes=minutes))
    assert tuple(flags.columns) == SPEEDING_COLUMNS
    assert list(flags["respondent_id"]) == ["r3", "r5"]  # median 9 min → under 4.5 min
    assert flags["median_seconds"].unique().tolist() == [540.0]
    assert flags["seconds"].tolist() == [264.0, 120.0]


def test_speeding_without_invitations_is_empty() -> None:
    assert speeding(None).empty
    assert tuple(speeding(None).columns) == SPEEDING_COLUMNS
