"""The pure question flow and the button codec, without Telegram."""

from __future__ import annotations

import pytest

from survey import actions as act
from survey import events as ev
from survey.errors import InvalidAnswer
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
    previous_question,
)
from survey.loader import load_template

SURVEY = load_template("weighted-4")
KEYS = [q.key for q in SURVEY.questions()]


def state(**changes: object) -> FlowState:
    return FlowState(**{"language": "en", "begun": True, **changes})  # type: ignore[arg-type]


def test_language_then_greeting_then_first_question() -> None:
    assert next_step(SURVEY, FlowState()) == AskLanguage()
    assert next_step(SURVEY, FlowState(language="en")) == Greeting()
    step = next_step(SURVEY, state())
    assert isinstance(step, AskLikert) and step.question.key == KEYS[0]
    assert (step.number, step.total) == (1, len(KEYS))


def test_first_unanswered_question_comes_next_even_after_gaps() -> None:
    step = next_step(SURVEY, state(likert={KEYS[0]: 4, KEYS[2]: 5}))
    assert isinstance(step, AskLikert) and step.question.key == KEYS[1] and step.number == 2


def test_low_score_asks_causes_then_text_then_moves_on() -> None:
    answered = {KEYS[0]: 2}
    step = next_step(SURVEY, state(likert=answered))
    assert isinstance(step, AskCauses) and step.question.key == KEYS[0]
    step = next_step(SURVEY, state(likert=answered, follow_ups={KEYS[0]: FollowUp("text")}))
    assert isinstance(step, AskWhatHappened)
    step = next_step(SURVEY, state(likert=answered, follow_ups={KEYS[0]: FollowUp("done")}))
    assert isinstance(step, AskLikert) and step.question.key == KEYS[1]


@pytest.mark.parametrize("level", [3, 4, 5, None])
def test_no_follow_up_for_three_and_up_or_unable(level: int | None) -> None:
    step = next_step(SURVEY, state(likert={KEYS[0]: level}))
    assert isinstance(step, AskLikert) and step.question.key == KEYS[1]


def test_after_the_questions_nps_comment_summary_done() -> None:
    everything = {key: 4 for key in KEYS}
    assert next_step(SURVEY, state(likert=everything)) == AskNps()
    assert next_step(SURVEY, state(likert=everything, nps_done=True)) == AskComment()
    finished = state(likert=everything, nps_done=True, comment_done=True)
    assert next_step(SURVEY, finished) == Summary()
    assert (
        next_step(
            SURVEY, state(likert=everything, nps_done=True, comment_done=True, choosing_change=True)
        )
        == ChooseChange()
    )
    assert next_step(SURVEY, state(submitted=True)) == Done()


def test_cursor_revisits_and_back_targets() -> None:
    everything = {key: 4 for key in KEYS}
    step = next_step(SURVEY, state(likert=everything, cursor=KEYS[3]))
    assert isinstance(step, AskLikert) and step.question.key == KEYS[3]
    assert previous_question(SURVEY, step) == KEYS[2]
    first = next_step(SURVEY, state())
    assert previous_question(SURVEY, first) is None
    assert previous_question(SURVEY, AskNps()) == KEYS[-1]
    assert previous_question(SURVEY, AskComment()) == "nps"
    assert next_step(SURVEY, state(likert=everything, nps_done=True, cursor="nps")) == AskNps()


ACTIONS = [
    ev.ChooseLanguage("zh-CN"),
    ev.Begin(),
    ev.AnswerLevel("QU.packaging", 5),
    ev.AnswerLevel("GI", None),
    ev.Back("nps"),
    ev.ToggleCause("SV.attitude", 3),
    ev.CausesDone("PR.price"),
    ev.Skip("DL.reliable"),
    ev.GiveNps(0),
    ev.Skip("nps"),
    ev.Skip("comment"),
    ev.Submit(),
    ev.OpenChangeMenu(),
    ev.ChangeAnswer("QU.technical"),
    act.ConfirmForget(True),
    act.MarkFeedback(123, False),
    act.TakeTicket(99),
]


@pytest.mark.parametrize("action", ACTIONS)
def test_every_button_round_trips_within_64_bytes(action: act.Action) -> None:
    data = act.encode(action)
    assert len(data.encode()) <= 64
    assert act.decode(data) == action


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "2:B",
        "1:Z",
        "1:A:QU",
        "1:A:QU:6",
        "1:A:QU:0",
        "1:N:11",
        "1:C:QU:x",
        "1:L:fr",
        "1:F:maybe",
        "1:" + "x" * 70,
        "1:B:extra",
    ],
)
def test_malformed_button_data_is_invalid(data: str | None) -> None:
    with pytest.raises(InvalidAnswer):
        act.decode(data)


def test_encode_refuses_data_over_telegram_limit() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        act.encode(ev.ChangeAnswer("题" * 30))


@pytest.mark.parametrize(
    ("text", "level"),
    [("4", 4), (" 1 ", 1), ("6", None), ("four", None), ("", None), ("4.0", None)],
)
def test_typed_levels(text: str, level: int | None) -> None:
    assert act.parse_typed_level(text) == level


@pytest.mark.parametrize(("text", "score"), [("0", 0), ("10", 10), ("11", None), ("-1", None)])
def test_typed_nps(text: str, score: int | None) -> None:
    assert act.parse_typed_nps(text) == score
