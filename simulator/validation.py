"""Telegram's checks on message text and reply markup."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from simulator.errors import (
    BAD_MARKUP_JSON,
    BUTTON_DATA_INVALID,
    BUTTON_TEXT_INVALID,
    BUTTON_TYPE_INVALID,
    BUTTON_URL_INVALID,
    INLINE_KEYBOARD_EXPECTED,
    TEXT_BUTTON_IN_INLINE,
    TEXT_EMPTY,
    TEXT_TOO_LONG,
    ApiError,
)

MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "web_app",
    "copy_text",
    "pay",
)


def message_text(text: Any, parse_mode: Any) -> str:
    """The text as stored after entity parsing; raises Telegram's empty/too long errors."""
    if text is None:
        raise ApiError(TEXT_EMPTY)
    plain = _strip_html(str(text)) if str(parse_mode or "").upper() == "HTML" else str(text)
    # Telegram trims surrounding whitespace, so a blank message is an empty one.
    plain = plain.strip()
    if not plain:
        raise ApiError(TEXT_EMPTY)
    if len(plain) > MAX_TEXT_LENGTH:
        raise ApiError(TEXT_TOO_LONG)
    return plain


def reply_markup(markup: Any) -> dict[str, Any] | None:
    """Any accepted markup; only an inline keyboard is kept on the message, as Telegram does."""
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise ApiError(BAD_MARKUP_JSON)
    if "inline_keyboard" in markup:
        return inline_keyboard(markup)
    if "keyboard" in markup or "remove_keyboard" in markup or "force_reply" in markup:
        return None
    raise ApiError(BAD_MARKUP_JSON)


def edit_markup(markup: Any) -> dict[str, Any] | None:
    """The inline keyboard of an edit; None (absent) removes the keyboard."""
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise ApiError(BAD_MARKUP_JSON)
    if "inline_keyboard" not in markup:
        raise ApiError(INLINE_KEYBOARD_EXPECTED)
    return inline_keyboard(markup)


def inline_keyboard(markup: dict[str, Any]) -> dict[str, Any] | None:
    """Validate rows of buttons; an empty keyboard means no keyboard at all."""
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(BAD_MARKUP_JSON)
    for row in rows:
        for button in row:
            _check_button(button)
    if not any(rows):
        return None
    return {"inline_keyboard": [[dict(button) for button in row] for row in rows if row]}


def _check_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise ApiError(BAD_MARKUP_JSON)
    if not isinstance(button.get("text"), str) or not button["text"].strip():
        raise ApiError(BUTTON_TEXT_INVALID)
    if not any(key in button for key in _BUTTON_ACTIONS):
        raise ApiError(TEXT_BUTTON_IN_INLINE)
    if "callback_data" in button:
        data = button["callback_data"]
        # The limit is in bytes: 33 two-byte letters are too long although 33 < 64 characters.
        size = len(data.encode("utf-8")) if isinstance(data, str) else 0
        if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise ApiError(BUTTON_DATA_INVALID)
    if "web_app" in button:
        web_app = button["web_app"]
        url = web_app.get("url") if isinstance(web_app, dict) else None
        # Telegram takes https only; the simulator also takes http, so that a Mini App served
        # by a test's local server can be opened from its button.
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise ApiError(BUTTON_URL_INVALID)


def private_only_buttons(markup: dict[str, Any] | None, *, is_group: bool) -> None:
    """Telegram allows web_app buttons in private chats only."""
    rows = markup["inline_keyboard"] if markup is not None else []
    if is_group and any("web_app" in button for row in rows for button in row):
        raise ApiError(BUTTON_TYPE_INVALID)


class _TextCollector(HTMLParser):
    """Keeps the text of an HTML-formatted message and drops the tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _strip_html(text: str) -> str:
    collector = _TextCollector()
    collector.feed(text)
    collector.close()
    return "".join(collector.parts)
