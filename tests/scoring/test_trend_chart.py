"""The trend chart PNG."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scoring.campaign import CampaignData
from scoring.chart import write_trend_chart
from scoring.report import CampaignReport, build_report
from survey.schema import Survey
from tests.scoring import factories

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_chart_is_a_png(worked_report: CampaignReport, tmp_path: Path) -> None:
    path = write_trend_chart(worked_report, tmp_path / "trend.png")
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 10_000


def test_chart_with_a_previous_campaign(ecss: Survey, worked: pd.DataFrame, tmp_path: Path) -> None:
    report = build_report(
        ecss,
        worked,
        None,
        campaign="2026Q1",
        previous=CampaignData("2025Q4", factories.worked_example("2025Q4")),
    )
    assert write_trend_chart(report, tmp_path / "t.png").read_bytes().startswith(PNG_MAGIC)


def test_chart_of_an_empty_campaign(ecss: Survey, worked: pd.DataFrame, tmp_path: Path) -> None:
    nothing = worked.assign(level=pd.array([None] * len(worked), dtype="Int64"), na=True)
    report = build_report(ecss, nothing, None, campaign="2026Q1")
    assert write_trend_chart(report, tmp_path / "e.png").read_bytes().startswith(PNG_MAGIC)
