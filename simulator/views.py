"""What the control API answers: users, chats and messages as plain JSON for people and pages.

Shapes (all keys always present):
- user: `{id, first_name, last_name, username, language_code, started, blocked,
  callback_answers}`
- chat: `{id, type, title}` (title is the person's name for a private chat)
- message: `{message_id, date, text, from: {id, name, is_bot}, edited, buttons}` where
  `buttons` is rows of `{text, callback_data, url, web_app}` (all but one of the last three
  null; `web_app` is a Mini App's URL)
"""

from __future__ import annotations

from simulator.client import SimChat, SimMessage, SimUser
from simulator.delivery import Delivery, Intake
from simulator.state import JSON


def user_view(user: SimUser) -> JSON:
    """A simulated person and what the bot answered to their button presses."""
    profile = user.profile
    return {
        "id": user.id,
        "first_name": profile["first_name"],
        "last_name": profile.get("last_name"),
        "username": profile.get("username"),
        "language_code": profile.get("language_code"),
        "started": user.started,
        "blocked": user.blocked,
        "callback_answers": user.callback_answers,
    }


def chat_view(chat: SimChat) -> JSON:
    """A chat's id, type and title (a private chat is titled with the person's name)."""
    profile = chat.profile
    return {
        "id": chat.id,
        "type": chat.type,
        "title": profile.get("title", profile.get("first_name")),
    }


def message_view(message: SimMessage) -> JSON:
    """One message as it stands now: edits applied, its inline keyboard with each button's
    callback_data, URL or Mini App URL."""
    raw = message.raw
    sender = raw["from"]
    name = " ".join(part for part in (sender.get("first_name"), sender.get("last_name")) if part)
    rows = raw.get("reply_markup", {}).get("inline_keyboard", [])
    return {
        "message_id": message.message_id,
        "date": raw["date"],
        "text": message.text,
        "from": {"id": sender["id"], "name": name, "is_bot": sender.get("is_bot", False)},
        "edited": message.edited,
        "buttons": [
            [
                {
                    "text": button["text"],
                    "callback_data": button.get("callback_data"),
                    "url": button.get("url"),
                    "web_app": button.get("web_app", {}).get("url"),
                }
                for button in row
            ]
            for row in rows
        ],
    }


def messages_view(chat: SimChat, revision: int) -> JSON:
    """A chat's whole history, oldest first, with the revision it was read at."""
    return {
        "revision": revision,
        "chat": chat_view(chat),
        "messages": [message_view(message) for message in chat.history],
    }


def delivery_view(delivery: Delivery, intake: Intake) -> JSON:
    """The update a user's action made and, with a webhook, how the bot answered it."""
    return {
        "update_id": delivery.update_id,
        "delivered_to": intake,
        "webhook_status": delivery.status_code,
    }
