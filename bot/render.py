"""Steps of the flow rendered as chat messages: text plus inline keyboard."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import LANGUAGE_NAMES, level_label, pick, t
from survey import actions as act
from survey import events as ev
from survey.flow import (
    COMMENT_CURSOR,
    NPS_CURSOR,
    AskCauses,
    AskComment,
    AskLanguage,
    AskLikert,
    AskNps,
    AskWhatHappened,
    ChooseChange,
    Done,
    FlowState,
    Greeting,
    Step,
    Summary,
)
from survey.schema import LEVELS, SUPPORTED_LANGUAGES, Question, Scale, Survey
from survey.wording import apology, question_text, summary_entries


@dataclass(frozen=True, slots=True)
class Prompt:
    """One message to show: text and optional inline keyboard."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None


def _button(text: str, action: act.Action) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=act.encode(action))


def render(survey: Survey, state: FlowState, step: Step, name: str | None) -> Prompt:
    """The message for ``step`` in the respondent's language."""
    lang = state.language
    match step:
        case AskLanguage():
            return language_prompt(lang, survey.languages)
        case Greeting():
            text = t(
                "greeting",
                lang,
                name=name or t("there", lang),
                title=pick(survey.title, lang),
                count=len(survey.questions()),
                minutes=survey.estimated_minutes(),
            )
            return Prompt(text, InlineKeyboardMarkup([[_button(t("begin", lang), ev.Begin())]]))
        case AskLikert(question, number, total):
            return Prompt(
                question_text(survey, question, number, total, lang),
                likert_keyboard(question, lang),
            )
        case AskCauses(question, selected):
            return Prompt(
                t("causes", lang, sorry=apology(question, lang)),
                causes_keyboard(question, selected, lang),
            )
        case AskWhatHappened(question):
            skip = _button(t("skip", lang), ev.Skip(question.key))
            return Prompt(t("what_happened", lang), InlineKeyboardMarkup([[skip]]))
        case AskNps():
            scores = [_button(str(s), ev.GiveNps(s)) for s in act.NPS_RANGE]
            rows = [
                scores[:6],
                scores[6:],
                [
                    _button(t("skip", lang), ev.Skip(NPS_CURSOR)),
                    _button(t("back", lang), ev.Back(NPS_CURSOR)),
                ],
            ]
            return Prompt(t("nps", lang), InlineKeyboardMarkup(rows))
        case AskComment():
            rows = [
                [
                    _button(t("skip", lang), ev.Skip(COMMENT_CURSOR)),
                    _button(t("back", lang), ev.Back(COMMENT_CURSOR)),
                ]
            ]
            return Prompt(t("comment", lang), InlineKeyboardMarkup(rows))
        case Summary():
            rows = [
                [_button(t("change", lang), ev.OpenChangeMenu())],
                [_button(t("submit", lang), ev.Submit())],
            ]
            return Prompt(
                t("summary", lang, lines=summary_lines(survey, state)), InlineKeyboardMarkup(rows)
            )
        case ChooseChange():
            rows = [
                [_button(f"{n}. {label}", ev.ChangeAnswer(key))]
                for n, (key, label, _) in enumerate(summary_entries(survey, state), start=1)
            ]
            return Prompt(t("choose_change", lang), InlineKeyboardMarkup(rows))
        case Done():
            return Prompt(t("already_done", lang))
    raise AssertionError(step)


def language_prompt(lang: str | None, languages: tuple[str, ...]) -> Prompt:
    """The language chooser (also behind ``/language``)."""
    row = [
        _button(LANGUAGE_NAMES[code], ev.ChooseLanguage(code))
        for code in SUPPORTED_LANGUAGES
        if code in languages
    ]
    return Prompt(t("choose_language", lang), InlineKeyboardMarkup([row]))


def forget_prompt(lang: str | None) -> Prompt:
    """``/forget`` asks before erasing anything."""
    row = [
        _button(t("forget_yes", lang), act.ConfirmForget(True)),
        _button(t("forget_no", lang), act.ConfirmForget(False)),
    ]
    return Prompt(t("forget_confirm", lang), InlineKeyboardMarkup([row]))


def feedback_kind_prompt(lang: str | None, answer_id: int) -> Prompt:
    """After spontaneous feedback: is it a complaint? (SPEC §2 Daily feedback)."""
    row = [
        _button(t("feedback_complaint", lang), act.MarkFeedback(answer_id, True)),
        _button(t("feedback_plain", lang), act.MarkFeedback(answer_id, False)),
    ]
    return Prompt(t("feedback_kind", lang), InlineKeyboardMarkup([row]))


def likert_keyboard(question: Question, lang: str | None) -> InlineKeyboardMarkup:
    """Five level buttons (5 first, text beginning with the digit), n/a and Back."""
    return _likert_keyboard(question.key, question.scale, lang)


# Made once per question and language: every answer sends one, and a keyboard is immutable
# (PTB freezes its objects), so one object serves every chat.
@functools.lru_cache(maxsize=1024)
def _likert_keyboard(key: str, scale: Scale, lang: str | None) -> InlineKeyboardMarkup:
    rows = [
        [_button(level_label(scale, level, lang), ev.AnswerLevel(key, level))]
        for level in sorted(LEVELS, reverse=True)
    ]
    rows.append(
        [
            _button(t("unable", lang), ev.AnswerLevel(key, None)),
            _button(t("back", lang), ev.Back(key)),
        ]
    )
    return InlineKeyboardMarkup(rows)


def causes_keyboard(
    question: Question, selected: tuple[str, ...], lang: str | None
) -> InlineKeyboardMarkup:
    """Toggle buttons for the detail attributes, then Done."""
    rows = [
        [
            _button(
                ("☑ " if a.key in selected else "☐ ") + pick(a.text, lang),
                ev.ToggleCause(question.key, index),
            )
        ]
        for index, a in enumerate(question.attributes)
    ]
    rows.append(
        [
            _button(t("done", lang), ev.CausesDone(question.key)),
            _button(t("back", lang), ev.Back(question.key)),
        ]
    )
    return InlineKeyboardMarkup(rows)


def summary_lines(survey: Survey, state: FlowState) -> str:
    lang = state.language
    return "\n".join(
        t("summary_line", lang, number=n, label=label, value=value)
        for n, (_, label, value) in enumerate(summary_entries(survey, state), start=1)
    )


def prompt_text(survey: Survey, state: FlowState, step: Step, name: str | None) -> str:
    """The text ``render`` gives ``step``; a question's without making its keyboard (the
    answered prompt is closed with its text only)."""
    if isinstance(step, AskLikert):
        return question_text(survey, step.question, step.number, step.total, state.language)
    return render(survey, state, step, name).text


def closed(text: str, choice: str, lang: str | None) -> str:
    """A prompt's text once answered: the choice is shown and the keyboard goes."""
    return f"{text}\n\n{t('chosen', lang, choice=choice)}"
