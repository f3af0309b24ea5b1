"""The Bot API method table, and the methods about the bot itself and its updates."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from simulator import messaging
from simulator.errors import (
    BAD_COMMAND_DESCRIPTION,
    BAD_COMMANDS,
    POLLING_CONFLICT,
    SECRET_TOKEN_INVALID,
    WEBHOOK_ACTIVE,
    WEBHOOK_URL_INVALID,
    ApiError,
)
from simulator.limits import RateLimiter
from simulator.params import Params, optional_int
from simulator.recording import CallLog
from simulator.state import JSON, SimState

_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


class Described(NamedTuple):
    """A result that Telegram sends with a `description` (setWebhook, deleteWebhook)."""

    result: Any
    description: str


@dataclass
class Api:
    """What the methods work on."""

    state: SimState
    limiter: RateLimiter
    calls: CallLog
    poll_generation: int = 0
    closing: bool = False


Method = Callable[[Api, Params], Awaitable[Any]]


async def get_me(api: Api, p: Params) -> JSON:
    """getMe: the bot's `User` with the bot-only fields."""
    return api.state.bot.to_json() | {
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_updates(api: Api, p: Params) -> list[JSON]:
    """getUpdates: confirm below offset, then long-poll up to `timeout` seconds."""
    updates = api.state.updates
    offset = optional_int(p, "offset", 0)
    limit = min(max(optional_int(p, "limit", 100), 1), 100)
    timeout = max(optional_int(p, "timeout", 0), 0)
    if p.get("allowed_updates") is not None:
        updates.allowed = list(p["allowed_updates"])
    # Telegram answers an older, still waiting getUpdates with 409 when a newer one arrives.
    api.poll_generation += 1
    generation = api.poll_generation
    updates.wake()
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        if api.state.webhook.url:
            raise ApiError(WEBHOOK_ACTIVE, 409)
        if generation != api.poll_generation:
            raise ApiError(POLLING_CONFLICT, 409)
        chosen = _select(api, offset, limit)
        remaining = deadline - asyncio.get_running_loop().time()
        if chosen or api.closing or remaining <= 0:
            return chosen
        await updates.wait(remaining)


def _select(api: Api, offset: int, limit: int) -> list[JSON]:
    updates = api.state.updates
    before = len(updates.pending)
    if offset < 0:
        # A negative offset asks for the last -offset updates and forgets all earlier ones.
        tail = updates.pending[offset:]
        if tail:
            updates.confirm_below(tail[0]["update_id"])
    elif offset:
        updates.confirm_below(offset)
    if len(updates.pending) != before:
        api.calls.touch()
    return list(updates.pending[:limit])


async def set_webhook(api: Api, p: Params) -> Described:
    """setWebhook: http URLs are accepted too (local receivers); an empty URL removes it."""
    url = str(p.get("url") or "")
    if not url:
        return await delete_webhook(api, p)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ApiError(WEBHOOK_URL_INVALID)
    secret = p.get("secret_token")
    if secret is not None and not _SECRET_TOKEN.fullmatch(str(secret)):
        raise ApiError(SECRET_TOKEN_INVALID)
    _apply_update_options(api, p)
    webhook = api.state.webhook
    unchanged = webhook.url == url and webhook.secret_token == secret
    if webhook.url != url:
        webhook.last_error_date = webhook.last_error_message = None
    webhook.url, webhook.secret_token = url, secret
    webhook.max_connections = optional_int(p, "max_connections", 40)
    api.state.updates.wake()  # a waiting getUpdates now ends with 409
    return Described(True, "Webhook is already set" if unchanged else "Webhook was set")


async def delete_webhook(api: Api, p: Params) -> Described:
    """deleteWebhook: back to getUpdates; pending updates stay unless dropped."""
    _apply_update_options(api, p)
    webhook = api.state.webhook
    had_url = bool(webhook.url)
    webhook.url, webhook.secret_token = "", None
    return Described(True, "Webhook was deleted" if had_url else "Webhook is already deleted")


async def get_webhook_info(api: Api, p: Params) -> JSON:
    """getWebhookInfo: URL, pending count and the last delivery error."""
    webhook, updates = api.state.webhook, api.state.updates
    info: JSON = {
        "url": webhook.url,
        "has_custom_certificate": False,
        "pending_update_count": len(updates.pending),
    }
    if webhook.url:
        info |= {"ip_address": "127.0.0.1", "max_connections": webhook.max_connections}
        if updates.allowed:
            info["allowed_updates"] = list(updates.allowed)
    if webhook.last_error_date is not None:
        info["last_error_date"] = webhook.last_error_date
        info["last_error_message"] = webhook.last_error_message
    return info


async def set_my_commands(api: Api, p: Params) -> bool:
    """setMyCommands: 1–100 commands of `a-z0-9_` (1–32) with 1–256 character descriptions."""
    commands = p.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise ApiError(BAD_COMMANDS)
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND.fullmatch(str(command.get("command"))):
            raise ApiError(BAD_COMMANDS)
        if not 1 <= len(str(command.get("description") or "")) <= 256:
            raise ApiError(BAD_COMMAND_DESCRIPTION)
    api.state.commands[_commands_key(p)] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


async def get_my_commands(api: Api, p: Params) -> list[JSON]:
    """getMyCommands for a scope and language."""
    return list(api.state.commands.get(_commands_key(p), []))


async def delete_my_commands(api: Api, p: Params) -> bool:
    """deleteMyCommands for a scope and language."""
    api.state.commands.pop(_commands_key(p), None)
    return True


def _commands_key(p: Params) -> tuple[str, str]:
    scope = p.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")


def _apply_update_options(api: Api, p: Params) -> None:
    if p.get("drop_pending_updates"):
        api.state.updates.pending.clear()
    if p.get("allowed_updates") is not None:
        api.state.updates.allowed = list(p["allowed_updates"])


METHODS: dict[str, Method] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "sendMessage": messaging.send_message,
    "editMessageText": messaging.edit_message_text,
    "editMessageReplyMarkup": messaging.edit_message_reply_markup,
    "deleteMessage": messaging.delete_message,
    "answerCallbackQuery": messaging.answer_callback_query,
    "sendChatAction": messaging.send_chat_action,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
}
# Telegram matches method names case-insensitively; calls are recorded under the canonical name.
CANONICAL_NAMES = {name.lower(): name for name in METHODS}
