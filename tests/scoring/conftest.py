"""Shared fixtures of the scoring tests."""

from __future__ import annotations

import sys
from pathlib import Path

# The repository root must be importable (``scoring``, ``survey``, ``tests.scoring.factories``)
# however pytest is started; pyproject's pytest settings may later make this redundant.
ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from scoring.frames import scored_answers  # noqa: E402
from scoring.report import CampaignReport, build_report  # noqa: E402
from survey.schema import Survey  # noqa: E402
from tests.scoring import factories  # noqa: E402


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
