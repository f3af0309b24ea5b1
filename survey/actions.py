"""What a button means: the versioned callback_data codec of the conversation.

callback_data travels through Telegram and comes back untrusted, so it is short (Telegram
allows 1–64 bytes), starts with a version and parses into a survey event (survey/events.py,
the same a typed answer or the web form gives) or one of the other actions below, or fails
with ``InvalidAnswer``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Protocol

from survey.errors import InvalidAnswer
from survey.events import (
    AnswerLevel,
    Back,
    Begin,
    CausesDone,
    ChangeAnswer,
    ChooseLanguage,
    GiveNps,
    OpenChangeMenu,
    Skip,
    Submit,
    ToggleCause,
)
from survey.flow import COMMENT_CURSOR, NPS_CURSOR
from survey.schema import LEVELS, SUPPORTED_LANGUAGES

VERSION = "1"
MAX_CALLBACK_BYTES = 64
NPS_RANGE = range(0, 11)


@dataclass(frozen=True, slots=True)
class ConfirmForget:
    confirmed: bool


@dataclass(frozen=True, slots=True)
class MarkFeedback:
    answer_id: int
    complaint: bool


@dataclass(frozen=True, slots=True)
class TakeTicket:
    """Staff: assign the ticket to whoever pressed."""

    ticket_id: int


@dataclass(frozen=True, slots=True)
class OpenTicket:
    """Staff: show the ticket's details and history."""

    ticket_id: int


# The survey's own buttons carry its events (survey/events.py) as they are; the others are
# answers outside the survey: /forget, daily feedback and the staff's alert buttons.
SurveyButton = (
    ChooseLanguage
    | Begin
    | AnswerLevel
    | Back
    | ToggleCause
    | CausesDone
    | Skip
    | GiveNps
    | Submit
    | OpenChangeMenu
    | ChangeAnswer
)
Action = SurveyButton | ConfirmForget | MarkFeedback | TakeTicket | OpenTicket

SEPARATOR = ":"


class Field(Protocol):
    """How one field of an action is written into callback_data and read back from it;
    ``parse`` raises ValueError for anything the field cannot hold."""

    def write(self, value: Any) -> str: ...

    def parse(self, text: str) -> Any: ...


@dataclass(frozen=True, slots=True)
class Text:
    """Any text: a question key, the origin of a Back."""

    def write(self, value: str) -> str:
        return value

    def parse(self, text: str) -> str:
        return text


@dataclass(frozen=True, slots=True)
class OneOf:
    """One of a few known words (a language)."""

    values: Collection[str]

    def write(self, value: str) -> str:
        return value

    def parse(self, text: str) -> str:
        if text not in self.values:
            raise ValueError(text)
        return text


@dataclass(frozen=True, slots=True)
class Number:
    """A non-negative integer in decimal digits, within ``allowed`` when given."""

    allowed: Collection[int] | None = None

    def write(self, value: int) -> str:
        return str(value)

    def parse(self, text: str) -> int:
        if not text.isdigit() or (self.allowed is not None and int(text) not in self.allowed):
            raise ValueError(text)
        return int(text)


@dataclass(frozen=True, slots=True)
class OrNone:
    """``inner``, or None written as ``token`` (unable to comment, a skipped score)."""

    inner: Field
    token: str

    def write(self, value: Any) -> str:
        return self.token if value is None else self.inner.write(value)

    def parse(self, text: str) -> Any:
        return None if text == self.token else self.inner.parse(text)


@dataclass(frozen=True, slots=True)
class Flag:
    """A yes/no written as one of two letters."""

    yes: str
    no: str

    def write(self, value: bool) -> str:
        return self.yes if value else self.no

    def parse(self, text: str) -> bool:
        if text not in (self.yes, self.no):
            raise ValueError(text)
        return text == self.yes


@dataclass(frozen=True, slots=True)
class Button:
    """One action as callback_data: its code, then its fields in the dataclass's order."""

    action: type[Action]
    code: str
    fields: tuple[Field, ...] = ()


# The codec: both directions read this table. Codes and field spellings are what buttons
# already sent into chats carry; change them only with a new VERSION.
BUTTONS: tuple[Button, ...] = (
    Button(ChooseLanguage, "L", (OneOf(SUPPORTED_LANGUAGES),)),
    Button(Begin, "B"),
    Button(AnswerLevel, "A", (Text(), OrNone(Number(LEVELS), "n"))),
    Button(Back, "K", (Text(),)),
    Button(ToggleCause, "C", (Text(), Number())),
    Button(CausesDone, "D", (Text(),)),
    Button(Skip, "S", (Text(),)),
    Button(GiveNps, "N", (Number(NPS_RANGE),)),
    Button(Submit, "X"),
    Button(OpenChangeMenu, "H"),
    Button(ChangeAnswer, "G", (Text(),)),
    Button(ConfirmForget, "F", (Flag("y", "n"),)),
    Button(MarkFeedback, "T", (Number(), Flag("c", "f"))),
    Button(TakeTicket, "Y", (Number(),)),
    Button(OpenTicket, "O", (Number(),)),
)
BY_ACTION: dict[type[Action], Button] = {button.action: button for button in BUTTONS}
BY_CODE: dict[str, Button] = {button.code: button for button in BUTTONS}
# Spellings of version 1 that buttons already in chats carry for what is now Skip: they are
# read, no longer written.
EARLIER: dict[str, Action] = {
    SEPARATOR.join([VERSION, "N", "s"]): Skip(NPS_CURSOR),
    SEPARATOR.join([VERSION, "M"]): Skip(COMMENT_CURSOR),
}


def encode(action: Action) -> str:
    """The callback_data of a button; raises ValueError past Telegram's 64 bytes."""
    button = BY_ACTION[type(action)]
    values = [getattr(action, field.name) for field in dataclasses.fields(action)]
    parts = [f.write(value) for f, value in zip(button.fields, values, strict=True)]
    data = SEPARATOR.join([VERSION, button.code, *parts])
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback_data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Action:
    """Parse callback_data; anything malformed or from another version is InvalidAnswer."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        raise InvalidAnswer("empty or oversized button data")
    if data in EARLIER:
        return EARLIER[data]
    version, _, rest = data.partition(SEPARATOR)
    if version != VERSION:
        raise InvalidAnswer(f"button from another version: {data!r}")
    code, *args = rest.split(SEPARATOR)
    button = BY_CODE.get(code)
    try:
        if button is None:
            raise ValueError(code)
        values = [f.parse(arg) for f, arg in zip(button.fields, args, strict=True)]
    except ValueError:
        raise InvalidAnswer(f"malformed button data: {data!r}") from None
    return button.action(*values)


def pattern(action: type[Action]) -> str:
    """A regular expression matching the callback_data of every ``action`` button (for
    routing updates to a handler before decoding them)."""
    return f"^{re.escape(SEPARATOR.join([VERSION, BY_ACTION[action].code, '']))}"


def parse_typed_level(text: str) -> int | None:
    """A typed digit 1–5 answers a Likert question; anything else is None."""
    stripped = text.strip()
    return int(stripped) if stripped in {str(level) for level in LEVELS} else None


def parse_typed_nps(text: str) -> int | None:
    """A typed 0–10 answers the NPS question; anything else is None."""
    stripped = text.strip()
    return int(stripped) if stripped.isdigit() and int(stripped) in NPS_RANGE else None
