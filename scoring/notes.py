"""Plain statements a report must make about itself: representativeness, small samples, gaps."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scoring.report import CampaignReport

SMALL_SAMPLE = 30  # below this many customers a rate is stated as an interval first


def percent(value: float | None, digits: int = 1) -> str:
    """A fraction as "83.3 %" ("n/a" when undefined)."""
    return "n/a" if value is None else f"{100 * value:.{digits}f} %"


def report_notes(report: CampaignReport, *, has_overall: bool) -> tuple[str, ...]:
    """The notes printed under a report, most important first."""
    notes: list[str] = []
    response = report.response
    if response.representative is False:
        notes.append(
            f"Not representative: response rate {percent(response.rate.value)} "
            f"({response.completed} of {response.invited} invited) is below the target "
            f"{percent(response.target, 0)}."
        )
    elif response.representative is None:
        notes.append("Response rate unknown: no invitations were given to the report.")
    summary = report.summary
    if summary.n_customers == 0:
        notes.append("No customer has a score: every answer is 'unable to comment' or missing.")
    elif summary.n_customers < SMALL_SAMPLE:
        notes.append(
            f"Small sample: only {summary.n_customers} customer(s) have a score; read each rate "
            "by its 95 % interval, not by its point value."
        )
    if summary.n_customers and summary.loyalty.value is None:
        notes.append("Loyalty is undefined: no customer scored above 80.")
    if summary.n_customers_unscored:
        notes.append(
            f"{summary.n_customers_unscored} customer(s) answered only 'unable to comment' and "
            "have no score; they are not counted as surveyed."
        )
    if response.partial:
        notes.append(
            f"{response.partial} partial response(s) (started, not completed) count in the "
            "scores but not in the response rate."
        )
    if report.previous_campaign is None:
        notes.append("No previous campaign: trends compare with the targets only.")
    if not has_overall:
        notes.append("No overall-impression question: key-driver analysis was skipped.")
    flagged = len(report.straight_lining), len(report.speeding)
    if any(flagged):
        notes.append(
            f"Data quality: {flagged[0]} respondent(s) straight-lined and {flagged[1]} sped "
            "through; they are flagged, not removed from any figure."
        )
    return tuple(notes)
