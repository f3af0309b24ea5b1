"""A survey button, decoded by survey.actions, as the channel-neutral event it stands for."""

from __future__ import annotations

from survey import actions as act
from survey import events as ev
from survey.flow import COMMENT_CURSOR, NPS_CURSOR


def event_of(action: act.Action) -> ev.Event | None:
    """The survey event of a button; None for buttons that are no survey answer (feedback,
    /forget, staff)."""
    match action:
        case act.ChooseLanguage(language):
            return ev.ChooseLanguage(language)
        case act.Begin():
            return ev.Begin()
        case act.Answer(question, level):
            return ev.AnswerLevel(question, level)
        case act.Back(origin):
            return ev.Back(origin)
        case act.ToggleCause(question, index):
            return ev.ToggleCause(question, index)
        case act.CausesDone(question):
            return ev.CausesDone(question)
        case act.SkipText(question):
            return ev.Skip(question)
        case act.GiveNps(score):  # None: skipped
            return ev.Skip(NPS_CURSOR) if score is None else ev.GiveNps(score)
        case act.SkipComment():
            return ev.Skip(COMMENT_CURSOR)
        case act.OpenChangeMenu():
            return ev.OpenChangeMenu()
        case act.ChangeAnswer(target):
            return ev.ChangeAnswer(target)
        case act.Submit():
            return ev.Submit()
    return None
