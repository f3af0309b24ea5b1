"""One step of a survey conversation, pure: ``apply(survey, state, event) -> Transition``.

Every channel feeds its input through here, so the rules are the same everywhere and a typed
"3" is exactly a press of 3. Nothing is written: the new state comes back with the effects
(answers stored, tickets opened, …) for the service to persist. An event that does not fit
the step shown (a stale button, a typed "7") is refused with a reason, not raised.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from survey.actions import NPS_RANGE, parse_typed_level, parse_typed_nps
from survey.effects import AnswerStored, Effect, InvitationCompleted, LanguageChosen
from survey.events import (
    AnswerLevel,
    Back,
    Begin,
    CausesDone,
    ChangeAnswer,
    ChooseLanguage,
    Event,
    GiveNps,
    GiveText,
    OpenChangeMenu,
    Refusal,
    Skip,
    Submit,
    ToggleCause,
    Typed,
)
from survey.flow import (
    COMMENT_CURSOR,
    NPS_CURSOR,
    AskCauses,
    AskComment,
    AskLikert,
    AskNps,
    AskWhatHappened,
    ChooseChange,
    Done,
    FlowState,
    FollowUp,
    Greeting,
    Step,
    Summary,
    next_step,
    previous_question,
)
from survey.follow_up import finish_follow_up, give_level, set_causes
from survey.schema import LEVELS, SUPPORTED_LANGUAGES, Survey
from survey.vocabulary import AnswerKind, FollowUpStage


@dataclass(frozen=True, slots=True)
class Transition:
    """The outcome of one event: the new state and what to store, or a refusal (state as it
    was, no effects). ``shown`` is the step the event met, so its prompt can be closed with the
    choice; ``event`` is the event as understood (a typed text resolved to what it meant)."""

    state: FlowState
    effects: tuple[Effect, ...]
    shown: Step
    event: Event
    refused: Refusal | None = None


def apply(survey: Survey, state: FlowState, event: Event) -> Transition:
    """Apply one event to the step ``state`` shows."""
    shown = next_step(survey, state)
    if isinstance(event, Typed):
        meant = interpret(shown, event.text)
        if isinstance(meant, Refusal):
            return Transition(state, (), shown, event, meant)
        event = meant
    if not accepts(survey, shown, event):
        return Transition(state, (), shown, event, Refusal.STALE)
    if isinstance(event, Back):
        target = previous_question(survey, shown)
        if target is None:
            return Transition(state, (), shown, event, Refusal.FIRST_QUESTION)
        return Transition(replace(state, cursor=target), (), shown, event)
    new, effects = _change(survey, state, shown, event)
    return Transition(new, tuple(effects), shown, event)


def interpret(shown: Step, text: str) -> Event | Refusal:
    """What text typed at ``shown`` means: a level, a score, an explanation or the comment."""
    match shown:
        case AskLikert(question, _, _):
            level = parse_typed_level(text)
            return Refusal.NOT_A_LEVEL if level is None else AnswerLevel(question.key, level)
        case AskNps():
            score = parse_typed_nps(text)
            return Refusal.NOT_A_SCORE if score is None else GiveNps(score)
        case AskCauses(question, _) | AskWhatHappened(question):
            return GiveText(question.key, text)
        case AskComment():
            return GiveText(COMMENT_CURSOR, text)
        case Done():
            return Refusal.FINISHED
    return Refusal.NOT_ASKED


def accepts(survey: Survey, shown: Step, event: Event) -> bool:
    """Does ``event`` belong to the step shown? (A button of an older step does not.)"""
    match shown, event:
        case _, ChooseLanguage(language):  # the language may change at any point
            return language in SUPPORTED_LANGUAGES
        case Greeting(), Begin():
            return True
        case AskLikert(question, _, _), AnswerLevel(key, level):
            return question.key == key and (level is None or level in LEVELS)
        case AskLikert(question, _, _) | AskCauses(question, _) | AskWhatHappened(question), Back(
            origin
        ):
            return question.key == origin
        case AskCauses(question, _), ToggleCause(key, index):
            return question.key == key and 0 <= index < len(question.attributes)
        case AskCauses(question, _), CausesDone(key):
            return question.key == key
        case AskCauses(question, _) | AskWhatHappened(question), GiveText(origin, _):
            return question.key == origin
        case AskWhatHappened(question), Skip(origin):
            return question.key == origin
        case AskNps(), Back(origin) | Skip(origin):
            return origin == NPS_CURSOR
        case AskNps(), GiveNps(score):
            return score in NPS_RANGE
        case AskComment(), Back(origin) | Skip(origin) | GiveText(origin, _):
            return origin == COMMENT_CURSOR
        case Summary(), Submit() | OpenChangeMenu():
            return True
        case ChooseChange(), ChangeAnswer(target):
            return target in changeable(survey)
    return False


def changeable(survey: Survey) -> tuple[str, ...]:
    """What the change-an-answer menu offers: every question, then NPS and comment if asked."""
    closing = (NPS_CURSOR,) * survey.nps + (COMMENT_CURSOR,) * survey.comment
    return (*(q.key for q in survey.questions()), *closing)


def _change(
    survey: Survey, state: FlowState, shown: Step, event: Event
) -> tuple[FlowState, list[Effect]]:
    """The new state and effects of an accepted event (Back is handled by ``apply``)."""
    match event:
        case ChooseLanguage(language):
            return replace(state, language=language), [LanguageChosen(language)]
        case Begin():
            return replace(state, begun=True), []
        case AnswerLevel(key, level):
            new, effects = give_level(state, key, level)
            return replace(new, cursor=None), effects
        case ToggleCause(key, index):
            attribute = _attributes(shown)[index]
            causes = _causes(state, key)
            toggled = (
                tuple(c for c in causes if c != attribute)
                if attribute in causes
                else (*causes, attribute)
            )
            return set_causes(state, key, FollowUpStage.CAUSES, toggled)
        case CausesDone(key):
            return set_causes(state, key, FollowUpStage.TEXT, _causes(state, key))
        case Skip(origin) | GiveText(origin, _) if origin in (NPS_CURSOR, COMMENT_CURSOR):
            text = event.text if isinstance(event, GiveText) else None
            return _closing_answer(state, origin, None, text)
        case Skip(key):
            return finish_follow_up(state, key, None)
        case GiveText(key, text):
            return finish_follow_up(state, key, text)
        case GiveNps(score):
            return _closing_answer(state, NPS_CURSOR, score, None)
        case OpenChangeMenu():
            return replace(state, choosing_change=True), []
        case ChangeAnswer(target):
            return replace(state, choosing_change=False, cursor=target), []
        case Submit():
            return replace(state, submitted=True), [InvitationCompleted()]
    raise AssertionError(event)  # Back and Typed never get here


def _closing_answer(
    state: FlowState, key: str, score: int | None, text: str | None
) -> tuple[FlowState, list[Effect]]:
    """The NPS score or the comment (both None: skipped); a revisited one returns to the end."""
    if key == NPS_CURSOR:
        new = replace(state, nps_done=True, nps=score, cursor=None)
        return new, [AnswerStored(AnswerKind.NPS, NPS_CURSOR, level=score)]
    new = replace(state, comment_done=True, comment=text, cursor=None)
    return new, [AnswerStored(AnswerKind.COMMENT, COMMENT_CURSOR, text=text)]


def _attributes(shown: Step) -> list[str]:
    assert isinstance(shown, AskCauses)
    return [a.key for a in shown.question.attributes]


def _causes(state: FlowState, key: str) -> tuple[str, ...]:
    return state.follow_ups.get(key, FollowUp()).causes
