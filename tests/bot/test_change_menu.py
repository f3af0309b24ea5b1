"""The summary and its change-an-answer menu for every shipped template (issue 9 #9)."""

from __future__ import annotations

import pytest

from bot.render import render
from survey.flow import ChooseChange, FlowState, Summary
from survey.loader import load_template, template_names
from survey.schema import SUPPORTED_LANGUAGES


def answered(name: str, lang: str) -> tuple[object, FlowState]:
    survey = load_template(name)
    likert = {q.key: 4 for q in survey.questions()}
    state = FlowState(language=lang, begun=True, likert=likert, nps_done=True, nps=8,
                      comment_done=True, comment=None)  # fmt: skip
    return survey, state


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("name", template_names())
def test_change_buttons_are_all_different_and_cover_every_answer(name: str, lang: str) -> None:
    survey, state = answered(name, lang)
    prompt = render(survey, state, ChooseChange(), None)  # type: ignore[arg-type]
    assert prompt.keyboard is not None
    buttons = [b.text for row in prompt.keyboard.inline_keyboard for b in row]
    names = [text.split(". ", 1)[1] for text in buttons]
    assert len(set(names)) == len(names) == len(survey.questions()) + 2  # type: ignore[attr-defined]
    assert all(len(text) <= 36 for text in buttons)
    summary = render(survey, state, Summary(), None).text  # type: ignore[arg-type]
    for number, label in enumerate(names, start=1):
        assert f"\n{number}. {label} — " in summary
