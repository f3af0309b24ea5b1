"""Simulated users: the updates they make parse in PTB, and presses find the right button."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity

from simulator import BotApiSimulator

pytestmark = pytest.mark.asyncio


async def test_user_messages_parse_in_ptb(sim: BotApiSimulator, bot: Bot) -> None:
    alice = sim.user(1001, first_name="Alice", username="alice", language_code="de")
    await alice.send_text("/start abc")
    await alice.send_sticker()
    await alice.send_photo(caption="look")
    await alice.send_voice()
    await alice.send_document(file_name="bill.pdf")
    start, sticker, photo, voice, document = [u.message for u in await bot.get_updates()]
    assert start is not None and start.text == "/start abc"
    assert start.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 6),)
    assert start.from_user is not None and start.from_user.language_code == "de"
    assert start.chat.username == "alice" and start.date.timestamp() > 0
    assert sticker is not None and sticker.sticker is not None
    assert photo is not None and len(photo.photo) == 2 and photo.caption == "look"
    assert voice is not None and voice.voice is not None
    assert document is not None and document.document is not None
    assert document.document.file_name == "bill.pdf"
    assert [m.from_bot for m in alice.chat.history] == [False] * 5 and alice.messages == []


async def test_press_picks_exact_then_prefix_on_the_newest_keyboard(
    sim: BotApiSimulator, bot: Bot
) -> None:
    alice = sim.user(1001)
    await alice.send_text("/start")
    old = await bot.send_message(
        alice.id,
        "old",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("4", callback_data="old")]]),
    )
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("40", callback_data="forty"),
                InlineKeyboardButton("4", callback_data="four"),
            ]
        ]
    )
    await bot.send_message(alice.id, "new", reply_markup=markup)
    await bot.send_message(alice.id, "no keyboard")
    await alice.press("4")
    await alice.press("4", message_id=old.message_id)
    await alice.press_data("forged", message_id=old.message_id)
    with pytest.raises(LookupError, match="no button '9'"):
        await alice.press("9")
    queries = [u.callback_query for u in await bot.get_updates()][-3:]
    messages = [q.message for q in queries if q]
    assert all(isinstance(m, Message) for m in messages)
    assert [(q.data, q.message.text) for q in queries if q and isinstance(q.message, Message)] == [
        ("four", "new"),
        ("old", "old"),
        ("forged", "old"),
    ]


async def test_blocked_user_cannot_write(sim: BotApiSimulator) -> None:
    alice = sim.user(1001)
    await alice.block_bot()
    with pytest.raises(RuntimeError, match="blocked the bot"):
        await alice.send_text("hi")
    assert sim.user(1001) is alice
