"""The button codec: buttons already sent into chats keep decoding, byte for byte."""

from __future__ import annotations

import dataclasses
import re
from typing import get_args

import pytest

from survey import actions as act
from survey import events as ev
from survey.errors import InvalidAnswer

# callback_data as version 1 writes it: every action, each spelling of its fields (the two
# earlier spellings of a skip are read too, below). A failure here means buttons in people's
# chats would stop working.
PINNED: list[tuple[act.Action, str]] = [
    (ev.ChooseLanguage("zh-CN"), "1:L:zh-CN"),
    (ev.ChooseLanguage("en"), "1:L:en"),
    (ev.Begin(), "1:B"),
    (ev.AnswerLevel("QU.technical", 1), "1:A:QU.technical:1"),
    (ev.AnswerLevel("DE.on_time", 5), "1:A:DE.on_time:5"),
    (ev.AnswerLevel("QU.technical", None), "1:A:QU.technical:n"),
    (ev.Back("QU.technical"), "1:K:QU.technical"),
    (ev.Back("nps"), "1:K:nps"),
    (ev.ToggleCause("QU.technical", 0), "1:C:QU.technical:0"),
    (ev.ToggleCause("QU.technical", 12), "1:C:QU.technical:12"),
    (ev.CausesDone("QU.technical"), "1:D:QU.technical"),
    (ev.Skip("QU.technical"), "1:S:QU.technical"),
    (ev.GiveNps(0), "1:N:0"),
    (ev.GiveNps(10), "1:N:10"),
    (ev.Skip("nps"), "1:S:nps"),
    (ev.Skip("comment"), "1:S:comment"),
    (ev.Submit(), "1:X"),
    (ev.OpenChangeMenu(), "1:H"),
    (ev.ChangeAnswer("comment"), "1:G:comment"),
    (act.ConfirmForget(True), "1:F:y"),
    (act.ConfirmForget(False), "1:F:n"),
    (act.MarkFeedback(123, True), "1:T:123:c"),
    (act.MarkFeedback(7, False), "1:T:7:f"),
    (act.TakeTicket(99), "1:Y:99"),
    (act.OpenTicket(4321), "1:O:4321"),
]


@pytest.mark.parametrize(("action", "data"), PINNED)
def test_callback_data_is_pinned_both_ways(action: act.Action, data: str) -> None:
    assert act.encode(action) == data
    assert act.decode(data) == action


def test_every_action_has_one_button_and_a_field_for_each_of_its_fields() -> None:
    actions = set(get_args(act.Action))
    assert {button.action for button in act.BUTTONS} == actions
    assert len(act.BY_CODE) == len(act.BUTTONS)  # no code used twice
    for button in act.BUTTONS:
        assert len(button.fields) == len(dataclasses.fields(button.action)), button
    assert {type(action) for action, _ in PINNED} == actions


@pytest.mark.parametrize(
    ("data", "action"), [("1:N:s", ev.Skip("nps")), ("1:M", ev.Skip("comment"))]
)
def test_the_earlier_spellings_of_a_skip_still_decode(data: str, action: act.Action) -> None:
    # Buttons sent before Skip was one event wrote these; they must keep working in chats.
    assert act.decode(data) == action
    assert act.encode(action) != data


@pytest.mark.parametrize("data", ["1:Y", "1:Y:", "1:Y:x", "1:Y:1:2", "1:O:-1"])
def test_a_staff_button_with_a_bad_ticket_id_is_invalid(data: str) -> None:
    with pytest.raises(InvalidAnswer):
        act.decode(data)


def test_staff_handler_patterns_come_from_the_codec() -> None:
    take, open_ = act.pattern(act.TakeTicket), act.pattern(act.OpenTicket)
    assert re.match(take, act.encode(act.TakeTicket(5)))
    assert re.match(open_, act.encode(act.OpenTicket(5)))
    assert not re.match(take, act.encode(act.OpenTicket(5)))
    assert not re.match(open_, act.encode(act.MarkFeedback(5, True)))
    assert (take, open_) == (r"^1:Y:", r"^1:O:")  # as the handlers were registered before
