"""Shared fixtures of the scoring tests."""

from __future__ import annotations

import pandas as pd
import pytest

from scoring.frames import scored_answers
from scoring.report import CampaignReport, build_report
from survey.schema import Survey
from tests.scoring import factories


@pytest.fixture
def ecss() -> Survey:
    """SPEC §4's five equally weighted factors, GI the overall impression."""
    return factories.ecss_survey()


@pytest.fixture
def worked() -> pd.DataFrame:
    """SPEC §4's worked example answers."""
    return factories.worked_example()


@pytest.fixture
def worked_points(ecss: Survey, worked: pd.DataFrame) -> pd.DataFrame:
    """The worked example's scored answers."""
    return scored_answers(ecss, worked)


@pytest.fixture
def worked_report(ecss: Survey, worked: pd.DataFrame) -> CampaignReport:
    """The worked example's report, without a previous campaign."""
    return build_report(ecss, worked, factories.worked_invitations(), campaign="2026Q1")
