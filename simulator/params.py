"""Decoding of Bot API request parameters from query strings, JSON, urlencoded and multipart."""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request

from simulator.errors import BAD_JSON, BAD_MARKUP_JSON, ApiError

Params = dict[str, Any]

_INT_PARAMS = frozenset(
    {"chat_id", "message_id", "offset", "limit", "timeout", "max_connections", "cache_time"}
)
_BOOL_PARAMS = frozenset(
    {"show_alert", "drop_pending_updates", "disable_notification", "protect_content"}
)
# Form bodies carry nested values as JSON strings; Telegram accepts them that way in JSON too.
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "allowed_updates",
        "commands",
        "scope",
        "entities",
        "link_preview_options",
        "reply_parameters",
    }
)


async def read_params(request: Request) -> Params:
    """Query parameters overlaid with the body's, typed like Telegram reads them."""
    raw: Params = dict(request.query_params)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        body = await request.body()
        if body.strip():
            try:
                decoded = json.loads(body)
            except ValueError as exc:
                raise ApiError(BAD_JSON) from exc
            if not isinstance(decoded, dict):
                raise ApiError(BAD_JSON)
            raw.update(decoded)
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        async with request.form() as form:
            for key, value in form.multi_items():
                # Uploaded files are not stored; keep their names so calls stay inspectable.
                raw[key] = value.filename if isinstance(value, UploadFile) else value
    return {key: _coerce(key, value) for key, value in raw.items()}


def _coerce(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if key in _JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError as exc:
            raise ApiError(BAD_MARKUP_JSON if key == "reply_markup" else BAD_JSON) from exc
    if key in _INT_PARAMS:
        return _to_int(value)
    if key in _BOOL_PARAMS:
        return value.strip().lower() in ("true", "1")
    return value


def _to_int(value: str) -> int | str:
    # chat_id may be "@channelusername"; anything not numeric stays a string for the method.
    try:
        return int(value)
    except ValueError:
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() else value


def int_param(params: Params, name: str, missing: str) -> int:
    """A required integer parameter; `missing` is Telegram's description when it is absent."""
    value = params.get(name)
    if value is None or value == "":
        raise ApiError(missing)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(f"Bad Request: wrong parameter {name} in request")
    return value


def optional_int(params: Params, name: str, default: int) -> int:
    """An optional integer parameter; absent or malformed values give `default`."""
    value = params.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        return default
    return value
