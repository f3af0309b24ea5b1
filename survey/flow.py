"""The question flow, pure: given what a respondent has answered, what comes next.

The conversation keeps no state of its own besides the answers and a few flags stored with
the session row, so any process can compute the next step for any update (SPEC §3, §9).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from survey.schema import LOW_LEVELS, Question, Survey
from survey.vocabulary import FollowUpStage

NPS_CURSOR = "nps"  # the cursor value that revisits the NPS question
COMMENT_CURSOR = "comment"  # … and the one that revisits the closing comment


@dataclass(frozen=True, slots=True)
class FollowUp:
    """Where the follow-up of a 1–2 stands: choosing causes, then free text, then done."""

    stage: FollowUpStage = FollowUpStage.CAUSES
    causes: tuple[str, ...] = ()
    text: str | None = None  # "what happened", once given


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a respondent is besides their answers: the flags a channel keeps between events
    (Telegram in its chat row, the web form in the page), passed to the service with each."""

    language: str | None = None
    begun: bool = False
    cursor: str | None = None  # a question being revisited through Back or change-an-answer
    choosing_change: bool = False


@dataclass(frozen=True, slots=True)
class FlowState:
    """Everything the flow needs to know about one respondent's progress."""

    language: str | None = None
    begun: bool = False
    likert: Mapping[str, int | None] = field(default_factory=dict)  # None = unable to comment
    follow_ups: Mapping[str, FollowUp] = field(default_factory=dict)
    nps_done: bool = False
    comment_done: bool = False
    nps: int | None = None  # the score given (None: skipped or not yet asked)
    comment: str | None = None  # the comment given (None: skipped or not yet asked)
    cursor: str | None = None  # a question being revisited through Back or change-an-answer
    choosing_change: bool = False
    submitted: bool = False

    @property
    def progress(self) -> Progress:
        return Progress(self.language, self.begun, self.cursor, self.choosing_change)


@dataclass(frozen=True, slots=True)
class AskLanguage:
    """Ask which language to use before greeting."""


@dataclass(frozen=True, slots=True)
class Greeting:
    """Greet, say how many questions and how long, offer Begin."""


@dataclass(frozen=True, slots=True)
class AskLikert:
    """Ask one Likert question; ``number`` counts from 1."""

    question: Question
    number: int
    total: int


@dataclass(frozen=True, slots=True)
class AskCauses:
    """Multi-select of the question's detail attributes after a 1–2."""

    question: Question
    selected: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AskWhatHappened:
    """Free text (skippable) explaining a 1–2."""

    question: Question


@dataclass(frozen=True, slots=True)
class AskNps:
    """The optional 0–10 recommendation question."""


@dataclass(frozen=True, slots=True)
class AskComment:
    """The optional open comment."""


@dataclass(frozen=True, slots=True)
class Summary:
    """All answered: show the answers with Change and Submit."""


@dataclass(frozen=True, slots=True)
class ChooseChange:
    """The list of answers a respondent may go back to: every question, NPS and comment."""


@dataclass(frozen=True, slots=True)
class Done:
    """Submitted; nothing more to ask."""


Step = (
    AskLanguage
    | Greeting
    | AskLikert
    | AskCauses
    | AskWhatHappened
    | AskNps
    | AskComment
    | Summary
    | ChooseChange
    | Done
)


def next_step(survey: Survey, state: FlowState) -> Step:
    """The step to show now."""
    if state.submitted:
        return Done()
    if state.language is None:
        return AskLanguage()
    if not state.begun:
        return Greeting()
    questions = survey.questions()
    if state.cursor == NPS_CURSOR and survey.nps:
        return AskNps()
    if state.cursor == COMMENT_CURSOR and survey.comment:
        return AskComment()
    if state.cursor is not None:
        for number, question in enumerate(questions, start=1):
            if question.key == state.cursor:
                return AskLikert(question, number, len(questions))
    for number, question in enumerate(questions, start=1):
        if question.key not in state.likert:
            return AskLikert(question, number, len(questions))
        pending = _pending_follow_up(question, state)
        if pending is not None:
            return pending
    if survey.nps and not state.nps_done:
        return AskNps()
    if survey.comment and not state.comment_done:
        return AskComment()
    return ChooseChange() if state.choosing_change else Summary()


def _pending_follow_up(question: Question, state: FlowState) -> Step | None:
    if state.likert.get(question.key) not in LOW_LEVELS:
        return None
    follow_up = state.follow_ups.get(question.key, FollowUp())
    if follow_up.stage == FollowUpStage.CAUSES and question.attributes:
        return AskCauses(question, follow_up.causes)
    if follow_up.stage != FollowUpStage.DONE:
        return AskWhatHappened(question)
    return None


def previous_question(survey: Survey, step: Step) -> str | None:
    """Where "◀ Back" leads from a step: the question before, or the one being explained."""
    keys = [q.key for q in survey.questions()]
    if isinstance(step, AskLikert):
        index = keys.index(step.question.key)
        return keys[index - 1] if index > 0 else None
    if isinstance(step, AskCauses | AskWhatHappened):
        return step.question.key
    if isinstance(step, AskComment) and survey.nps:
        return NPS_CURSOR
    if isinstance(step, AskNps | AskComment | Summary):
        return keys[-1] if keys else None
    return None


def needs_follow_up(level: int | None) -> bool:
    """A 1 or 2 opens the follow-up and a corrective-action ticket (seed 001 ECSS §6.4.2)."""
    return level in LOW_LEVELS


def progress(survey: Survey, state: FlowState) -> tuple[int, int]:
    """(answered, total) Likert questions."""
    keys = [q.key for q in survey.questions()]
    return sum(1 for k in keys if k in state.likert), len(keys)
