"""The survey service's ``Outcome`` as a ``Reply``: close the answered prompt with the choice,
then send the next step (or say why nothing changed and ask again)."""

from __future__ import annotations

from bot.choices import choice_text
from bot.render import Prompt, closed, prompt_text, render
from bot.reply import Reply
from bot.texts import t
from survey import events as ev
from survey.events import Refusal
from surveying.response import Response
from surveying.service import Outcome, view

# What a refused event is told; the current step follows.
REFUSAL_NOTICES = {
    Refusal.STALE: "stale_button",
    Refusal.NOT_A_LEVEL: "use_buttons",
    Refusal.NOT_A_SCORE: "use_nps_buttons",
}


def prompt_reply(outcome: Outcome, reply: Reply | None = None) -> Reply:
    """Add the step to show now to a reply."""
    reply = reply or Reply()
    reply.prompt = render(outcome.survey, outcome.state, outcome.step, outcome.name)
    return reply


def again(outcome: Outcome, notice: str) -> Reply:
    """A polite word, then the current step again."""
    return prompt_reply(outcome, Reply(callback_text=notice, notices=[notice]))


def outcome_reply(outcome: Outcome, message_id: int | None) -> Reply:
    """The messages for an event's outcome; ``message_id`` is the prompt it answered."""
    lang, event = outcome.state.language, outcome.event
    if outcome.refused is not None:
        return _refused(outcome, outcome.refused)
    reply = Reply(opened_tickets=[*outcome.opened_tickets, *outcome.alerts_due])
    match event:
        case ev.ChooseLanguage():
            reply.notices.append(t("language_set", lang))
            if message_id is not None:
                reply.close = (message_id, t("choose_language", lang))
            return prompt_reply(outcome, reply)
        case ev.ToggleCause():  # the same prompt stays, with the new ticks
            new = render(outcome.survey, outcome.state, outcome.step, outcome.name)
            if message_id is not None and new.keyboard is not None:
                reply.markup = (message_id, new.keyboard)
            return reply
    choice = choice_text(outcome.survey, outcome.state, event) if event else None
    if message_id is not None and choice is not None and outcome.shown and outcome.before:
        old = prompt_text(outcome.survey, outcome.before, outcome.shown, outcome.name)
        reply.close = (message_id, closed(old, choice, lang))
    if isinstance(event, ev.Submit):
        reply.prompt = Prompt(t("thank_you", lang))
        return reply
    return prompt_reply(outcome, reply)


def _refused(outcome: Outcome, refusal: Refusal) -> Reply:
    lang = outcome.state.language
    match refusal:
        case Refusal.FIRST_QUESTION:
            return Reply(callback_text=t("first_question", lang))
        case Refusal.FINISHED:
            return Reply(notices=[t("already_done", lang)])
        case Refusal.NOT_ASKED:
            return prompt_reply(outcome)
    return again(outcome, t(REFUSAL_NOTICES[refusal], lang))


def again_or_none(lang: str | None, response: Response | None, notice: str) -> Reply:
    """A polite word, then the current question again (or that there is no survey)."""
    if response is None:
        return Reply(callback_text=notice, notices=[notice, t("no_survey", lang)])
    return again(view(response), notice)


def resume(lang: str | None, response: Response | None) -> Reply:
    """The current question again, after a pause."""
    if response is None:
        return Reply(notices=[t("no_survey", lang)])
    return prompt_reply(view(response))


def retire_prompt(old: int | None, reply: Reply) -> None:
    """A new keyboard is on its way: the previous prompt's keyboard (message ``old``) goes, so
    that only one is live in the chat (a re-asked question would otherwise leave two that
    answer the same)."""
    if old is None or reply.prompt is None or reply.prompt.keyboard is None:
        return
    if reply.markup is not None or (reply.close is not None and reply.close[0] == old):
        return
    reply.markup = (old, None)
