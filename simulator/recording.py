"""The record of every Bot API call and the activity clock behind `wait_idle`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

# Long polls arrive on their own schedule; they say nothing about the bot being busy.
_NOT_ACTIVITY = frozenset({"getUpdates"})


@dataclass(frozen=True)
class RecordedCall:
    """One call as the server saw it; `error_code` is None for success and dropped connections."""

    method: str
    params: dict[str, Any]
    ok: bool
    error_code: int | None
    at: float  # unix time of arrival


class CallLog:
    """Calls in order of completion, plus when the bot was last seen doing something."""

    def __init__(self) -> None:
        self.calls: list[RecordedCall] = []
        self._in_flight = 0
        self._last_activity = time.monotonic()
        self._last_call: float | None = None

    def begin(self, method: str) -> None:
        """A call arrived."""
        self._last_call = time.monotonic()
        if method not in _NOT_ACTIVITY:
            self._in_flight += 1
            self.touch()

    def end(self, call: RecordedCall) -> None:
        """A call was answered (or dropped)."""
        self._last_call = time.monotonic()
        self.calls.append(call)
        if call.method not in _NOT_ACTIVITY:
            self._in_flight -= 1
            self.touch()

    def touch(self) -> None:
        """Something happened that the bot may still be reacting to."""
        self._last_activity = time.monotonic()

    def seen_within(self, seconds: float) -> bool:
        """Did any call (long polls included) arrive or end in the last `seconds`?"""
        return self._last_call is not None and time.monotonic() - self._last_call <= seconds

    def quiet_for(self) -> float:
        """Seconds without activity; 0 while a call is being served."""
        if self._in_flight:
            return 0.0
        return time.monotonic() - self._last_activity

    def select(self, method: str | None, chat_id: int | str | None) -> list[RecordedCall]:
        """Calls of `method` (case-insensitive) to `chat_id`, both optional."""
        return [
            call
            for call in self.calls
            if (method is None or call.method.lower() == method.lower())
            and (chat_id is None or str(call.params.get("chat_id")) == str(chat_id))
        ]
