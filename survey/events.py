"""What a respondent does, in channel-neutral terms: the input of ``survey.transition.apply``.

A channel translates its own input into these: Telegram a decoded button or a typed message,
the web form a posted field. Each event names the step it belongs to (a question key, or
``nps``/``comment``), so an event of a step no longer shown is recognised as stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class ChooseLanguage:
    language: str


@dataclass(frozen=True, slots=True)
class Begin:
    """The respondent starts answering after the greeting."""


@dataclass(frozen=True, slots=True)
class AnswerLevel:
    """A Likert answer; ``level`` None is "unable to comment" (stored, never scored)."""

    question: str
    level: int | None


@dataclass(frozen=True, slots=True)
class Back:
    """ "◀ Back" from the step of ``origin`` (a question key, ``nps`` or ``comment``)."""

    origin: str


@dataclass(frozen=True, slots=True)
class ToggleCause:
    """Select or unselect the ``index``-th detail attribute of a 1–2's follow-up."""

    question: str
    index: int


@dataclass(frozen=True, slots=True)
class CausesDone:
    question: str


@dataclass(frozen=True, slots=True)
class Skip:
    """Skip what ``origin`` asks: a follow-up's "what happened", the NPS or the comment."""

    origin: str


@dataclass(frozen=True, slots=True)
class GiveText:
    """Free text for ``origin``: a follow-up's "what happened" (question key) or ``comment``."""

    origin: str
    text: str


@dataclass(frozen=True, slots=True)
class GiveNps:
    score: int


@dataclass(frozen=True, slots=True)
class OpenChangeMenu:
    """From the summary: list the answers that can be changed."""


@dataclass(frozen=True, slots=True)
class ChangeAnswer:
    """Pick an answer to change: a question key, ``nps`` or ``comment``."""

    target: str


@dataclass(frozen=True, slots=True)
class Submit:
    pass


@dataclass(frozen=True, slots=True)
class Typed:
    """Text typed where the channel has no field for it: what it means depends on the step
    shown (a digit at a question is the same as pressing that level)."""

    text: str


Event = (
    ChooseLanguage
    | Begin
    | AnswerLevel
    | Back
    | ToggleCause
    | CausesDone
    | Skip
    | GiveText
    | GiveNps
    | OpenChangeMenu
    | ChangeAnswer
    | Submit
    | Typed
)


class Refusal(StrEnum):
    """Why an event changed nothing; the channel says so and shows the current step again."""

    STALE = "stale"  # it belongs to a step no longer shown (or to no step at all)
    NOT_A_LEVEL = "not_a_level"  # text typed at a question that is not a level 1–5
    NOT_A_SCORE = "not_a_score"  # text typed at the NPS question that is not 0–10
    NOT_ASKED = "not_asked"  # text typed where no text is asked (greeting, summary, …)
    FIRST_QUESTION = "first_question"  # "◀ Back" from the first question
    FINISHED = "finished"  # text typed after the survey was submitted
