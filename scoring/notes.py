"""Plain statements a report must make about itself: representativeness, small samples, gaps,
an empty campaign, and the rule that tells a grade from "satisfied".

Which notes a report gets is decided once, in ``note_facts``, as language-free ``Note`` values
(a kind and its figures); ``english`` words them for the report itself, and a document in
another language (campaigns/review) words the same facts in its own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
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


def percent(value: float | int | None, digits: int = 1) -> str:
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


class NoteKind(StrEnum):
    """What a report's note states."""

    NO_INVITATIONS = "no_invitations"  # nobody invited, nobody answered
    NO_ANSWERS = "no_answers"  # invited, nobody answered: invited
    NOT_REPRESENTATIVE = "not_representative"  # rate, completed, invited, target
    RESPONSE_UNKNOWN = "response_unknown"
    NO_SCORED_CUSTOMER = "no_scored_customer"
    SMALL_SAMPLE = "small_sample"  # customers
    LOYALTY_UNDEFINED = "loyalty_undefined"  # above
    UNSCORED_CUSTOMERS = "unscored_customers"  # customers
    PARTIAL_RESPONSES = "partial_responses"  # partial
    NO_PREVIOUS = "no_previous"
    NO_OVERALL = "no_overall"
    DATA_QUALITY = "data_quality"  # straight_lined, speeding


@dataclass(frozen=True, slots=True)
class Note:
    """One note as facts: its kind and the figures it states (see ``NoteKind``)."""

    kind: NoteKind
    values: Mapping[str, float | int | None] = field(default_factory=dict)


def _response_values(response: ResponseRate) -> dict[str, float | int | None]:
    return {
        "rate": response.rate.value,
        "completed": response.completed,
        "invited": response.invited,
        "target": response.target,
    }


def note_facts(report: CampaignReport, *, has_overall: bool) -> tuple[Note, ...]:
    """The notes a report gets, most important first (the one rule every wording shares)."""
    response = report.response
    if not report.has_answers:
        if not response.invited:
            return (Note(NoteKind.NO_INVITATIONS),)
        return (Note(NoteKind.NO_ANSWERS, {"invited": response.invited}),)
    notes: list[Note] = []
    if response.representative is False:
        notes.append(Note(NoteKind.NOT_REPRESENTATIVE, _response_values(response)))
    elif response.representative is None:
        notes.append(Note(NoteKind.RESPONSE_UNKNOWN))
    summary = report.summary
    if summary.n_customers == 0:
        notes.append(Note(NoteKind.NO_SCORED_CUSTOMER))
    elif summary.n_customers < SMALL_SAMPLE:
        notes.append(Note(NoteKind.SMALL_SAMPLE, {"customers": summary.n_customers}))
    if summary.n_customers and summary.loyalty.value is None:
        notes.append(Note(NoteKind.LOYALTY_UNDEFINED, {"above": SATISFIED_ABOVE}))
    if summary.n_customers_unscored:
        notes.append(Note(NoteKind.UNSCORED_CUSTOMERS, {"customers": summary.n_customers_unscored}))
    if response.partial:
        notes.append(Note(NoteKind.PARTIAL_RESPONSES, {"partial": response.partial}))
    if report.previous_campaign is None:
        notes.append(Note(NoteKind.NO_PREVIOUS))
    if not has_overall:
        notes.append(Note(NoteKind.NO_OVERALL))
    straight_lined, speeding = len(report.straight_lining), len(report.speeding)
    if straight_lined or speeding:
        notes.append(
            Note(NoteKind.DATA_QUALITY, {"straight_lined": straight_lined, "speeding": speeding})
        )
    return tuple(notes)


def unrepresentative(response: ResponseRate) -> str:
    """Why the response rate makes a report not representative: "an 80.0 % response rate (8 of
    10 invited completed) is below the 90 % target"."""
    return _unrepresentative(_response_values(response))


def _unrepresentative(v: Mapping[str, float | int | None]) -> str:
    return (
        f"{with_article(percent(v['rate']))} response rate ({v['completed']} of {v['invited']} "
        f"invited completed) is below the {percent(v['target'], 0)} target"
    )


def no_answers_yet(response: ResponseRate) -> str:
    """What an empty report says instead of empty tables."""
    if not response.invited:
        return english(Note(NoteKind.NO_INVITATIONS))
    return english(Note(NoteKind.NO_ANSWERS, {"invited": response.invited}))


def _count(note: Note, name: str) -> int:
    return int(note.values[name] or 0)


def english(note: Note) -> str:
    """The note as the report itself prints it."""
    v = note.values
    match note.kind:
        case NoteKind.NO_INVITATIONS:
            return "No answers yet: no invitations sent."
        case NoteKind.NO_ANSWERS:
            invited = counted(_count(note, "invited"), "invitation")
            return f"No answers yet: {invited} sent, none answered."
        case NoteKind.NOT_REPRESENTATIVE:
            return f"Not representative: {_unrepresentative(v)}."
        case NoteKind.RESPONSE_UNKNOWN:
            return "Response rate unknown: no invitations were given to the report."
        case NoteKind.NO_SCORED_CUSTOMER:
            return "No customer has a score: every answer is 'unable to comment' or missing."
        case NoteKind.SMALL_SAMPLE:
            n = _count(note, "customers")
            return (
                f"Small sample: only {counted(n, 'customer')} {'has' if n == 1 else 'have'} a "
                "score; read each rate by its 95 % interval, not by its point value."
            )
        case NoteKind.LOYALTY_UNDEFINED:
            return f"Loyalty is undefined: no customer scored above {v['above']:g}."
        case NoteKind.UNSCORED_CUSTOMERS:
            n = _count(note, "customers")
            return (
                f"{counted(n, 'customer')} answered only 'unable to comment' and "
                f"{'has' if n == 1 else 'have'} no score; "
                f"{'it is' if n == 1 else 'they are'} not counted as surveyed."
            )
        case NoteKind.PARTIAL_RESPONSES:
            n = _count(note, "partial")
            return (
                f"{counted(n, 'partial response')} (started, not completed) "
                f"{'counts' if n == 1 else 'count'} in the scores but not in the response rate."
            )
        case NoteKind.NO_PREVIOUS:
            return "No previous campaign: trends compare with the targets only."
        case NoteKind.NO_OVERALL:
            return "No overall-impression question: key-driver analysis was skipped."
        case NoteKind.DATA_QUALITY:
            return (
                f"Data quality: {counted(_count(note, 'straight_lined'), 'respondent')} "
                f"straight-lined and {counted(_count(note, 'speeding'), 'respondent')} sped "
                "through; they are flagged, not removed from any figure."
            )


def report_notes(report: CampaignReport, *, has_overall: bool) -> tuple[str, ...]:
    """The notes printed under a report, most important first."""
    return tuple(english(note) for note in note_facts(report, has_overall=has_overall))
