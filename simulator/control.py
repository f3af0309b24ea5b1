"""The control API: act as simulated people over HTTP, beside the Bot API on the same server.

Everything lives under `/control/` (the Bot API is `/bot<token>/<method>`), takes and answers
JSON, and drives the same `SimUser`/`SimChat` objects tests use:

    GET  /control/bot                      the bot: username, deep-link prefix, connected
    GET  /control/users                    {"users": [user]}
    POST /control/users                    {first_name, id?, last_name?, username?,
                                            language_code?} -> user (201 new, 200 known id)
    GET  /control/users/{id}               user (with the bot's answers to their presses)
    POST /control/users/{id}/messages      {text, chat_id?}: a text or /command, in the
                                            private chat or a group
    POST /control/users/{id}/presses       {label | callback_data, chat_id?, message_id?}
    POST /control/users/{id}/links         {link}: open https://t.me/<bot>?start=<token>
    POST /control/users/{id}/web_apps      {label, message_id?}: tap a Mini App button ->
                                            {url}: its URL with initData signed for them
    GET  /control/groups                   {"groups": [chat]}
    POST /control/groups                   {id?, title?, type?} -> chat (201 new, 200 known)
    GET  /control/chats/{id}/messages      ?since=REVISION&wait=SECONDS: long-polls until
                                            something changed past REVISION

Shapes are in `simulator.views`. Bad input answers `{"error": "..."}` with 400, 403 (another
person's private chat), 404 (no such user, chat, message or button) or 409 (a blocked bot).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from simulator.client import SimChat, SimUser
from simulator.control_input import ControlError, read_body, read_id, read_int, read_text
from simulator.deeplinks import DeepLinkError, deep_link, start_payload
from simulator.delivery import Delivery
from simulator.state import GROUP_TYPES, ChatType
from simulator.views import chat_view, delivery_view, messages_view, user_view

if TYPE_CHECKING:
    from simulator.simulator import BotApiSimulator

PREFIX = "/control"
MAX_WAIT_SECONDS = 30.0
FIRST_USER_ID = 5_000_001  # far from the example respondents' Telegram ids (100001, …)
FIRST_GROUP_ID = -1_000_000_000_001
CHAT_TYPES = [str(chat_type) for chat_type in GROUP_TYPES]
DEFAULT_LANGUAGE = "en"
MAX_ID = 2**52  # Telegram's ids fit in 52 bits (and so in a JavaScript number)

Endpoint = Callable[[Request], Awaitable[Response]]


class ControlApi:
    """The control endpoints over one simulator."""

    def __init__(self, sim: BotApiSimulator) -> None:
        self.sim = sim

    def routes(self) -> list[BaseRoute]:
        """Starlette routes, all under PREFIX."""
        table: list[tuple[str, Endpoint, str]] = [
            ("/bot", self.bot, "GET"),
            ("/users", self.list_users, "GET"),
            ("/users", self.create_user, "POST"),
            ("/users/{user_id}", self.get_user, "GET"),
            ("/users/{user_id}/messages", self.send_message, "POST"),
            ("/users/{user_id}/presses", self.press, "POST"),
            ("/users/{user_id}/links", self.open_link, "POST"),
            ("/users/{user_id}/web_apps", self.open_web_app, "POST"),
            ("/groups", self.list_groups, "GET"),
            ("/groups", self.create_group, "POST"),
            ("/chats/{chat_id}/messages", self.chat_messages, "GET"),
        ]
        return [
            Route(PREFIX + path, _answering(endpoint), methods=[method])
            for path, endpoint, method in table
        ]

    async def bot(self, request: Request) -> Response:
        """Who the bot is and whether it is talking to the simulator."""
        sim = self.sim
        return JSONResponse(
            {
                "id": sim.bot_id,
                "username": sim.bot_username,
                "deep_link_prefix": deep_link(sim.bot_username, ""),
                "mode": sim.intake,
                "connected": sim.bot_connected,
            }
        )

    async def list_users(self, request: Request) -> Response:
        """Every simulated person."""
        return JSONResponse({"users": [user_view(user) for user in self.sim.users]})

    async def create_user(self, request: Request) -> Response:
        """A new person (201), or the one with that id already (200)."""
        body = await read_body(request)
        user_id = read_int(body, "id")
        if user_id is not None and not 0 < user_id <= MAX_ID:
            raise ControlError(f"a user id is a positive integer up to 2**52, got {user_id}")
        if user_id == self.sim.bot_id:
            raise ControlError(f"{user_id} is the bot's own id", 409)
        known = {user.id for user in self.sim.users}
        if user_id in known:
            return JSONResponse(user_view(self.sim.user(user_id)))
        user = self.sim.user(
            user_id or max(known | {FIRST_USER_ID - 1}) + 1,
            first_name=read_text(body, "first_name", required=True, limit=64) or "",
            last_name=read_text(body, "last_name", limit=64),
            username=read_text(body, "username", limit=32),
            # Like sim.user(): English unless told (an empty value: no language at all)
            language_code=read_text(body, "language_code", limit=35)
            if "language_code" in body
            else DEFAULT_LANGUAGE,
        )
        return JSONResponse(user_view(user), status_code=201)

    async def get_user(self, request: Request) -> Response:
        """One person."""
        return JSONResponse(user_view(self._user(request)))

    async def send_message(self, request: Request) -> Response:
        """The person writes a text (a leading /command is marked as one)."""
        user = self._user(request)
        body = await read_body(request)
        text = read_text(body, "text", required=True, limit=4096) or ""
        chat = self._chat_for(user, read_int(body, "chat_id"))
        return self._delivered(await user.send_text(text, chat=chat))

    async def press(self, request: Request) -> Response:
        """The person presses an inline button, found by its label or its callback_data."""
        user = self._user(request)
        body = await read_body(request)
        chat = self._chat_for(user, read_int(body, "chat_id")) or user.chat
        label = read_text(body, "label", limit=256)
        data = read_text(body, "callback_data", limit=256, strip=False)
        if (label is None) == (data is None):
            raise ControlError("give either label or callback_data of the button to press")
        message = chat.keyboard_message(read_int(body, "message_id"))
        if label is not None:
            return self._delivered(
                await user.press(label, message_id=message.message_id, chat=chat)
            )
        if data not in {d for row in message.buttons for _, d in row if d is not None}:
            raise LookupError(
                f"no button with callback_data {data!r} on message {message.message_id}"
            )
        return self._delivered(
            await user.press_data(data, message_id=message.message_id, chat=chat)
        )

    async def open_link(self, request: Request) -> Response:
        """The person opens a deep link: Telegram sends `/start <payload>` from them."""
        user = self._user(request)
        body = await read_body(request)
        link = read_text(body, "link", required=True, limit=512) or ""
        payload = start_payload(link, self.sim.bot_username)
        self._check_not_blocked(user, user.chat)
        return self._delivered(await user.send_text(f"/start {payload}"), payload=payload)

    async def open_web_app(self, request: Request) -> Response:
        """The person taps a Mini App button: the URL Telegram would open, signed for them."""
        user = self._user(request)
        body = await read_body(request)
        label = read_text(body, "label", required=True, limit=256) or ""
        url = self.sim.open_web_app(user, label, read_int(body, "message_id"))
        return JSONResponse({"url": url})

    async def list_groups(self, request: Request) -> Response:
        """Every group the bot is in."""
        return JSONResponse({"groups": [chat_view(chat) for chat in self.sim.groups]})

    async def create_group(self, request: Request) -> Response:
        """A group with the bot in it (201), or the one with that id already (200)."""
        body = await read_body(request)
        chat_id = read_int(body, "id")
        if chat_id is not None and not -MAX_ID <= chat_id < 0:
            raise ControlError(f"group chat ids are negative (down to -2**52), got {chat_id}")
        chat_type = read_text(body, "type")
        if chat_type is not None and chat_type not in CHAT_TYPES:
            raise ControlError(f"type is one of {', '.join(CHAT_TYPES)}, got {chat_type!r}")
        known = {group.id for group in self.sim.groups}
        if chat_id in known:
            return JSONResponse(chat_view(self.sim.chat(chat_id)))
        chat_id = chat_id or min(known | {FIRST_GROUP_ID + 1}) - 1
        title = read_text(body, "title", limit=128) or f"Group {chat_id}"
        group = self.sim.group(chat_id, title, chat_type)
        return JSONResponse(chat_view(group), status_code=201)

    async def chat_messages(self, request: Request) -> Response:
        """A chat's messages once the revision is past `since` (or `wait` seconds passed)."""
        chat = self.sim.chat(read_id(request.path_params["chat_id"], "chat id"))
        since = _query_number(request, "since", -1)
        wait = min(max(_query_number(request, "wait", 0), 0), MAX_WAIT_SECONDS)
        changes = self.sim.changes
        deadline = asyncio.get_running_loop().time() + wait
        while changes.revision <= since and not self.sim.closing:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                break
            await changes.wait(remaining)
        return JSONResponse(messages_view(chat, changes.revision))

    def _user(self, request: Request) -> SimUser:
        user_id = read_id(request.path_params["user_id"], "user id")
        for user in self.sim.users:
            if user.id == user_id:
                return user
        raise LookupError(f"no user {user_id}: create one with POST {PREFIX}/users")

    def _chat_for(self, user: SimUser, chat_id: int | None) -> SimChat | None:
        """The chat a person acts in: their private chat (None) or a group."""
        chat = user.chat if chat_id is None or chat_id == user.id else self.sim.chat(chat_id)
        if chat.type == ChatType.PRIVATE and chat.id != user.id:
            raise ControlError(f"user {user.id} cannot act in user {chat.id}'s private chat", 403)
        self._check_not_blocked(user, chat)
        return None if chat.id == user.id else chat

    @staticmethod
    def _check_not_blocked(user: SimUser, chat: SimChat) -> None:
        if chat.id == user.id and user.blocked:
            raise ControlError(f"user {user.id} blocked the bot", 409)

    def _delivered(self, delivery: Delivery, **extra: str) -> Response:
        return JSONResponse(delivery_view(delivery, self.sim.intake) | extra)


def _query_number(request: Request, name: str, default: float) -> float:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ControlError(f"{name} is a number, got {raw!r}") from None


def _answering(endpoint: Endpoint) -> Endpoint:
    """Turn the simulator's own errors into 4xx JSON answers."""

    async def answer(request: Request) -> Response:
        try:
            return await endpoint(request)
        except ControlError as error:
            return JSONResponse({"error": error.message}, status_code=error.status)
        except DeepLinkError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        except LookupError as error:
            return JSONResponse({"error": str(error.args[0])}, status_code=404)

    return answer
