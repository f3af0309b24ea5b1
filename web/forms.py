"""A posted survey form read back, pure: the progress flags it carries and the event its
pressed button means, or why it means none (``Problem``). Nothing here trusts the browser:
every value is checked against what a page of ours could have posted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from survey import events as ev
from survey.actions import NPS_RANGE
from survey.flow import Progress
from survey.schema import LEVELS, SUPPORTED_LANGUAGES

MAX_KEY_CHARS = 40  # the longest question key a survey may have (the chat row's cursor column)
UNABLE = "na"


class Problem(StrEnum):
    """Why a post is not an answer; the page is shown again with the matching notice."""

    INCOMPLETE = "bad_form"  # a field missing, or a value no page of ours posts
    BAD_CHOICE = "bad_choice"  # a level, score, cause or language that does not exist
    EMPTY_TEXT = "empty_text"
    TOO_LONG = "text_too_long"


@dataclass(frozen=True, slots=True)
class Posted:
    """What a form post says: the flags, and the event or the problem (with the text, cut to
    the limit, to show again)."""

    progress: Progress
    event: ev.Event | None = None
    problem: Problem | None = None
    text: str | None = None


def progress_of(fields: Mapping[str, str]) -> Progress:
    """The channel flags of a query string or a form's hidden fields (bad ones are dropped:
    the flow then shows the first unanswered question)."""
    language = fields.get("lang")
    cursor = fields.get("cursor") or None
    return Progress(
        language=language if language in SUPPORTED_LANGUAGES else None,
        begun=fields.get("begun") == "1",
        cursor=cursor if cursor and len(cursor) <= MAX_KEY_CHARS else None,
        choosing_change=fields.get("change") == "1",
    )


def query_of(progress: Progress, **extra: str) -> dict[str, str]:
    """The flags as query parameters (defaults left out), for a page's URL."""
    query = {
        "lang": progress.language or "",
        "begun": "1" if progress.begun else "",
        "cursor": progress.cursor or "",
        "change": "1" if progress.choosing_change else "",
        **extra,
    }
    return {name: value for name, value in query.items() if value}


def read(fields: Mapping[str, str], *, max_text: int) -> Posted:
    """The event of a posted form; texts longer than ``max_text`` are refused (the same limit
    the chat cuts at), their first ``max_text`` characters given back to show again."""
    progress = progress_of(fields)
    do, key = fields.get("do", ""), fields.get("key", "")
    if len(key) > MAX_KEY_CHARS:
        return Posted(progress, problem=Problem.INCOMPLETE)
    verb, _, value = do.partition(":")
    if verb == "text":
        text = fields.get("text", "").strip()
        if not text:
            return Posted(progress, problem=Problem.EMPTY_TEXT)
        if len(text) > max_text:
            return Posted(progress, problem=Problem.TOO_LONG, text=text[:max_text])
        return _needs_key(progress, key, ev.GiveText(key, text))
    match verb:
        case "language":
            if value not in SUPPORTED_LANGUAGES:
                return Posted(progress, problem=Problem.BAD_CHOICE)
            return Posted(progress, ev.ChooseLanguage(value))
        case "begin":
            return Posted(progress, ev.Begin())
        case "level":
            level = None if value == UNABLE else _number(value, LEVELS)
            if level is None and value != UNABLE:
                return Posted(progress, problem=Problem.BAD_CHOICE)
            return _needs_key(progress, key, ev.AnswerLevel(key, level))
        case "toggle":
            index = _number(value, range(100))
            if index is None:
                return Posted(progress, problem=Problem.BAD_CHOICE)
            return _needs_key(progress, key, ev.ToggleCause(key, index))
        case "causes_done":
            return _needs_key(progress, key, ev.CausesDone(key))
        case "back":
            return _needs_key(progress, key, ev.Back(key))
        case "skip":
            return _needs_key(progress, key, ev.Skip(key))
        case "nps":
            score = _number(value, NPS_RANGE)
            if score is None:
                return Posted(progress, problem=Problem.BAD_CHOICE)
            return Posted(progress, ev.GiveNps(score))
        case "change" if value and len(value) <= MAX_KEY_CHARS:
            # From the summary a change is one press: the menu is open as it is pressed.
            opened = Progress(progress.language, progress.begun, None, choosing_change=True)
            return Posted(opened, ev.ChangeAnswer(value))
        case "submit":
            return Posted(progress, ev.Submit())
    return Posted(progress, problem=Problem.INCOMPLETE)


def _needs_key(progress: Progress, key: str, event: ev.Event) -> Posted:
    return Posted(progress, event) if key else Posted(progress, problem=Problem.INCOMPLETE)


def _number(value: str, allowed: range | tuple[int, ...]) -> int | None:
    if not (value.isascii() and value.isdigit()) or len(value) > 3:  # no sign, no spaces
        return None
    number = int(value)
    return number if number in allowed else None
