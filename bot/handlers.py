"""python-telegram-bot handlers: parse the update, call the conversation, carry out the reply."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from telegram import Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import ContextTypes

from bot.conversation import KNOWN_COMMANDS, Conversation, Sender
from bot.failures import Retrier, hand_back
from bot.incoming import without_nul
from bot.reply import Reply, answer_query
from bot.texts import t, telegram_language
from storage.engine import is_transient

log = logging.getLogger(__name__)
CONVERSATION_KEY = "conversation"
RETRIER_KEY = "retrier"


def _conversation(context: ContextTypes.DEFAULT_TYPE) -> Conversation:
    conversation: Conversation = context.application.bot_data[CONVERSATION_KEY]
    return conversation


def _sender(update: Update) -> Sender:
    user = update.effective_user
    assert user is not None
    return Sender(user.id, user.language_code)


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/start [token]``: open an invitation deep link or resume."""
    token = context.args[0] if context.args else None
    reply = await _conversation(context).start(update.update_id, _sender(update), token)
    await carry_out(update, context, reply)


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any other command, known or not."""
    assert update.effective_message is not None and update.effective_message.text is not None
    word = update.effective_message.text.split()[0][1:].split("@")[0].lower()
    name = word if word in KNOWN_COMMANDS else "unknown"
    reply = await _conversation(context).command(update.update_id, _sender(update), name)
    await carry_out(update, context, reply)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Typed answers, follow-up texts, comments and feedback."""
    assert update.effective_message is not None
    text = without_nul(update.effective_message.text or "")
    reply = await _conversation(context).text(update.update_id, _sender(update), text)
    await carry_out(update, context, reply)


async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Inline keyboard presses."""
    query = update.callback_query
    assert query is not None
    message_id = query.message.message_id if query.message is not None else None
    reply = await _conversation(context).press(
        update.update_id, _sender(update), query.data, message_id
    )
    await carry_out(update, context, reply)


async def on_unreadable(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice notes, files and the like."""
    reply = await _conversation(context).unreadable(update.update_id, _sender(update))
    await carry_out(update, context, reply)


async def carry_out(
    update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply | None
) -> None:
    """Send and edit messages for a committed transition (nothing for a duplicate update).

    The press is answered and the answered prompt edited while the next messages go out, so
    a person waits for one round trip to Telegram, not three; the answer to the press asks
    for its connection first. The messages themselves go in order (notices, then the
    prompt). None of these calls waits behind bulk sends (bot/rate_limits.py)."""
    query = update.callback_query
    if reply is None:
        if query is not None:
            await answer_query(query)
        return
    chat = update.effective_chat
    assert chat is not None
    bot = context.bot
    aside: list[Awaitable[None]] = []
    if query is not None:
        aside.append(answer_query(query, reply.callback_text))
    if reply.close is not None:
        aside.append(
            _quietly(
                bot.edit_message_text(
                    reply.close[1], chat_id=chat.id, message_id=reply.close[0], reply_markup=None
                )
            )
        )
    if reply.markup is not None:
        aside.append(
            _quietly(
                bot.edit_message_reply_markup(
                    chat_id=chat.id, message_id=reply.markup[0], reply_markup=reply.markup[1]
                )
            )
        )
    beside = asyncio.gather(*aside)
    # Let those start first: the press is answered (the button's spinner stops) before the
    # next question takes its turn for a connection (bot/aiohttp_request.py).
    await asyncio.sleep(0)
    try:
        await _send(update, context, reply)
    finally:
        await beside
    hook = context.application.bot_data.get("on_tickets")
    if hook is not None and reply.opened_tickets:
        await hook(reply.opened_tickets)


async def _send(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    """The reply's new messages, in order; the prompt's id is kept when it has buttons."""
    chat = update.effective_chat
    assert chat is not None
    bot = context.bot
    for notice in reply.notices:
        if update.callback_query is None or notice != reply.callback_text:
            await bot.send_message(chat.id, notice)
    if reply.prompt is not None:
        message = await bot.send_message(
            chat.id, reply.prompt.text, reply_markup=reply.prompt.keyboard
        )
        if reply.prompt.keyboard is not None:
            await _conversation(context).remember_prompt(chat.id, message.message_id)


async def _quietly(call: Awaitable[object]) -> None:
    """Edits may fail harmlessly: the message is gone or already shows this."""
    try:
        await call
    except BadRequest as exc:
        log.info("edit skipped: %s", exc.message)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure; tell the person politely, never with a stack trace. A transient
    database failure is handed back for another try instead (bot/failures.py)."""
    error = context.error
    if isinstance(update, Update) and error is not None and is_transient(error):
        await _not_saved_yet(update, context, error)
        return
    log.error("update failed", exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != "private" or isinstance(error, Forbidden):
        return
    await _tell(update, context, "error")


async def _not_saved_yet(
    update: Update, context: ContextTypes.DEFAULT_TYPE, error: BaseException
) -> None:
    """The database cannot take the update now: have it processed again, say so once."""
    retrier: Retrier = context.application.bot_data[RETRIER_KEY]
    first = retrier.failed(update.update_id)
    if not hand_back(error):
        retrier.retry(update)
    log.warning("update %s: the database is unavailable: %s", update.update_id, error)
    chat = update.effective_chat
    if first and chat is not None and chat.type == "private":
        await _tell(update, context, "error_retrying")
    elif first and update.callback_query is not None:  # a staff group: a toast only
        user = update.effective_user
        lang = telegram_language(user.language_code) if user else None
        await answer_query(update.callback_query, t("error_retrying", lang))


async def _tell(update: Update, context: ContextTypes.DEFAULT_TYPE, key: str) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    lang = telegram_language(user.language_code) if user else None
    try:
        if update.callback_query is not None:
            await answer_query(update.callback_query)
        await context.bot.send_message(chat.id, t(key, lang))
    except Exception:  # the network may be what failed; the log has it already
        log.warning("could not tell the user about the failure", exc_info=True)
