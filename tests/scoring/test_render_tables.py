"""Plain-text tables of a report."""

from __future__ import annotations

import pandas as pd

from scoring.campaign import CampaignData
from scoring.estimates import Mean, Nps, Rate
from scoring.formatting import mean_text, nps_text, rate_text, table
from scoring.render import render_tables
from scoring.report import CampaignReport, build_report
from survey.schema import Survey
from tests.scoring import factories


def test_rates_are_shown_with_n_and_interval() -> None:
    assert rate_text(Rate.of(2, 2)) == "100.0 % (n=2, 95 % CI 34.2–100.0 %)"
    assert rate_text(Rate.of(1, 3)) == "33.3 % (n=3, 95 % CI 6.1–79.2 %)"
    assert rate_text(Rate.of(1, 1, scale=100)) == "100.0 (n=1, 95 % CI 20.7–100.0)"
    assert rate_text(Rate.of(0, 0)) == "n/a (n=0)"
    weighted = Rate.weighted(0.6888889, 18, 24, 21.4925)
    assert rate_text(weighted) == "68.9 % (n=24, n_eff=21.5, 95 % CI 47.8–84.3 %)"


def test_means_and_nps_text() -> None:
    assert mean_text(Mean.of([78.0, 60.0, 96.0])).startswith("78.0 (n=3, 95 % CI 33.3–100.0)")
    assert mean_text(Mean.of([])) == "n/a (n=0)"
    assert nps_text(Nps.of(90, 30, 200)) == "+30.0 (n=200, 95 % CI 20.1–39.9)"


def test_table_aligns_numbers_right() -> None:
    text = table(["name", "score"], [["GI", "83.3"], ["Team", "7.0"]])
    assert text.splitlines() == ["name  score", "----  -----", "GI     83.3", "Team    7.0"]


def test_report_text_names_the_scale_and_the_figures(worked_report: CampaignReport) -> None:
    text = render_tables(worked_report)
    assert "Point scale: default (1=20, 2=40, 3=60, 4=80, 5=100)" in text
    assert "33.3 % (n=3, 95 % CI 6.1–79.2 %)" in text
    assert "68.9 % (n=24, n_eff=21.5, 95 % CI 47.8–84.3 %)" in text
    assert "75.0 % (n=24, 95 % CI 55.1–88.0 %)" in text
    assert "2 tickets: 1 opinion ticket (top 20 % by severity), 1 internal memo" in text
    assert "NOT REPRESENTATIVE" not in text
    assert "Small sample" in text
    for heading in (
        "Summary",
        "By factor",
        "By business unit",
        "By role",
        "By customer class",
        "Lowest items",
        "Largest rises",
        "Key drivers",
        "Customers",
        "Notes",
    ):
        assert f"\n{heading}" in text or text.startswith(heading)


def test_pomp_scale_is_named(worked: pd.DataFrame) -> None:
    survey = factories.ecss_survey(points="pomp")
    text = render_tables(build_report(survey, worked, None, campaign="2026Q1"))
    assert "Point scale: pomp (1=0, 2=25, 3=50, 4=75, 5=100)" in text
    assert "Response rate unknown" in text


def test_trend_columns_are_filled_with_a_previous_campaign(
    ecss: Survey, worked: pd.DataFrame
) -> None:
    before = factories.worked_example("2025Q4")
    before.loc[before["question"] == "GI", "level"] = 3
    report = build_report(
        ecss, worked, None, campaign="2026Q1", previous=CampaignData("2025Q4", before)
    )
    text = render_tables(report)
    assert "previous campaign: 2025Q4" in text
    gi = next(line for line in text.splitlines() if line.startswith("GI ") and "+23.3" in line)
    assert "60.0" in gi
