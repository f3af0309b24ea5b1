"""Telegram's side of the world: accounts, chats with their messages, queued updates, webhook."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from simulator.changes import Changes
from simulator.errors import BLOCKED, CANT_INITIATE, CHAT_ID_EMPTY, CHAT_NOT_FOUND, ApiError

JSON = dict[str, Any]


class ChatType(StrEnum):
    """Telegram's `Chat.type` values the simulator knows."""

    PRIVATE = "private"
    GROUP = "group"
    SUPERGROUP = "supergroup"


GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)

# Telegram's default when allowed_updates was never set: everything except these.
_NOT_DELIVERED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class Account:
    """A Telegram user (or the bot itself) as `User` JSON plus what the simulator tracks."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    started: bool = False  # has written to the bot, so the bot may write to them
    blocked: bool = False
    callback_answers: list[str | None] = field(default_factory=list)

    def to_json(self) -> JSON:
        """Telegram's `User` object."""
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


@dataclass
class ChatState:
    """A chat and its messages in order, each the current `Message` JSON."""

    id: int
    type: str
    title: str | None = None
    user: Account | None = None
    messages: dict[int, JSON] = field(default_factory=dict)
    last_message_id: int = 0
    changes: Changes = field(default_factory=Changes, repr=False, compare=False)

    @property
    def is_group(self) -> bool:
        """Groups and supergroups share the 20 messages a minute limit."""
        return self.type in GROUP_TYPES

    def to_json(self) -> JSON:
        """Telegram's `Chat` object."""
        if self.user is None:
            return {"id": self.id, "type": self.type, "title": self.title or ""}
        data: JSON = {"id": self.id, "type": ChatType.PRIVATE, "first_name": self.user.first_name}
        for key in ("last_name", "username"):
            if getattr(self.user, key):
                data[key] = getattr(self.user, key)
        return data

    def post(self, sender: Account, date: int, content: JSON) -> JSON:
        """Store a new message; ids grow per chat and are shared by both directions."""
        self.last_message_id += 1
        message: JSON = {
            "message_id": self.last_message_id,
            "from": sender.to_json(),
            "chat": self.to_json(),
            "date": date,
            **content,
        }
        self.messages[self.last_message_id] = message
        self.touch()
        return message

    def touch(self) -> None:
        """A message was posted, edited or deleted: watchers of the chats look again."""
        self.changes.notify()


@dataclass
class Webhook:
    """What setWebhook configured and how delivery went (getWebhookInfo)."""

    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


class UpdateLog:
    """Every update ever made, and those not yet confirmed (by offset or by a 2xx answer)."""

    def __init__(self) -> None:
        self.history: dict[int, JSON] = {}
        self.pending: list[JSON] = []
        self.allowed: list[str] | None = None
        self._ids = itertools.count(1)
        self._changed = asyncio.Event()

    def add(self, kind: str, payload: JSON) -> JSON:
        """Make an update; it is queued only if allowed_updates lets it through."""
        update: JSON = {"update_id": next(self._ids), kind: payload}
        self.history[update["update_id"]] = update
        if self._is_allowed(kind):
            self.pending.append(update)
            self.wake()
        return update

    def confirm_below(self, offset: int) -> None:
        """getUpdates with `offset` confirms every update with a smaller id."""
        self.pending = [update for update in self.pending if update["update_id"] >= offset]

    def confirm(self, update_id: int) -> None:
        """A webhook answered 2xx for this update."""
        self.pending = [update for update in self.pending if update["update_id"] != update_id]

    def is_pending(self, update_id: int) -> bool:
        """Not yet confirmed (by getUpdates offset or a webhook's 2xx)."""
        return any(update["update_id"] == update_id for update in self.pending)

    def wake(self) -> None:
        """Wake every long-polling getUpdates so it looks again."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        """Sleep until something changes or `timeout` seconds pass."""
        changed = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), timeout)

    def _is_allowed(self, kind: str) -> bool:
        if not self.allowed:
            return kind not in _NOT_DELIVERED_BY_DEFAULT
        return kind in self.allowed


class SimState:
    """All state of one simulated Bot API server."""

    def __init__(self, bot: Account) -> None:
        self.bot = bot
        self.accounts: dict[int, Account] = {}
        self.chats: dict[int, ChatState] = {}
        self.updates = UpdateLog()
        self.webhook = Webhook()
        self.queries: dict[str, Account] = {}  # unanswered callback query id -> who pressed
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.changes = Changes()
        self._query_ids = itertools.count(4_000_000_000_000_000_001)

    @staticmethod
    def now() -> int:
        """A real unix timestamp: PTB parses `date` 0 as an inaccessible message."""
        return int(time.time())

    def add_user(self, account: Account) -> ChatState:
        """Register a user and their private chat (chat id == user id)."""
        self.accounts[account.id] = account
        chat = ChatState(account.id, ChatType.PRIVATE, user=account, changes=self.changes)
        return self.chats.setdefault(account.id, chat)

    def add_group(self, chat_id: int, title: str, chat_type: str) -> ChatState:
        """Register a group the bot is a member of."""
        chat = ChatState(chat_id, chat_type, title=title, changes=self.changes)
        return self.chats.setdefault(chat_id, chat)

    def writable_chat(self, chat_id: Any) -> ChatState:
        """The chat the bot wants to write to, or Telegram's 400/403 for it."""
        if chat_id is None or chat_id == "":
            raise ApiError(CHAT_ID_EMPTY)
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise ApiError(CHAT_NOT_FOUND)
        if chat.user is not None:
            if chat.user.blocked:
                raise ApiError(BLOCKED, 403)
            if not chat.user.started:
                raise ApiError(CANT_INITIATE, 403)
        return chat

    def new_query_id(self, user: Account) -> str:
        """A fresh callback query id, answerable once."""
        query_id = str(next(self._query_ids))
        self.queries[query_id] = user
        return query_id
