"""What a button means: the versioned callback_data codec of the conversation.

callback_data travels through Telegram and comes back untrusted, so it is short (Telegram
allows 1–64 bytes), starts with a version and parses into one of the actions below or fails
with ``InvalidAnswer``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from survey.errors import InvalidAnswer
from survey.schema import LEVELS, SUPPORTED_LANGUAGES

VERSION = "1"
MAX_CALLBACK_BYTES = 64
NPS_RANGE = range(0, 11)


@dataclass(frozen=True, slots=True)
class ChooseLanguage:
    language: str


@dataclass(frozen=True, slots=True)
class Begin:
    pass


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    level: int | None  # None = unable to comment


@dataclass(frozen=True, slots=True)
class Back:
    origin: str  # the question key (or "nps"/"comment") of the message pressed


@dataclass(frozen=True, slots=True)
class ToggleCause:
    question: str
    index: int


@dataclass(frozen=True, slots=True)
class CausesDone:
    question: str


@dataclass(frozen=True, slots=True)
class SkipText:
    question: str


@dataclass(frozen=True, slots=True)
class GiveNps:
    score: int | None  # None = skipped


@dataclass(frozen=True, slots=True)
class SkipComment:
    pass


@dataclass(frozen=True, slots=True)
class Submit:
    pass


@dataclass(frozen=True, slots=True)
class OpenChangeMenu:
    pass


@dataclass(frozen=True, slots=True)
class ChangeAnswer:
    question: str


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


Action = (
    ChooseLanguage
    | Begin
    | Answer
    | Back
    | ToggleCause
    | CausesDone
    | SkipText
    | GiveNps
    | SkipComment
    | Submit
    | OpenChangeMenu
    | ChangeAnswer
    | ConfirmForget
    | MarkFeedback
    | TakeTicket
    | OpenTicket
)

NpsOrigin = Literal["nps", "comment"]


def encode(action: Action) -> str:
    """The callback_data of a button; raises ValueError past Telegram's 64 bytes."""
    parts: list[str]
    match action:
        case ChooseLanguage(language):
            parts = ["L", language]
        case Begin():
            parts = ["B"]
        case Answer(question, level):
            parts = ["A", question, "n" if level is None else str(level)]
        case Back(origin):
            parts = ["K", origin]
        case ToggleCause(question, index):
            parts = ["C", question, str(index)]
        case CausesDone(question):
            parts = ["D", question]
        case SkipText(question):
            parts = ["S", question]
        case GiveNps(score):
            parts = ["N", "s" if score is None else str(score)]
        case SkipComment():
            parts = ["M"]
        case Submit():
            parts = ["X"]
        case OpenChangeMenu():
            parts = ["H"]
        case ChangeAnswer(question):
            parts = ["G", question]
        case ConfirmForget(confirmed):
            parts = ["F", "y" if confirmed else "n"]
        case MarkFeedback(answer_id, complaint):
            parts = ["T", str(answer_id), "c" if complaint else "f"]
        case TakeTicket(ticket_id):
            parts = ["Y", str(ticket_id)]
        case OpenTicket(ticket_id):
            parts = ["O", str(ticket_id)]
    data = ":".join([VERSION, *parts])
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback_data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Action:
    """Parse callback_data; anything malformed or from another version is InvalidAnswer."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        raise InvalidAnswer("empty or oversized button data")
    version, _, rest = data.partition(":")
    if version != VERSION:
        raise InvalidAnswer(f"button from another version: {data!r}")
    code, *args = rest.split(":")
    try:
        return _decode(code, args)
    except (ValueError, IndexError):
        raise InvalidAnswer(f"malformed button data: {data!r}") from None


def _decode(code: str, args: list[str]) -> Action:
    simple: dict[str, Action] = {
        "B": Begin(),
        "M": SkipComment(),
        "X": Submit(),
        "H": OpenChangeMenu(),
    }
    if code in simple and not args:
        return simple[code]
    match code, args:
        case "L", [language] if language in SUPPORTED_LANGUAGES:
            return ChooseLanguage(language)
        case "A", [question, "n"]:
            return Answer(question, None)
        case "A", [question, level] if level.isdigit() and int(level) in LEVELS:
            return Answer(question, int(level))
        case "K", [origin]:
            return Back(origin)
        case "C", [question, index] if index.isdigit():
            return ToggleCause(question, int(index))
        case "D", [question]:
            return CausesDone(question)
        case "S", [question]:
            return SkipText(question)
        case "N", ["s"]:
            return GiveNps(None)
        case "N", [score] if score.isdigit() and int(score) in NPS_RANGE:
            return GiveNps(int(score))
        case "G", [question]:
            return ChangeAnswer(question)
        case "F", [flag] if flag in ("y", "n"):
            return ConfirmForget(flag == "y")
        case "T", [answer_id, flag] if answer_id.isdigit() and flag in ("c", "f"):
            return MarkFeedback(int(answer_id), flag == "c")
        case "Y", [ticket_id] if ticket_id.isdigit():
            return TakeTicket(int(ticket_id))
        case "O", [ticket_id] if ticket_id.isdigit():
            return OpenTicket(int(ticket_id))
    raise ValueError(code)


def parse_typed_level(text: str) -> int | None:
    """A typed digit 1–5 answers a Likert question; anything else is None."""
    stripped = text.strip()
    return int(stripped) if stripped in {str(level) for level in LEVELS} else None


def parse_typed_nps(text: str) -> int | None:
    """A typed 0–10 answers the NPS question; anything else is None."""
    stripped = text.strip()
    return int(stripped) if stripped.isdigit() and int(stripped) in NPS_RANGE else None
