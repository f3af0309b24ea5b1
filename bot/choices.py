"""What an answered prompt says was chosen, once its keyboard is gone (the chat reads as a
record of the answers, SPEC §3)."""

from __future__ import annotations

from bot.texts import t
from survey import events as ev
from survey.flow import FlowState
from survey.schema import Survey
from survey.wording import answer_label, cause_names, closing_label, question_label

CHOICE_LENGTH = 200  # typed text as the closed prompt quotes it


def choice_text(survey: Survey, state: FlowState, event: ev.Event) -> str | None:
    """The choice ``event`` made, in the language of ``state`` (None: nothing to show)."""
    lang = state.language
    match event:
        case ev.Begin():
            return t("begin", lang)
        case ev.AnswerLevel(key, level):
            question = survey.question(key)
            return answer_label(question, level, lang) if question else None
        case ev.Back():
            return t("went_back", lang)
        case ev.CausesDone(key):
            follow_up = state.follow_ups.get(key)
            return cause_names(survey, key, follow_up.causes if follow_up else (), lang)
        case ev.Skip():
            return t("skipped", lang)
        case ev.GiveText(_, text):
            return text[:CHOICE_LENGTH]
        case ev.GiveNps(score):
            return str(score)
        case ev.OpenChangeMenu():
            return t("change", lang)
        case ev.ChangeAnswer(key):
            question = survey.question(key)
            return question_label(question, lang) if question else closing_label(key, lang)
        case ev.Submit():
            return t("submit", lang)
    return None
