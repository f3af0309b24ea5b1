"""What is exported: tidy tables of a campaign's answers, scores and tickets, and the rows of
the workbook's summary sheet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

from campaigns.exports.labels import DEFAULT_LANGUAGE, GRADE_WORDS, word, yes_no
from scoring import CampaignReport, Mean, Rate
from storage.exports import TICKET_COLUMNS

#: ``?by=`` of the scores export → the report's table.
SCORE_TABLES: Final = {
    "factor": "factors",
    "customer": "customers",
    "business_unit": "business_units",
    "role": "roles",
}
SUMMARY_COLUMNS: Final = (
    "item", "text", "count", "score", "score_ci_low", "score_ci_high", "score_target", "rate",
    "rate_ci_low", "rate_ci_high", "rate_target", "nps", "nps_ci_low", "nps_ci_high",
    "coefficient", "n",
)  # fmt: skip
_COUNTS: Final = ("count", "n")
#: The tickets export's columns: the stored ones with the question split in factor and item.
TICKET_EXPORT_COLUMNS: Final = (*TICKET_COLUMNS[:8], "factor", "item", *TICKET_COLUMNS[8:])


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
    return Table("tickets", frame[list(TICKET_EXPORT_COLUMNS)])


def summary_table(report: CampaignReport, lang: str = DEFAULT_LANGUAGE) -> Table:
    """The workbook's summary sheet: campaign facts, counts, then each index with its interval
    and target, one unit per column (``SUMMARY_COLUMNS``); rates as fractions 0–1."""
    summary, targets, response = report.summary, report.targets, report.response
    nps = summary.nps
    rows: list[dict[str, Any]] = [
        {"item": "campaign", "text": report.campaign},
        {"item": "previous campaign", "text": report.previous_campaign},
        {"item": "survey", "text": f"{report.survey} v{report.survey_version}"},
        {"item": "point scale", "text": report.point_scale},
        {"item": "points per level",
         "text": ", ".join(f"{k}: {v:g}" for k, v in sorted(report.points.items()))},
        {"item": "invited", "count": response.invited},
        {"item": "completed", "count": response.completed},
        {"item": "partial", "count": response.partial},
        {"item": "representative", "text": yes_no(report.representative, lang)},
        {"item": "customers", "count": summary.n_customers},
        {"item": "respondents", "count": summary.n_respondents},
        {"item": "answers", "count": summary.n_answers},
        {"item": "unable to comment", "count": summary.n_unable_to_comment},
        {"item": "grade", "text": word(GRADE_WORDS, summary.grade, lang)},
        _mean("mean score", summary.mean_score, targets.score),
        _rate("response rate", response.rate, targets.response_rate),
        _rate("satisfaction rate", summary.satisfaction_rate, targets.satisfaction_rate),
        _rate("loyalty", summary.loyalty, targets.loyalty),
        _rate("favourable rate", summary.favourable_rate, None),
        _rate("favourable rate, weighted", summary.favourable_weighted, None),
        _rate("top-3-box rate", summary.top3_rate, None),
        _rate("top-3-box rate, weighted", summary.top3_weighted, None),
        {"item": "NPS", "nps": nps.value, "nps_ci_low": nps.ci_low, "nps_ci_high": nps.ci_high,
         "n": nps.n},
        {"item": "Cronbach's alpha", "coefficient": summary.cronbach_alpha},
        {"item": "tickets", "count": summary.tickets},
        {"item": "opinion tickets", "count": summary.opinion_tickets},
        {"item": "internal memos", "count": summary.internal_memos},
        *({"item": "note", "text": note} for note in report.notes),
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    for name in SUMMARY_COLUMNS[2:]:  # typed columns, so each gets its unit's format
        frame[name] = frame[name].astype("Int64" if name in _COUNTS else float)
    return Table("summary", frame)


def _mean(name: str, mean: Mean, target: float) -> dict[str, Any]:
    return {"item": name, "score": mean.value, "score_ci_low": mean.ci_low,
            "score_ci_high": mean.ci_high, "n": mean.n, "score_target": target}  # fmt: skip


def _rate(name: str, rate: Rate, target: float | None) -> dict[str, Any]:
    """A rate as a fraction: the report keeps some (loyalty) in percent points (``scale``)."""

    def fraction(x: float | None) -> float | None:
        return None if x is None else x / rate.scale

    return {"item": name, "rate": fraction(rate.value), "rate_ci_low": fraction(rate.ci_low),
            "rate_ci_high": fraction(rate.ci_high), "n": round(rate.n),
            "rate_target": fraction(target)}  # fmt: skip


def workbook_tables(
    report: CampaignReport,
    answers: pd.DataFrame,
    tickets: pd.DataFrame,
    lang: str = DEFAULT_LANGUAGE,
) -> list[Table]:
    """The sheets of the full workbook, in reading order (the trend chart goes on its own)."""
    return [
        summary_table(report, lang),
        *(scores_table(report, by) for by in SCORE_TABLES),
        tickets_table(tickets),
        answers_table(answers),
    ]
