"""The report's typed schema (admin/schemas/reports.py) carries the report as scoring/ builds
it: nothing dropped, including fields scoring adds after the schema was written."""

from __future__ import annotations

import pandas as pd

from admin.schemas.reports import ReportPublic
from scoring import build_report
from storage.frames import ANSWER_COLUMNS
from survey.loader import load_template


def test_the_schema_passes_the_report_through_unchanged_with_fields_it_does_not_know() -> None:
    report = build_report(
        load_template("ecss-5"), pd.DataFrame(columns=ANSWER_COLUMNS), None, campaign="2026-Q4"
    ).to_dict()
    assert ReportPublic.model_validate(report).model_dump(mode="json") == report
    report["summary"]["mean_score"]["design_effect"] = 1.4  # as scoring may add later
    report["methods"] = {"satisfaction_rate": "wilson"}
    typed = ReportPublic.model_validate(report).model_dump(mode="json")
    assert typed["summary"]["mean_score"]["design_effect"] == 1.4
    assert typed["methods"] == {"satisfaction_rate": "wilson"}
