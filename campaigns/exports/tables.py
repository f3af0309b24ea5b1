"""What is exported: tidy tables of a campaign's answers, scores and tickets, and the rows of
the workbook's summary sheet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

from scoring import CampaignReport, Mean, Rate
from storage.exports import TICKET_COLUMNS

#: ``?by=`` of the scores export → the report's table.
SCORE_TABLES: Final = {
    "factor": "factors",
    "customer": "customers",
    "business_unit": "business_units",
    "role": "roles",
}
SUMMARY_COLUMNS: Final = ("item", "value", "ci_low", "ci_high", "n", "target")
_TICKET_ORDER: Final = (*TICKET_COLUMNS[:8], "factor", "item", *TICKET_COLUMNS[8:])


@dataclass(frozen=True)
class Table:
    """One exported table: its sheet name and a tidy frame, one row per exported row."""

    name: str
    frame: pd.DataFrame


def answers_table(answers: pd.DataFrame) -> Table:
    """The answers export: SPEC §7's columns, in its order (``storage.frames.answers_frame``)."""
    return Table("answers", answers)


def scores_table(report: CampaignReport, by: str) -> Table:
    """Scores per factor, customer, business unit or role, the campaign's key in front."""
    if by not in SCORE_TABLES:
        raise ValueError(f"cannot export scores by {by!r}; use one of {', '.join(SCORE_TABLES)}")
    frame: pd.DataFrame = getattr(report, SCORE_TABLES[by])
    # The index tables call their grouping column "group"; name it for what it holds.
    frame = frame.rename(columns={"group": by})
    frame.insert(0, "campaign", report.campaign)
    return Table(SCORE_TABLES[by].replace("_", " "), frame)


def tickets_table(tickets: pd.DataFrame) -> Table:
    """The tickets export: one row per ticket, its question split into factor and item."""
    frame = tickets.copy()
    parts = frame["question"].astype(str).str.split(".", n=1)
    frame["factor"] = parts.str[0]
    frame["item"] = parts.str[1]
    # One cell per value everywhere, so CSV, XLSX and JSON carry the same rows.
    frame["causes"] = [("; ".join(map(str, c)) if c else None) for c in frame["causes"]]
    return Table("tickets", frame[list(_TICKET_ORDER)])


def summary_table(report: CampaignReport) -> Table:
    """The workbook's summary sheet: campaign facts, then each index with its interval."""
    summary, targets, response = report.summary, report.targets, report.response
    rows: list[tuple[Any, ...]] = [
        ("campaign", report.campaign),
        ("previous campaign", report.previous_campaign),
        ("survey", f"{report.survey} v{report.survey_version}"),
        ("point scale", report.point_scale),
        ("points per level", ", ".join(f"{k}: {v:g}" for k, v in sorted(report.points.items()))),
        ("invited", response.invited),
        ("completed", response.completed),
        ("partial", response.partial),
        ("representative", report.representative),
        ("customers", summary.n_customers),
        ("respondents", summary.n_respondents),
        ("answers", summary.n_answers),
        ("unable to comment", summary.n_unable_to_comment),
        ("grade", summary.grade),
        _mean("mean score", summary.mean_score, targets.score),
        _rate("response rate", response.rate, targets.response_rate),
        _rate("satisfaction rate", summary.satisfaction_rate, targets.satisfaction_rate),
        _rate("loyalty", summary.loyalty, targets.loyalty),
        _rate("favourable rate", summary.favourable_rate, None),
        _rate("favourable rate, weighted", summary.favourable_weighted, None),
        _rate("top-3-box rate", summary.top3_rate, None),
        _rate("top-3-box rate, weighted", summary.top3_weighted, None),
        ("NPS", summary.nps.value, summary.nps.ci_low, summary.nps.ci_high, summary.nps.n),
        ("Cronbach's alpha", summary.cronbach_alpha),
        ("tickets", summary.tickets),
        ("opinion tickets", summary.opinion_tickets),
        ("internal memos", summary.internal_memos),
        *(("note", note) for note in report.notes),
    ]
    padded = [row + (None,) * (len(SUMMARY_COLUMNS) - len(row)) for row in rows]
    return Table("summary", pd.DataFrame(padded, columns=list(SUMMARY_COLUMNS), dtype=object))


def _mean(name: str, mean: Mean, target: float) -> tuple[Any, ...]:
    return (name, mean.value, mean.ci_low, mean.ci_high, mean.n, target)


def _rate(name: str, rate: Rate, target: float | None) -> tuple[Any, ...]:
    return (name, rate.value, rate.ci_low, rate.ci_high, rate.n_eff or rate.n, target)


def workbook_tables(
    report: CampaignReport, answers: pd.DataFrame, tickets: pd.DataFrame
) -> list[Table]:
    """The sheets of the full workbook, in reading order (the trend chart goes on its own)."""
    return [
        summary_table(report),
        *(scores_table(report, by) for by in SCORE_TABLES),
        tickets_table(tickets),
        answers_table(answers),
    ]
