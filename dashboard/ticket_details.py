"""A ticket's machine-written words in the reader's language: the details its history rows
carry (``score 2``, ``open → acknowledged``, ``from open``, a completion date…) and why its
alert has not reached a staff chat. What people typed (plans, notes, owners) stays as written;
a detail in a shape this module does not know shows as stored, never wrongly worded.

The shapes are the ones storage writes: storage.tickets (``score N``, ``complaint``, ``respondent
changed the score to N``, the follow-up's cause keys), storage.ticket_lifecycle (``owner; open →
acknowledged``, ``from <status>``, the ISO completion date, the kind), storage.ticket_alerts
(``chat <id>``, ``waiting for a staff chat: …``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from dashboard import ticket_texts as _ticket_texts  # noqa: F401  (the phrases below)
from dashboard.texts import t
from dashboard.words import department_word
from storage.ticket_alerts import WAITING_FOR_CHAT
from survey.routing import NO_DEPARTMENT
from survey.vocabulary import TicketKind, TicketStatus

STATUS_CHANGE_PREFIX: Final = "from "
DUE_AT_ACTION: Final = "due_at"
SCORE: Final = re.compile(r"score (\d+)")
SCORE_CHANGED: Final = re.compile(r"respondent changed the score to (\d+|n/a)")
TAKEN: Final = re.compile(r"(?P<owner>.+); (?P<before>\w+) → (?P<after>\w+)")
ALERTED: Final = re.compile(r"chat (-?\d+)")
# bot.alerts words a missing chat "none for department <name>" (a channel: not importable here).
NO_CHAT: Final = re.compile(r"none for department (?P<department>.+)")
CAUSE_ACTIONS: Final = frozenset({"follow_up"})
SCORE_ACTIONS: Final = frozenset({"opened", "score_changed"})


def local_time(moment: datetime | None, zone: str) -> str:
    """A moment as the company reads it: ``2026-03-05 10:00`` in its time zone."""
    if moment is None:
        return "–"
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def _status(code: str, lang: str) -> str:
    return t(f"tstatus_{code}", lang) if code in set(TicketStatus) else code


def _listed(names: list[str], lang: str) -> str:
    return ("、" if lang == "zh-CN" else ", ").join(names)


def event_detail(
    action: str,
    detail: str | None,
    zone: str,
    lang: str,
    causes: Mapping[str, str] | None = None,
) -> str:
    """A history row's detail as people read it; ``causes`` names the ticket's cause keys."""
    if detail is None:
        return ""
    if action in set(TicketStatus) and detail.startswith(STATUS_CHANGE_PREFIX):
        before = detail.removeprefix(STATUS_CHANGE_PREFIX)
        if before in set(TicketStatus):
            return t("history_from", lang, status=_status(before, lang))
    if action == DUE_AT_ACTION:
        try:
            return local_time(datetime.fromisoformat(detail), zone)
        except ValueError:
            return detail
    if action in SCORE_ACTIONS and (score := SCORE.fullmatch(detail)):
        return t("detail_score", lang, score=score.group(1))
    if action == "opened" and detail == "complaint":
        return t("detail_complaint", lang)
    if action in {"withdrawn", "score_changed"} and (changed := SCORE_CHANGED.fullmatch(detail)):
        level = changed.group(1)
        return t("detail_score_changed", lang, score="–" if level == "n/a" else level)
    if action == "taken" and (taken := TAKEN.fullmatch(detail)):
        step = f"{_status(taken['before'], lang)} → {_status(taken['after'], lang)}"
        return t("detail_taken", lang, owner=taken["owner"], step=step)
    if action == "alerted" and (chat := ALERTED.fullmatch(detail)):
        return t("detail_alerted", lang, chat=chat.group(1))
    if action == "classified" and detail in set(TicketKind):
        return t(f"tkind_{detail}", lang)
    if action in CAUSE_ACTIONS and causes is not None:
        keys = [key.strip() for key in detail.split(",")]
        return _listed([causes.get(key, key) for key in keys], lang)
    return detail


def alert_error_text(error: str | None, lang: str) -> str | None:
    """Why a ticket's alert is undelivered, in ``lang``; a Telegram refusal keeps its words."""
    if error is None:
        return None
    if error.startswith(WAITING_FOR_CHAT):
        why = error.removeprefix(WAITING_FOR_CHAT).lstrip(": ")
        if missing := NO_CHAT.fullmatch(why):
            name = missing["department"]
            department = (
                t("no_department", lang) if name == NO_DEPARTMENT else department_word(name, lang)
            )
            return t("alert_no_chat", lang, department=department)
        return t("alert_waiting", lang)
    return t("alert_refused", lang, error=error)
