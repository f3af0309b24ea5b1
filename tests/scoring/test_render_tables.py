"""Plain-text tables of a report."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.campaign import CampaignData
from scoring.estimates import Mean, Nps, Rate
from scoring.formatting import mean_text, nps_text, rate_text, table
from scoring.render import render_tables
from scoring.report import CampaignReport, build_report
from survey.schema import Survey
from tests.scoring import factories


def test_rates_are_shown_with_n_interval_and_method() -> None:
    assert rate_text(Rate.of(2, 2)) == "100.0 % (n=2, 95 % CI 34.2–100.0 %, Wilson)"
    assert rate_text(Rate.of(1, 3)) == "33.3 % (n=3, 95 % CI 6.1–79.2 %, Wilson)"
    assert rate_text(Rate.of(1, 1, scale=100)) == "100.0 (n=1, 95 % CI 20.7–100.0, Wilson)"
    assert rate_text(Rate.of(0, 0)) == "n/a (n=0)"
    weighted = Rate.clustered(
        0.6888889, 18, 24, n_customers=3, ci=(0.123, 0.972), deff=3.857, n_eff=6.22, kish_n=2.667
    )
    assert rate_text(weighted) == (
        "68.9 % (n=24 answers of 3 customers, Kish n=2.7, deff=3.86, n_eff=6.2, "
        "95 % CI 12.3–97.2 %, clustered Wilson)"
    )


def test_means_and_nps_text() -> None:
    assert mean_text(Mean.of([78.0, 60.0, 96.0])) == "78.0 (n=3, 95 % CI 33.3–100.0, t)"
    weighted = mean_text(Mean.of(np.array([78.0, 60.0, 96.0]), np.array([2.0, 1.0, 1.0])))
    assert weighted.startswith("78.0 (n=3, 95 % CI 33.3–100.0, t); weighted 78.0 (Kish n=2.7, ")
    assert weighted.endswith(", clustered t)")
    assert mean_text(Mean.of(np.array([]))) == "n/a (n=0)"
    assert nps_text(Nps.of(90, 30, 200)) == "+30.0 (n=200, 95 % CI 20.1–39.9, normal)"


def test_table_aligns_numbers_right() -> None:
    text = table(["name", "score"], [["GI", "83.3"], ["Team", "7.0"]])
    assert text.splitlines() == ["name  score", "----  -----", "GI     83.3", "Team    7.0"]


def test_report_text_names_the_scale_and_the_figures(worked_report: CampaignReport) -> None:
    text = render_tables(worked_report)
    assert "Point scale: default (1=20, 2=40, 3=60, 4=80, 5=100)" in text
    summary = {line.split("  ")[0]: " ".join(line.split()) for line in text.splitlines()}
    assert "33.3 % 6.1–79.2 % (Wilson) 3 customers" in summary["Satisfaction rate (> 80)"]
    weighted = summary["Favourable rate, weighted"]
    assert "68.9 % 12.3–97.2 % (clustered Wilson) 24 answers, 3 customers" in weighted
    assert "deff 3.86, n_eff 6.2, Kish n 2.7" in weighted
    assert "75.0 % 12.5–98.4 % (clustered Wilson)" in summary["Favourable rate, pooled"]
    assert "\nMethods (95 % confidence)\n- Customers are the sampling unit" in text
    assert "Weights by class: KA 2; B 1." in text
    assert "averaged item by item first, then weighted" in text
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
        "Methods (95 % confidence)",
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
    assert "60.0" in gi and "+23.3 (−28.4 to +75.0)" in gi and "withheld (n<10)" in gi
    assert "* fewer than 10 customers" in text
