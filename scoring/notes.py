"""Plain statements a report must make about itself: representativeness, small samples, gaps,
an empty campaign, and the rule that tells a grade from "satisfied"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoring.indices import GRADES, SATISFIED_ABOVE, GradeBands
from scoring.rates import ResponseRate
from scoring.wording import counted, with_article

if TYPE_CHECKING:
    from scoring.report import CampaignReport

SMALL_SAMPLE = 30  # below this many customers a rate is stated as an interval first
GRADE_TEXT = dict(
    zip(
        GRADES,
        ("very satisfied", "fairly satisfied", "generally satisfied", "dissatisfied"),
        strict=True,
    )
)


def percent(value: float | None, digits: int = 1) -> str:
    """A fraction as "83.3 %" ("n/a" when undefined)."""
    return "n/a" if value is None else f"{100 * value:.{digits}f} %"


def satisfaction_rule(bands: GradeBands) -> str:
    """One line telling the grade of a score at the satisfied bound from "satisfied" (SPEC §4.3
    grades 80–<95 fairly satisfied; §4.4 counts only scores above 80 as satisfied)."""
    (grade,) = bands.grade([SATISFIED_ABOVE])
    return (
        f"A score of exactly {SATISFIED_ABOVE:g} is graded {GRADE_TEXT[grade]} but not counted as "
        f"satisfied: the satisfaction rate counts scores above {SATISFIED_ABOVE:g}."
    )


def unrepresentative(response: ResponseRate) -> str:
    """Why the response rate makes a report not representative: "an 80.0 % response rate (8 of
    10 invited completed) is below the 90 % target"."""
    return (
        f"{with_article(percent(response.rate.value))} response rate ({response.completed} of "
        f"{response.invited} invited completed) is below the {percent(response.target, 0)} target"
    )


def no_answers_yet(response: ResponseRate) -> str:
    """What an empty report says instead of empty tables."""
    if not response.invited:
        return "No answers yet: no invitations sent."
    return f"No answers yet: {counted(response.invited, 'invitation')} sent, none answered."


def report_notes(report: CampaignReport, *, has_overall: bool) -> tuple[str, ...]:
    """The notes printed under a report, most important first."""
    response = report.response
    if not report.has_answers:
        return (no_answers_yet(response),)
    notes: list[str] = []
    if response.representative is False:
        notes.append(f"Not representative: {unrepresentative(response)}.")
    elif response.representative is None:
        notes.append("Response rate unknown: no invitations were given to the report.")
    summary = report.summary
    if summary.n_customers == 0:
        notes.append("No customer has a score: every answer is 'unable to comment' or missing.")
    elif summary.n_customers < SMALL_SAMPLE:
        has = "has" if summary.n_customers == 1 else "have"
        notes.append(
            f"Small sample: only {counted(summary.n_customers, 'customer')} {has} a score; read "
            "each rate by its 95 % interval, not by its point value."
        )
    if summary.n_customers and summary.loyalty.value is None:
        notes.append(f"Loyalty is undefined: no customer scored above {SATISFIED_ABOVE:g}.")
    if summary.n_customers_unscored:
        one = summary.n_customers_unscored == 1
        notes.append(
            f"{counted(summary.n_customers_unscored, 'customer')} answered only 'unable to "
            f"comment' and {'has' if one else 'have'} no score; "
            f"{'it is' if one else 'they are'} not counted as surveyed."
        )
    if response.partial:
        count = "counts" if response.partial == 1 else "count"
        notes.append(
            f"{counted(response.partial, 'partial response')} (started, not completed) {count} "
            "in the scores but not in the response rate."
        )
    if report.previous_campaign is None:
        notes.append("No previous campaign: trends compare with the targets only.")
    if not has_overall:
        notes.append("No overall-impression question: key-driver analysis was skipped.")
    flagged = len(report.straight_lining), len(report.speeding)
    if any(flagged):
        notes.append(
            f"Data quality: {counted(flagged[0], 'respondent')} straight-lined and "
            f"{counted(flagged[1], 'respondent')} sped through; they are flagged, not removed "
            "from any figure."
        )
    return tuple(notes)
