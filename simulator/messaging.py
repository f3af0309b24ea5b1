"""Methods that write into chats: send, edit, delete, answer callback queries, chat actions."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from simulator import validation
from simulator.errors import (
    ACTION_EMPTY,
    MESSAGE_CANT_BE_EDITED,
    MESSAGE_ID_MISSING,
    MESSAGE_NOT_MODIFIED,
    MESSAGE_TO_DELETE_NOT_FOUND,
    MESSAGE_TO_EDIT_NOT_FOUND,
    NO_TEXT_TO_EDIT,
    QUERY_INVALID,
    ApiError,
)
from simulator.params import Params, int_param
from simulator.state import JSON, ChatState

if TYPE_CHECKING:
    from simulator.methods import Api


async def send_message(api: Api, p: Params) -> JSON:
    """sendMessage: text with an optional inline keyboard (other markups are accepted, not kept)."""
    chat = api.state.writable_chat(p.get("chat_id"))
    text = validation.message_text(p.get("text"), p.get("parse_mode"))
    markup = validation.reply_markup(p.get("reply_markup"))
    validation.private_only_buttons(markup, is_group=chat.is_group)
    api.limiter.check(chat.id, is_group=chat.is_group)
    content: JSON = {"text": text}
    if markup is not None:
        content["reply_markup"] = markup
    return copy.deepcopy(chat.post(api.state.bot, api.state.now(), content))


async def edit_message_text(api: Api, p: Params) -> JSON:
    """editMessageText: like Telegram, an edit without reply_markup removes the keyboard."""
    chat, message = _message_to_edit(api, p)
    if "text" not in message:
        raise ApiError(NO_TEXT_TO_EDIT)
    text = validation.message_text(p.get("text"), p.get("parse_mode"))
    markup = validation.edit_markup(p.get("reply_markup"))
    _apply_edit(api, chat, message, text, markup)
    return copy.deepcopy(message)


async def edit_message_reply_markup(api: Api, p: Params) -> JSON:
    """editMessageReplyMarkup: replace or (when absent) remove the inline keyboard."""
    chat, message = _message_to_edit(api, p)
    markup = validation.edit_markup(p.get("reply_markup"))
    _apply_edit(api, chat, message, message.get("text"), markup)
    return copy.deepcopy(message)


async def delete_message(api: Api, p: Params) -> bool:
    """deleteMessage: the message disappears from the chat."""
    chat = api.state.writable_chat(p.get("chat_id"))
    message_id = int_param(p, "message_id", MESSAGE_ID_MISSING)
    if chat.messages.pop(message_id, None) is None:
        raise ApiError(MESSAGE_TO_DELETE_NOT_FOUND)
    chat.touch()
    return True


async def answer_callback_query(api: Api, p: Params) -> bool:
    """answerCallbackQuery: each query id can be answered exactly once."""
    user = api.state.queries.pop(str(p.get("callback_query_id") or ""), None)
    if user is None:
        raise ApiError(QUERY_INVALID)
    text = p.get("text")
    user.callback_answers.append(str(text) if text else None)
    api.state.changes.notify()
    return True


async def send_chat_action(api: Api, p: Params) -> bool:
    """sendChatAction: only checks that the bot may write to the chat."""
    api.state.writable_chat(p.get("chat_id"))
    if not p.get("action"):
        raise ApiError(ACTION_EMPTY)
    return True


def _message_to_edit(api: Api, p: Params) -> tuple[ChatState, JSON]:
    chat = api.state.writable_chat(p.get("chat_id"))
    message_id = int_param(p, "message_id", MESSAGE_ID_MISSING)
    message = chat.messages.get(message_id)
    if message is None:
        raise ApiError(MESSAGE_TO_EDIT_NOT_FOUND)
    if message["from"]["id"] != api.state.bot.id:
        raise ApiError(MESSAGE_CANT_BE_EDITED)
    return chat, message


def _apply_edit(api: Api, chat: ChatState, message: JSON, text: Any, markup: JSON | None) -> None:
    if message.get("text") == text and message.get("reply_markup") == markup:
        raise ApiError(MESSAGE_NOT_MODIFIED)
    api.limiter.check(chat.id, is_group=chat.is_group)
    if text is not None:
        message["text"] = text
    if markup is None:
        message.pop("reply_markup", None)
    else:
        message["reply_markup"] = markup
    message["edit_date"] = api.state.now()
    chat.touch()
