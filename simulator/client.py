"""What tests and the demo drive: simulated users and chats, and snapshots of messages."""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from simulator.delivery import Delivery
from simulator.state import JSON, Account, ChatState, SimState

Deliver = Callable[[JSON], Awaitable[Delivery]]
Button = tuple[str, str | None]  # (text, callback_data); None for URL and other buttons

_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,32})?(?=\s|$)")
_file_ids = itertools.count(1)


@dataclass(frozen=True)
class SimMessage:
    """A message as it stands now; `text` is the caption for media messages."""

    message_id: int
    text: str | None
    buttons: list[list[Button]]
    edited: bool
    from_bot: bool
    raw: JSON

    @classmethod
    def from_json(cls, message: JSON, bot_id: int) -> SimMessage:
        """Snapshot Telegram `Message` JSON."""
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        return cls(
            message_id=message["message_id"],
            text=message.get("text", message.get("caption")),
            buttons=[[(b["text"], b.get("callback_data")) for b in row] for row in rows],
            edited="edit_date" in message,
            from_bot=message["from"]["id"] == bot_id,
            raw=copy.deepcopy(message),
        )

    def button(self, label: str) -> Button:
        """The button whose text equals `label`, else the first one starting with it."""
        flat = [button for row in self.buttons for button in row]
        for button in flat:
            if button[0] == label:
                return button
        for button in flat:
            if button[0].startswith(label):
                return button
        labels = [text for text, _ in flat]
        raise LookupError(f"no button {label!r} on message {self.message_id}; buttons: {labels}")

    def web_app_url(self, label: str) -> str | None:
        """The Mini App URL of the button labelled ``label`` (exact, else prefix); None when
        that button opens no Mini App."""
        text, _ = self.button(label)
        rows = self.raw.get("reply_markup", {}).get("inline_keyboard", [])
        found = next(button for row in rows for button in row if button["text"] == text)
        url: str | None = found.get("web_app", {}).get("url")
        return url


class SimChat:
    """A chat as a participant sees it: the bot's messages in order, current state."""

    def __init__(self, state: SimState, chat: ChatState) -> None:
        self._state = state
        self._chat = chat

    @property
    def id(self) -> int:
        """The chat id (a private chat's id is the user's id; groups are negative)."""
        return self._chat.id

    @property
    def title(self) -> str | None:
        """The group's title; None for a private chat."""
        return self._chat.title

    @property
    def type(self) -> str:
        """Telegram's chat type: private, group or supergroup."""
        return self._chat.type

    @property
    def profile(self) -> JSON:
        """The chat as Telegram's `Chat` object."""
        return self._chat.to_json()

    @property
    def history(self) -> list[SimMessage]:
        """Every message in the chat, from the bot and from people."""
        bot_id = self._state.bot.id
        return [SimMessage.from_json(m, bot_id) for m in self._chat.messages.values()]

    @property
    def messages(self) -> list[SimMessage]:
        """The bot's messages."""
        return [message for message in self.history if message.from_bot]

    @property
    def last_message(self) -> SimMessage | None:
        """The bot's newest message."""
        messages = self.messages
        return messages[-1] if messages else None

    @property
    def last_text(self) -> str | None:
        """The text of the bot's newest message."""
        last = self.last_message
        return last.text if last else None

    def message(self, message_id: int) -> SimMessage:
        """One message by id."""
        if message_id not in self._chat.messages:
            raise LookupError(f"no message {message_id} in chat {self.id}")
        return SimMessage.from_json(self._chat.messages[message_id], self._state.bot.id)

    def keyboard_message(self, message_id: int | None) -> SimMessage:
        """The given message, or the bot's newest one with an inline keyboard."""
        if message_id is not None:
            return self.message(message_id)
        for message in reversed(self.messages):
            if message.buttons:
                return message
        raise LookupError(f"no message with an inline keyboard in chat {self.id}")


class SimUser:
    """A person talking to the bot; each action makes an update and delivers it."""

    def __init__(self, state: SimState, account: Account, deliver: Deliver) -> None:
        self._state = state
        self._account = account
        self._deliver = deliver
        self.chat = SimChat(state, state.chats[account.id])

    @property
    def id(self) -> int:
        """The user id, also the id of the private chat with the bot."""
        return self._account.id

    @property
    def profile(self) -> JSON:
        """The user as Telegram's `User` object."""
        return self._account.to_json()

    @property
    def started(self) -> bool:
        """Has written to the bot in private, so the bot may write to them."""
        return self._account.started

    @property
    def blocked(self) -> bool:
        """Has blocked the bot."""
        return self._account.blocked

    @property
    def messages(self) -> list[SimMessage]:
        """The bot's messages in the private chat."""
        return self.chat.messages

    @property
    def last_message(self) -> SimMessage | None:
        """The bot's newest message in the private chat."""
        return self.chat.last_message

    @property
    def last_text(self) -> str | None:
        """The text of the bot's newest message in the private chat."""
        return self.chat.last_text

    @property
    def callback_answers(self) -> list[str | None]:
        """Texts of the bot's answers to this user's button presses (None: no text)."""
        return list(self._account.callback_answers)

    async def send_text(self, text: str, *, chat: SimChat | None = None) -> Delivery:
        """Send a text; a leading /command gets its bot_command entity."""
        content: JSON = {"text": text}
        match = _COMMAND.match(text)
        if match:
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": match.end()}]
        return await self._send(content, chat)

    async def edit_text(
        self, message_id: int, text: str, *, chat: SimChat | None = None
    ) -> Delivery:
        """Edit one of this user's own messages: an ``edited_message`` update, which is
        delivered only if the bot's allowed_updates asks for it (as Telegram does)."""
        target = chat or self.chat
        self._check_not_blocked(target)
        message = target._chat.messages.get(message_id)
        if message is None or message["from"]["id"] != self.id:
            raise LookupError(f"user {self.id} has no message {message_id} in chat {target.id}")
        message.update(text=text, edit_date=self._state.now())
        message.pop("entities", None)
        target._chat.touch()
        return await self._deliver(
            self._state.updates.add("edited_message", copy.deepcopy(message))
        )

    async def send_sticker(self, *, chat: SimChat | None = None) -> Delivery:
        """Send a sticker."""
        sticker = _file("sticker") | {"type": "regular", "width": 512, "height": 512}
        sticker |= {"is_animated": False, "is_video": False, "emoji": "👍"}
        return await self._send({"sticker": sticker}, chat)

    async def send_photo(
        self, caption: str | None = None, *, chat: SimChat | None = None
    ) -> Delivery:
        """Send a photo (two sizes, as Telegram does)."""
        sizes = [
            _file("photo") | {"width": 90, "height": 67},
            _file("photo") | {"width": 1280, "height": 960},
        ]
        return await self._send(_with_caption({"photo": sizes}, caption), chat)

    async def send_voice(self, duration: int = 3, *, chat: SimChat | None = None) -> Delivery:
        """Send a voice note."""
        voice = _file("voice") | {"duration": duration, "mime_type": "audio/ogg"}
        return await self._send({"voice": voice}, chat)

    async def send_document(
        self,
        file_name: str = "document.pdf",
        caption: str | None = None,
        *,
        chat: SimChat | None = None,
    ) -> Delivery:
        """Send a document."""
        document = _file("document") | {"file_name": file_name, "mime_type": "application/pdf"}
        return await self._send(_with_caption({"document": document}, caption), chat)

    async def press(
        self, label: str, *, message_id: int | None = None, chat: SimChat | None = None
    ) -> Delivery:
        """Press the button labelled `label` (exact, else prefix) on the newest keyboard message."""
        target = chat or self.chat
        message = target.keyboard_message(message_id)
        text, data = message.button(label)
        if data is None:
            raise LookupError(f"button {text!r} has no callback_data to press")
        return await self.press_data(data, message_id=message.message_id, chat=target)

    async def press_data(
        self, data: str, *, message_id: int | None = None, chat: SimChat | None = None
    ) -> Delivery:
        """A callback query with any data, as a forged or stale client could send."""
        target = chat or self.chat
        self._check_not_blocked(target)
        message = target.keyboard_message(message_id)
        query = {
            "id": self._state.new_query_id(self._account),
            "from": self._account.to_json(),
            "message": message.raw,
            "chat_instance": str(abs(target.id) * 2654435761 % 2**63),  # any stable id per chat
            "data": data,
        }
        return await self._deliver(self._state.updates.add("callback_query", query))

    async def block_bot(self) -> Delivery:
        """Block the bot: sends fail with 403 and the bot gets a my_chat_member update."""
        self._account.blocked = True
        return await self._member_change("member", "kicked")

    async def unblock_bot(self) -> Delivery:
        """Unblock the bot (Telegram's "Restart" without the /start)."""
        self._account.blocked = False
        return await self._member_change("kicked", "member")

    async def _send(self, content: JSON, chat: SimChat | None) -> Delivery:
        target = chat or self.chat
        self._check_not_blocked(target)
        if target.id == self.id:
            self._account.started = True
        message = target._chat.post(self._account, self._state.now(), content)
        return await self._deliver(self._state.updates.add("message", copy.deepcopy(message)))

    async def _member_change(self, old: str, new: str) -> Delivery:
        bot = self._state.bot.to_json()
        new_member: JSON = {"user": bot, "status": new}
        if new == "kicked":
            new_member["until_date"] = 0
        change = {
            "chat": self.chat._chat.to_json(),
            "from": self._account.to_json(),
            "date": self._state.now(),
            "old_chat_member": {"user": bot, "status": old},
            "new_chat_member": new_member,
        }
        return await self._deliver(self._state.updates.add("my_chat_member", change))

    def _check_not_blocked(self, chat: SimChat) -> None:
        if chat.id == self.id and self._account.blocked:
            raise RuntimeError(f"user {self.id} blocked the bot; call unblock_bot() first")


def _file(kind: str) -> JSON:
    number = next(_file_ids)
    return {
        "file_id": f"sim-{kind}-{number}",
        "file_unique_id": f"u{kind}{number}",
        "file_size": 1024,
    }


def _with_caption(content: JSON, caption: str | None) -> JSON:
    return content | {"caption": caption} if caption else content
