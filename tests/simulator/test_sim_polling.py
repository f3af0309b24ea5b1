"""A real PTB Application polling the simulator: echo, keyboards, callback queries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from simulator import BotApiSimulator

pytestmark = pytest.mark.asyncio

App = Application[Any, Any, Any, Any, Any, Any]


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask for a rating with one button per score."""
    assert update.message is not None
    buttons = [InlineKeyboardButton(f"{n} ★", callback_data=f"r:{n}") for n in range(1, 6)]
    await update.message.reply_text("How did we do?", reply_markup=InlineKeyboardMarkup([buttons]))


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Repeat the text."""
    assert update.message is not None
    await update.message.reply_text(f"echo: {update.message.text}")


async def rate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the press, remember the query, replace the question with a thank-you."""
    query = update.callback_query
    assert query is not None
    await query.answer(f"Got {query.data}")
    context.bot_data["query"] = query
    await query.edit_message_text(f"Thanks for {query.data}")


@pytest_asyncio.fixture
async def app(sim: BotApiSimulator) -> AsyncIterator[App]:
    """The echo/rating bot, polling the simulator."""
    application = Application.builder().token(sim.token).base_url(sim.base_url).build()
    application.add_handler(CommandHandler("rate", ask))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.add_handler(CallbackQueryHandler(rate))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=2)
        yield application
        await application.updater.stop()
        await application.stop()


async def test_echo_over_polling(sim: BotApiSimulator, app: App) -> None:
    alice = sim.user(1001, first_name="Alice")
    for text in ("hello", "again"):
        await alice.send_text(text)
        await sim.wait_idle()
        assert alice.last_text == f"echo: {text}"
    assert [m.message_id for m in alice.chat.history] == [1, 2, 3, 4]


async def test_press_delivers_the_full_message(sim: BotApiSimulator, app: App) -> None:
    alice = sim.user(1001)
    await alice.send_text("/rate")
    await sim.wait_for(lambda: alice.last_message is not None)
    await alice.press("4")
    await sim.wait_idle()

    query = app.bot_data["query"]
    assert isinstance(query, CallbackQuery) and query.data == "r:4"
    assert isinstance(query.message, Message) and query.message.text == "How did we do?"
    assert query.message.reply_markup is not None
    assert alice.callback_answers == ["Got r:4"]
    assert alice.last_message is not None and alice.last_message.edited
    assert alice.last_text == "Thanks for r:4" and alice.last_message.buttons == []


async def test_group_press(sim: BotApiSimulator, app: App) -> None:
    staff = sim.group(-100123, title="Quality staff")
    bob = sim.user(1002, first_name="Bob")
    await app.bot.send_message(
        staff.id,
        "Ticket 7",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Take it", callback_data="t:7")]]),
    )
    await bob.press("Take it", chat=staff)
    await sim.wait_idle()
    query = app.bot_data["query"]
    assert query.from_user.id == bob.id and query.message.chat.type == "supergroup"
    assert staff.last_text == "Thanks for t:7" and bob.callback_answers == ["Got t:7"]
