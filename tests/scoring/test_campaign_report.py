"""The campaign report: its JSON form and the edge cases the issue names."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from scoring.campaign import CampaignData
from scoring.render import render_tables
from scoring.report import CampaignReport, build_report, write_report_json
from survey.schema import Survey
from tests.scoring import factories
from tests.scoring.factories import Respondent

REPORT_FIELDS = [
    "campaign", "previous_campaign", "survey", "survey_version", "point_scale", "points",
    "grade_bands", "targets", "summary", "response", "factors", "items", "business_units",
    "roles", "customer_classes", "customers", "nps", "trends", "lowest_items",
    "largest_rises", "largest_falls", "drivers", "tickets", "straight_lining", "speeding",
    "methods", "notes", "representative", "has_answers", "satisfaction_rule",
]  # fmt: skip
SUMMARY_FIELDS = [
    "n_customers", "n_respondents", "n_answers", "n_unable_to_comment", "n_customers_unscored",
    "mean_score", "grade", "satisfaction_rate", "loyalty", "favourable_rate",
    "favourable_weighted", "top3_rate", "top3_weighted", "nps", "cronbach_alpha",
    "reliability", "drivers_r_squared", "drivers_n", "tickets", "opinion_tickets", "internal_memos",
]  # fmt: skip


def all_unable(answers: pd.DataFrame, questions: set[str] | None = None) -> pd.DataFrame:
    """The answers with every (or some) Likert answer turned into "unable to comment"."""
    out = answers.copy()
    rows = out["kind"] == "likert"
    if questions is not None:
        rows &= out["question"].isin(questions)
    out.loc[rows, ["level", "na"]] = [pd.NA, True]
    return out


def test_to_dict_has_stable_names_and_is_strict_json(worked_report: CampaignReport) -> None:
    data = worked_report.to_dict()
    assert list(data) == REPORT_FIELDS
    assert list(data["summary"]) == SUMMARY_FIELDS
    assert list(data["summary"]["satisfaction_rate"]) == [
        "count",
        "n",
        "value",
        "ci_low",
        "ci_high",
        "n_eff",
        "scale",
        "n_customers",
        "deff",
        "kish_n",
        "method",
    ]
    assert data["summary"]["satisfaction_rate"]["method"] == "wilson"
    assert data["summary"]["favourable_rate"]["method"] == "design_wilson"
    methods = data["methods"]
    assert methods["confidence"] == 0.95 and methods["small_cell"] == 10
    assert methods["weights_by_class"] == {"KA": [2.0], "B": [1.0]}
    assert "Benjamini–Hochberg" in methods["multiplicity"]
    assert "averaged item by item first, then weighted" in methods["factor_score_rule"]
    assert methods["intervals"]["favourable_rate"] == "design_wilson"
    assert json.loads(worked_report.to_json()) == data  # allow_nan=False: no NaN anywhere
    assert data["points"] == {"1": 20.0, "2": 40.0, "3": 60.0, "4": 80.0, "5": 100.0}
    assert data["summary"]["nps"]["value"] is None
    customers = {c["customer_id"]: c for c in data["customers"]}
    assert customers["C1"]["score"] == pytest.approx(78.0)
    assert customers["C1"]["favourable_rate"] == pytest.approx(7 / 9)
    assert data["factors"][0]["group"] == "GI"
    assert data["representative"] is True


def test_write_report_json(worked_report: CampaignReport, tmp_path: Path) -> None:
    path = write_report_json(worked_report, tmp_path / "report.json")
    assert json.loads(path.read_text(encoding="utf-8"))["summary"]["n_customers"] == 3


def test_all_unable_to_comment(ecss: Survey, worked: pd.DataFrame) -> None:
    report = build_report(ecss, all_unable(worked), None, campaign="2026Q1")
    s = report.summary
    assert (s.n_customers, s.n_answers, s.n_unable_to_comment, s.n_customers_unscored) == (
        0,
        0,
        25,
        3,
    )
    assert s.mean_score.value is None and s.satisfaction_rate.value is None
    assert s.loyalty.value is None and s.favourable_weighted.value is None
    assert report.factors["n_customers"].tolist() == [0] * 5
    assert report.customers.empty and report.drivers.empty and s.tickets == 0
    assert any("No customer has a score" in note for note in report.notes)
    json.loads(report.to_json())
    assert "n/a" in render_tables(report)


def test_one_respondent(ecss: Survey) -> None:
    answers = factories.answers_frame(
        [Respondent("r1", "C1", {"GI": 5, "TS": 4, "QU": 5, "SP": 4, "VA": 5}, nps=10)]
    )
    report = build_report(ecss, answers, None, campaign="2026Q1")
    s = report.summary
    assert s.mean_score.value == 92.0 and s.mean_score.ci_low is None
    assert (s.satisfaction_rate.value, s.loyalty.value) == (1.0, 100.0)
    assert s.satisfaction_rate.ci_low == pytest.approx(0.2065, abs=1e-4)  # not a bare 100 %
    assert s.nps.value == 100.0 and s.nps.n == 1
    assert s.cronbach_alpha is None
    text = render_tables(report)
    flat = " ".join(text.split())
    assert "Satisfaction rate (> 80) 100.0 % 20.7–100.0 % (Wilson) 1 customer " in flat


def test_a_factor_nobody_answered(ecss: Survey, worked: pd.DataFrame) -> None:
    report = build_report(ecss, all_unable(worked, {"VA"}), None, campaign="2026Q1")
    factors = report.factors.set_index("group")
    assert factors.loc["VA", "n_answers"] == 0 and pd.isna(factors.loc["VA", "mean_score"])
    scores = report.customers.set_index("customer_id")["score"]
    assert scores["C1"] == pytest.approx((90 + 80 + 70 + 80) / 4)
    trend = report.trends.set_index(["scope", "key", "metric"])
    assert pd.isna(trend.loc[("factor", "VA", "mean_score"), "current"])
    assert report.to_dict()["factors"][4]["mean_score"] is None


def test_no_customer_above_80(ecss: Survey, worked: pd.DataFrame) -> None:
    answers = worked[worked["customer_id"] != "C3"]
    report = build_report(ecss, answers, None, campaign="2026Q1")
    assert report.summary.satisfaction_rate.value == 0.0
    assert report.summary.loyalty.value is None
    assert report.to_dict()["summary"]["loyalty"]["value"] is None
    assert any("Loyalty is undefined" in note for note in report.notes)


def test_no_previous_campaign(worked_report: CampaignReport) -> None:
    assert worked_report.previous_campaign is None
    assert worked_report.trends["previous"].isna().all()
    assert worked_report.largest_rises.empty and worked_report.largest_falls.empty
    assert any("No previous campaign" in note for note in worked_report.notes)


def test_with_a_previous_campaign_in_the_same_export(ecss: Survey, worked: pd.DataFrame) -> None:
    before = factories.worked_example("2025Q4")
    before.loc[before["question"] == "GI", "level"] = 3
    export = pd.concat([before, worked], ignore_index=True)
    report = build_report(
        ecss, export, None, campaign="2026Q1", previous=CampaignData("2025Q4", export)
    )
    assert report.previous_campaign == "2025Q4"
    assert report.summary.n_answers == 24  # the other campaign's rows are left out
    assert report.largest_rises["item"].tolist() == ["GI"]
    with pytest.raises(ValueError, match="previous campaign cannot be"):
        build_report(ecss, export, None, campaign="2026Q1", previous=CampaignData("2026Q1", export))


def test_not_representative_is_stated(ecss: Survey, worked: pd.DataFrame) -> None:
    states = {"r1": "completed", "r2": "completed", "r3": "started", "r4": "sent", "r5": "expired"}
    report = build_report(ecss, worked, factories.invitations_frame(states), campaign="2026Q1")
    assert report.representative is False
    assert report.notes[0].startswith("Not representative: a 40.0 % response rate (2 of 5")
    assert "NOT REPRESENTATIVE" in render_tables(report)
    assert any("1 partial response (started" in note for note in report.notes)


def test_drivers_and_alpha_are_reported(ecss: Survey) -> None:
    patterns = [(5, 5, 4, 5, 4), (4, 4, 4, 3, 4), (3, 3, 2, 3, 3), (2, 2, 3, 2, 1),
                (5, 4, 5, 5, 5), (1, 2, 1, 1, 2), (4, 5, 4, 4, 3), (3, 2, 3, 4, 3)]  # fmt: skip
    answers = factories.answers_frame([
        Respondent(f"r{i}", f"C{i % 12}",
                   dict(zip(factories.ECSS_FACTORS, patterns[i % 8], strict=True)))
        for i in range(32)
    ])  # fmt: skip
    report = build_report(ecss, answers, None, campaign="2026Q1")
    reliability = report.summary.reliability
    # GI is the overall (outcome) question: alpha is of the four others, over 32 respondents
    assert (reliability.excluded, reliability.k, reliability.n) == ("GI", 4, 32)
    assert reliability.ci_low < reliability.alpha < reliability.ci_high  # type: ignore[operator]
    assert report.drivers["importance_ci_low"].notna().all()
    assert report.drivers["factor"].tolist() == ["TS", "QU", "SP", "VA"]
    assert report.drivers["relative_importance"].sum() == pytest.approx(1.0)
    assert report.summary.drivers_r_squared is not None
    assert 0 < report.summary.drivers_r_squared <= 1
    assert report.summary.cronbach_alpha is not None and report.summary.cronbach_alpha > 0.8
