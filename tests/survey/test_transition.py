"""The pure transition: every event at every step, the 1–2 rule, navigation and submit."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.effects import (
    AnswerStored,
    FollowUpStored,
    FollowUpVoided,
    InvitationCompleted,
    LanguageChosen,
    TicketDescribed,
    TicketOpened,
    TicketWithdrawn,
)
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
    AskCauses,
    AskComment,
    AskLanguage,
    AskLikert,
    AskNps,
    AskWhatHappened,
    ChooseChange,
    Done,
    FlowState,
    FollowUp,
    Greeting,
    Summary,
    next_step,
)
from survey.follow_up import give_level
from survey.loader import load_template
from survey.transition import Transition, apply, changeable
from survey.vocabulary import AnswerKind, FollowUpStage

SURVEY = load_template("weighted-4")
KEYS = [q.key for q in SURVEY.questions()]
FIRST, SECOND, LAST = KEYS[0], KEYS[1], KEYS[-1]
CAUSE0 = SURVEY.questions()[0].attributes[0].key
CAUSE1 = SURVEY.questions()[0].attributes[1].key
ALL_FOURS = dict.fromkeys(KEYS, 4)


def begun(**changes: object) -> FlowState:
    return FlowState(**{"language": "en", "begun": True, **changes})  # type: ignore[arg-type]


def run(state: FlowState, *events: Event) -> tuple[FlowState, list[Transition]]:
    """Apply events in turn; every one must be accepted."""
    done = []
    for event in events:
        transition = apply(SURVEY, state, event)
        assert transition.refused is None, (event, transition.refused)
        done.append(transition)
        state = transition.state
    return state, done


# One state per kind of step, and the events that step accepts.
STATES = {
    "language": FlowState(),
    "greeting": FlowState(language="en"),
    "first": begun(),
    "second": begun(likert={FIRST: 4}),
    "causes": begun(likert={FIRST: 2}, follow_ups={FIRST: FollowUp()}),
    "text": begun(likert={FIRST: 2}, follow_ups={FIRST: FollowUp(FollowUpStage.TEXT)}),
    "nps": begun(likert=ALL_FOURS),
    "comment": begun(likert=ALL_FOURS, nps_done=True),
    "summary": begun(likert=ALL_FOURS, nps_done=True, comment_done=True),
    "change": begun(likert=ALL_FOURS, nps_done=True, comment_done=True, choosing_change=True),
    "done": begun(likert=ALL_FOURS, nps_done=True, comment_done=True, submitted=True),
}
STEPS = {
    "language": AskLanguage,
    "greeting": Greeting,
    "first": AskLikert,
    "second": AskLikert,
    "causes": AskCauses,
    "text": AskWhatHappened,
    "nps": AskNps,
    "comment": AskComment,
    "summary": Summary,
    "change": ChooseChange,
    "done": Done,
}
EVENTS: dict[str, Event] = {
    "language": ChooseLanguage("zh-CN"),
    "begin": Begin(),
    "answer first": AnswerLevel(FIRST, 5),
    "unable first": AnswerLevel(FIRST, None),
    "answer second": AnswerLevel(SECOND, 3),
    "back first": Back(FIRST),
    "back second": Back(SECOND),
    "toggle": ToggleCause(FIRST, 0),
    "causes done": CausesDone(FIRST),
    "skip text": Skip(FIRST),
    "explain": GiveText(FIRST, "late"),
    "nps": GiveNps(9),
    "skip nps": Skip("nps"),
    "back nps": Back("nps"),
    "comment": GiveText("comment", "fine"),
    "skip comment": Skip("comment"),
    "back comment": Back("comment"),
    "change menu": OpenChangeMenu(),
    "change first": ChangeAnswer(FIRST),
    "submit": Submit(),
}
ACCEPTED = {
    "language": {"language"},
    "greeting": {"language", "begin"},
    "first": {"language", "answer first", "unable first", "back first"},
    "second": {"language", "answer second", "back second"},
    "causes": {"language", "back first", "toggle", "causes done", "explain"},
    "text": {"language", "back first", "skip text", "explain"},
    "nps": {"language", "nps", "skip nps", "back nps"},
    "comment": {"language", "comment", "skip comment", "back comment"},
    "summary": {"language", "change menu", "submit"},
    "change": {"language", "change first"},
    "done": {"language"},
}


def test_the_states_show_the_steps_they_are_named_for() -> None:
    for name, state in STATES.items():
        assert isinstance(next_step(SURVEY, state), STEPS[name]), name


@pytest.mark.parametrize("event_name", EVENTS)
@pytest.mark.parametrize("state_name", STATES)
def test_every_event_at_every_step(state_name: str, event_name: str) -> None:
    state, event = STATES[state_name], EVENTS[event_name]
    transition = apply(SURVEY, state, event)
    assert isinstance(transition.shown, STEPS[state_name])
    if event_name not in ACCEPTED[state_name]:
        assert transition.refused is Refusal.STALE
    elif event_name == "back first" and state_name == "first":
        assert transition.refused is Refusal.FIRST_QUESTION
    else:
        assert transition.refused is None
        return
    assert transition.state == state and transition.effects == ()


def test_language_then_greeting_then_begin() -> None:
    state, (chosen, began) = run(FlowState(), ChooseLanguage("zh-CN"), Begin())
    assert chosen.effects == (LanguageChosen("zh-CN"),) and began.effects == ()
    step = next_step(SURVEY, state)
    assert isinstance(step, AskLikert) and step.question.key == FIRST and step.number == 1


def test_language_outside_the_supported_ones_is_refused() -> None:
    assert apply(SURVEY, STATES["first"], ChooseLanguage("fr")).refused is Refusal.STALE


@pytest.mark.parametrize("level", [3, 4, 5, None])
def test_three_and_up_or_unable_store_the_answer_only(level: int | None) -> None:
    state, (t,) = run(begun(), AnswerLevel(FIRST, level))
    assert t.effects == (AnswerStored(AnswerKind.LIKERT, FIRST, level=level),)
    assert t.effects[0].na is (level is None)
    assert state.likert == {FIRST: level} and state.follow_ups == {}
    step = next_step(SURVEY, state)
    assert isinstance(step, AskLikert) and step.question.key == SECOND


@pytest.mark.parametrize("level", [1, 2])
def test_one_or_two_opens_the_follow_up_and_a_ticket(level: int) -> None:
    state, (t,) = run(begun(), AnswerLevel(FIRST, level))
    assert t.effects == (
        AnswerStored(AnswerKind.LIKERT, FIRST, level=level),
        FollowUpStored(FIRST, FollowUpStage.CAUSES),
        TicketOpened(FIRST, level),
    )
    assert next_step(SURVEY, state) == AskCauses(SURVEY.questions()[0], ())


def test_causes_toggle_then_done_then_text_describes_the_ticket() -> None:
    state, steps = run(
        STATES["causes"],
        ToggleCause(FIRST, 0),
        ToggleCause(FIRST, 1),
        ToggleCause(FIRST, 0),
        CausesDone(FIRST),
        GiveText(FIRST, "broken on arrival"),
    )
    assert [t.effects for t in steps[:4]] == [
        (FollowUpStored(FIRST, FollowUpStage.CAUSES, (CAUSE0,)),),
        (FollowUpStored(FIRST, FollowUpStage.CAUSES, (CAUSE0, CAUSE1)),),
        (FollowUpStored(FIRST, FollowUpStage.CAUSES, (CAUSE1,)),),
        (FollowUpStored(FIRST, FollowUpStage.TEXT, (CAUSE1,)),),
    ]
    assert steps[-1].effects == (
        FollowUpStored(FIRST, FollowUpStage.DONE, (CAUSE1,), "broken on arrival"),
        TicketDescribed(FIRST, (CAUSE1,), "broken on arrival"),
    )
    assert state.follow_ups[FIRST] == FollowUp(FollowUpStage.DONE, (CAUSE1,), "broken on arrival")
    step = next_step(SURVEY, state)
    assert isinstance(step, AskLikert) and step.question.key == SECOND


def test_skipping_the_text_still_describes_the_ticket_so_its_alert_goes() -> None:
    _, (t,) = run(STATES["text"], Skip(FIRST))
    assert t.effects == (
        FollowUpStored(FIRST, FollowUpStage.DONE, (), None),
        TicketDescribed(FIRST, (), None),
    )


def test_text_typed_while_choosing_causes_ends_the_follow_up_with_the_causes_so_far() -> None:
    state, (_, typed) = run(STATES["causes"], ToggleCause(FIRST, 1), Typed("late"))
    assert typed.event == GiveText(FIRST, "late")
    assert typed.effects[-1] == TicketDescribed(FIRST, (CAUSE1,), "late")
    assert state.follow_ups[FIRST].stage is FollowUpStage.DONE


def test_lowering_a_two_to_one_keeps_the_follow_up_and_updates_the_ticket() -> None:
    done = FollowUp(FollowUpStage.DONE, (CAUSE0,), "x")
    state = begun(likert={FIRST: 2, SECOND: 4}, follow_ups={FIRST: done}, cursor=FIRST)
    state, (t,) = run(state, AnswerLevel(FIRST, 1))
    assert t.effects == (AnswerStored(AnswerKind.LIKERT, FIRST, level=1), TicketOpened(FIRST, 1))
    assert state.follow_ups[FIRST] == done and state.cursor is None


def test_raising_withdraws_the_ticket_and_voids_the_follow_up_lowering_reopens_both() -> None:
    done = FollowUp(FollowUpStage.DONE, (CAUSE0,), "x")
    state = begun(likert={FIRST: 2, SECOND: 4}, follow_ups={FIRST: done}, cursor=FIRST)
    state, (raised,) = run(state, AnswerLevel(FIRST, 4))
    assert raised.effects == (
        AnswerStored(AnswerKind.LIKERT, FIRST, level=4),
        FollowUpVoided(FIRST),
        TicketWithdrawn(FIRST),
    )
    assert FIRST not in state.follow_ups
    state, (lowered,) = run(replace(state, cursor=FIRST), AnswerLevel(FIRST, 1))
    assert lowered.effects == (
        AnswerStored(AnswerKind.LIKERT, FIRST, level=1),
        FollowUpStored(FIRST, FollowUpStage.CAUSES),
        TicketOpened(FIRST, 1),
    )
    assert next_step(SURVEY, state) == AskCauses(SURVEY.questions()[0], ())


def test_unable_after_a_two_withdraws_too() -> None:
    state = begun(likert={FIRST: 2}, follow_ups={FIRST: FollowUp()})
    _, (t,) = run(replace(state, cursor=FIRST), AnswerLevel(FIRST, None))
    assert TicketWithdrawn(FIRST) in t.effects and FollowUpVoided(FIRST) in t.effects


@pytest.mark.parametrize(("typed", "level"), [("3", 3), (" 1 ", 1), ("5", 5)])
def test_a_typed_digit_is_the_same_event_as_pressing_it(typed: str, level: int) -> None:
    pressed = apply(SURVEY, begun(), AnswerLevel(FIRST, level))
    by_text = apply(SURVEY, begun(), Typed(typed))
    assert by_text == replace(pressed)  # same state, effects, step and event
    assert by_text.event == AnswerLevel(FIRST, level)


@pytest.mark.parametrize(
    ("state_name", "text", "refusal"),
    [
        ("first", "7", Refusal.NOT_A_LEVEL),
        ("first", "good", Refusal.NOT_A_LEVEL),
        ("nps", "11", Refusal.NOT_A_SCORE),
        ("nps", "ten", Refusal.NOT_A_SCORE),
        ("language", "hi", Refusal.NOT_ASKED),
        ("greeting", "hi", Refusal.NOT_ASKED),
        ("summary", "ok", Refusal.NOT_ASKED),
        ("change", "1", Refusal.NOT_ASKED),
        ("done", "thanks", Refusal.FINISHED),
    ],
)
def test_typed_text_that_does_not_fit_is_refused(
    state_name: str, text: str, refusal: Refusal
) -> None:
    transition = apply(SURVEY, STATES[state_name], Typed(text))
    assert transition.refused is refusal
    assert transition.state == STATES[state_name] and transition.effects == ()


def test_typed_score_comment_and_explanation() -> None:
    _, (nps,) = run(STATES["nps"], Typed("10"))
    assert nps.event == GiveNps(10)
    assert nps.effects == (AnswerStored(AnswerKind.NPS, "nps", level=10),)
    state, (comment,) = run(STATES["comment"], Typed("all good"))
    assert comment.effects == (AnswerStored(AnswerKind.COMMENT, "comment", text="all good"),)
    assert state.comment == "all good" and next_step(SURVEY, state) == Summary()


def test_skipped_nps_and_comment_are_stored_as_not_given() -> None:
    state, (nps, comment) = run(STATES["nps"], Skip("nps"), Skip("comment"))
    assert nps.effects == (AnswerStored(AnswerKind.NPS, "nps"),)
    assert comment.effects == (AnswerStored(AnswerKind.COMMENT, "comment"),)
    assert all(e.na for e in (*nps.effects, *comment.effects))
    assert (state.nps_done, state.nps, state.comment_done, state.comment) == (
        True,
        None,
        True,
        None,
    )


@pytest.mark.parametrize(("level", "score"), [(0, None), (6, None), (None, -1), (None, 11)])
def test_levels_and_scores_out_of_range_are_refused(level: int | None, score: int | None) -> None:
    if score is None:
        transition = apply(SURVEY, begun(), AnswerLevel(FIRST, level))
    else:
        transition = apply(SURVEY, STATES["nps"], GiveNps(score))
    assert transition.refused is Refusal.STALE


def test_a_cause_beyond_the_list_is_refused() -> None:
    attributes = len(SURVEY.questions()[0].attributes)
    for index in (attributes, -1):
        assert apply(SURVEY, STATES["causes"], ToggleCause(FIRST, index)).refused is Refusal.STALE


def test_back_walks_to_the_previous_question_and_answering_returns() -> None:
    state = begun(likert={FIRST: 4, SECOND: 5})
    state, (back,) = run(state, Back(KEYS[2]))
    assert back.effects == () and state.cursor == SECOND
    step = next_step(SURVEY, state)
    assert isinstance(step, AskLikert) and step.question.key == SECOND and step.number == 2
    state, _ = run(state, Back(SECOND))
    assert state.cursor == FIRST
    assert apply(SURVEY, state, Back(FIRST)).refused is Refusal.FIRST_QUESTION
    state, _ = run(state, AnswerLevel(FIRST, 3))
    step = next_step(SURVEY, state)
    assert state.cursor is None and isinstance(step, AskLikert) and step.question.key == KEYS[2]


def test_back_from_a_follow_up_reasks_its_question() -> None:
    for name in ("causes", "text"):
        state, _ = run(STATES[name], Back(FIRST))
        step = next_step(SURVEY, state)
        assert isinstance(step, AskLikert) and step.question.key == FIRST


def test_back_from_nps_and_comment() -> None:
    state, _ = run(STATES["nps"], Back("nps"))
    assert state.cursor == LAST
    state, _ = run(STATES["comment"], Back("comment"))
    assert state.cursor == "nps" and next_step(SURVEY, state) == AskNps()
    state, _ = run(state, GiveNps(3))
    assert next_step(SURVEY, state) == AskComment()


@pytest.mark.parametrize("target", changeable(SURVEY))
def test_change_menu_reaches_every_answer_and_comes_back_to_the_summary(target: str) -> None:
    state, _ = run(STATES["summary"], OpenChangeMenu(), ChangeAnswer(target))
    step = next_step(SURVEY, state)
    assert not state.choosing_change and state.cursor == target
    if target == "nps":
        assert step == AskNps()
        state, _ = run(state, GiveNps(7))
    elif target == "comment":
        assert step == AskComment()
        state, _ = run(state, GiveText("comment", "better now"))
    else:
        assert isinstance(step, AskLikert) and step.question.key == target
        state, _ = run(state, AnswerLevel(target, 5))
    assert next_step(SURVEY, state) == Summary()


def test_changing_to_an_unknown_answer_is_refused() -> None:
    assert apply(SURVEY, STATES["change"], ChangeAnswer("nope")).refused is Refusal.STALE
    assert changeable(SURVEY) == (*KEYS, "nps", "comment")


def test_submit_completes_and_nothing_more_is_asked() -> None:
    state, (t,) = run(STATES["summary"], Submit())
    assert t.effects == (InvitationCompleted(),) and state.submitted
    assert next_step(SURVEY, state) == Done()
    assert apply(SURVEY, state, Submit()).refused is Refusal.STALE


def test_a_whole_survey_by_typing_and_pressing() -> None:
    state, _ = run(FlowState(), ChooseLanguage("en"), Begin())
    for key in KEYS:
        state, _ = run(state, Typed("1") if key == FIRST else AnswerLevel(key, 4))
        if key == FIRST:
            state, _ = run(state, ToggleCause(FIRST, 2), CausesDone(FIRST), Typed("scratched"))
    state, _ = run(state, Typed("8"), Skip("comment"), Submit())
    assert state.submitted and state.likert[FIRST] == 1 and state.nps == 8


# Property: whatever a respondent does, refused events change nothing, and the tickets agree
# with the final levels (the ticket of a question ends open exactly when its level is 1–2).
ANY_EVENT = st.one_of(
    st.builds(AnswerLevel, st.sampled_from(KEYS[:4]), st.sampled_from([None, 1, 2, 3, 4, 5, 9])),
    st.builds(Back, st.sampled_from([*KEYS[:4], "nps", "comment"])),
    st.builds(ToggleCause, st.sampled_from(KEYS[:4]), st.integers(-1, 5)),
    st.builds(CausesDone, st.sampled_from(KEYS[:4])),
    st.builds(Skip, st.sampled_from([*KEYS[:4], "nps", "comment"])),
    st.builds(GiveText, st.sampled_from([*KEYS[:4], "comment"]), st.text(max_size=5)),
    st.builds(GiveNps, st.integers(-1, 11)),
    st.builds(ChangeAnswer, st.sampled_from([*KEYS[:4], "nps", "x"])),
    st.builds(Typed, st.text(alphabet="0123456789 ab", max_size=3)),
    st.just(OpenChangeMenu()),
    st.just(Submit()),
    st.just(Begin()),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ANY_EVENT, max_size=40))
def test_any_sequence_keeps_tickets_and_follow_ups_in_line_with_the_levels(
    events: list[Event],
) -> None:
    state = FlowState(language="en")
    ticket_open: dict[str, bool] = {}
    for event in events:
        transition = apply(SURVEY, state, event)
        if transition.refused is not None:
            assert transition.state == state and transition.effects == ()
        for effect in transition.effects:
            if isinstance(effect, TicketOpened | TicketWithdrawn):
                ticket_open[effect.question] = isinstance(effect, TicketOpened)
        state = transition.state
    for key, level in state.likert.items():
        low = level in (1, 2)
        assert (key in state.follow_ups) is low
        assert ticket_open.get(key, False) is low


def test_give_level_is_the_rule_for_imported_answers_too() -> None:
    state, effects = give_level(FlowState(), FIRST, 2)
    assert effects[-1] == TicketOpened(FIRST, 2) and FIRST in state.follow_ups
