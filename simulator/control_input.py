"""Reading the control API's JSON bodies and path ids, with a clear 4xx for anything wrong."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

MAX_BODY_BYTES = 64 * 1024


class ControlError(Exception):
    """Bad input to the control API: answered as `{"error": message}` with `status`."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


async def read_body(request: Request) -> dict[str, Any]:
    """The JSON object in the body (an empty body is an empty object)."""
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise ControlError(f"the body is larger than {MAX_BODY_BYTES} bytes", 413)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ControlError('the body must be a JSON object, e.g. {"text": "hello"}') from None
    if not isinstance(body, dict):
        raise ControlError('the body must be a JSON object, e.g. {"text": "hello"}')
    return body


def read_int(body: dict[str, Any], name: str) -> int | None:
    """An optional integer field (a string of digits is accepted, as forms send them)."""
    value = body.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ControlError(f"{name} is an integer, got {value!r}")
    return read_id(value, name)


def read_id(value: int | str, name: str) -> int:
    """An integer id from a path or a field."""
    if isinstance(value, int):
        return value
    try:
        return int(value.strip())
    except ValueError:
        raise ControlError(f"{name} is an integer, got {value!r}") from None


def read_text(
    body: dict[str, Any], name: str, *, required: bool = False, limit: int = 64, strip: bool = True
) -> str | None:
    """An optional (or required) string field of at most `limit` characters."""
    value = body.get(name)
    if value is None or (isinstance(value, str) and strip and not value.strip()):
        if required:
            raise ControlError(f"{name} is required")
        return None
    if not isinstance(value, str):
        raise ControlError(f"{name} is a string, got {value!r}")
    text = value.strip() if strip else value
    if len(text) > limit:
        raise ControlError(f"{name} is longer than {limit} characters")
    if "\x00" in text:
        raise ControlError(f"{name} contains a NUL character")
    return text
