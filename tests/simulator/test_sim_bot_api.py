"""The simulator through python-telegram-bot's Bot: shapes, errors and limits as PTB sees them."""

from __future__ import annotations

import datetime as dtm
import re

import pytest
from telegram import Bot, ChatMemberBanned, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter

from simulator import BotApiSimulator, Limits

pytestmark = pytest.mark.asyncio


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    """One row of callback buttons."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data)] for text, data in buttons]
    )


def raises(
    exception: type[Exception], message: str, *, prefix: bool = False
) -> pytest.RaisesExc[Exception]:
    """Expect `exception` whose message (as PTB rewrote it) is `message` or starts with it."""
    pattern = re.escape(message) + ("" if prefix else "$")
    return pytest.raises(exception, match=f"^{pattern}")


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_get_me_parses_as_the_bot_user(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456, True, "csat_test_bot")
    assert me.can_join_groups is True and me.supports_inline_queries is False


async def test_send_edit_delete_round_trip(sim: BotApiSimulator, bot: Bot) -> None:
    alice = sim.user(1001, first_name="Alice")
    await alice.send_text("/start abc")
    sent = await bot.send_message(alice.id, "How was it?", reply_markup=keyboard(("4 good", "r:4")))
    assert isinstance(sent, Message) and sent.chat.first_name == "Alice"
    assert sent.message_id == 2  # her /start was message 1: ids are shared by both directions
    assert sent.date.year >= 2024 and sent.from_user is not None and sent.from_user.is_bot
    assert alice.last_message is not None and alice.last_message.buttons == [[("4 good", "r:4")]]

    edited = await bot.edit_message_text("Thanks!", chat_id=alice.id, message_id=sent.message_id)
    assert isinstance(edited, Message) and edited.edit_date is not None
    # As on Telegram, editing the text without reply_markup removes the keyboard.
    assert alice.last_message.text == "Thanks!" and alice.last_message.buttons == []
    assert alice.last_message.edited

    with pytest.raises(BadRequest, match=r"^Message is not modified: specified new message"):
        await bot.edit_message_text("Thanks!", chat_id=alice.id, message_id=sent.message_id)
    await bot.edit_message_reply_markup(
        alice.id, sent.message_id, reply_markup=keyboard(("x", "x"))
    )
    assert alice.last_message.buttons == [[("x", "x")]]

    assert await bot.delete_message(alice.id, sent.message_id)
    assert alice.messages == []
    with raises(BadRequest, "Message to delete not found"):
        await bot.delete_message(alice.id, sent.message_id)
    with raises(BadRequest, "Message to edit not found"):
        await bot.edit_message_text("again", chat_id=alice.id, message_id=sent.message_id)
    with raises(BadRequest, "Message can't be edited"):
        await bot.edit_message_text("hers", chat_id=alice.id, message_id=1)


async def test_html_is_parsed_before_storing_and_counting(sim: BotApiSimulator, bot: Bot) -> None:
    alice = sim.user(1001)
    await alice.send_text("/start")
    sent = await bot.send_message(alice.id, "<b>" + "a" * 4095 + "</b>&amp;\n", parse_mode="HTML")
    # Tags dropped, entities decoded, surrounding whitespace trimmed: 4096 characters are left.
    assert sent.text == "a" * 4095 + "&"


async def test_answer_callback_query_once(sim: BotApiSimulator, bot: Bot) -> None:
    alice = sim.user(1001)
    await alice.send_text("/start")
    await bot.send_message(
        alice.id, "Rate us", reply_markup=keyboard(("1", "r:1"), ("4 good", "r:4"))
    )
    await alice.press("4")
    updates = await bot.get_updates()
    query = updates[-1].callback_query
    assert query is not None and query.data == "r:4"
    assert isinstance(query.message, Message) and query.message.text == "Rate us"

    assert await bot.answer_callback_query(query.id, text="Thanks")
    with raises(BadRequest, "Query is too old and response timeout expired", prefix=True):
        await bot.answer_callback_query(query.id)
    assert alice.callback_answers == ["Thanks"]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("a" * 4097, "Message is too long"),
        ("", "Message text is empty"),
        ("  \n", "Message text is empty"),
    ],
)
async def test_text_length_limits(sim: BotApiSimulator, bot: Bot, text: str, error: str) -> None:
    alice = sim.user(1001)
    await alice.send_text("/start")
    with raises(BadRequest, error):
        await bot.send_message(alice.id, text)
    assert alice.messages == []
    assert (await bot.send_message(alice.id, "é" * 4096)).text == "é" * 4096


@pytest.mark.parametrize("data", ["x" * 65, "é" * 33])  # 65 and 66 bytes, under 64 characters for é
async def test_callback_data_over_64_bytes_is_rejected(
    sim: BotApiSimulator, bot: Bot, data: str
) -> None:
    alice = sim.user(1001)
    await alice.send_text("/start")
    with raises(BadRequest, "Button_data_invalid"):
        await bot.send_message(alice.id, "Rate", reply_markup=keyboard(("1", data)))
    await bot.send_message(alice.id, "Rate", reply_markup=keyboard(("1", "é" * 32)))


async def test_injected_429_raises_retry_after_and_has_no_effect(
    sim: BotApiSimulator, bot: Bot
) -> None:
    alice = sim.user(1001)
    await alice.send_text("/start")
    sim.inject_error("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(alice.id, "hello")
    assert caught.value.retry_after == dtm.timedelta(seconds=3)
    assert alice.messages == []
    await bot.send_message(alice.id, "hello")
    assert [(c.ok, c.error_code) for c in sim.calls("sendMessage")] == [(False, 429), (True, None)]


@pytest.mark.parametrize(
    ("status", "exception"), [(400, BadRequest), (403, Forbidden), (502, NetworkError)]
)
async def test_injected_errors_map_to_ptb_exceptions(
    sim: BotApiSimulator, bot: Bot, status: int, exception: type[Exception]
) -> None:
    sim.inject_error("getme", status=status, times=2)
    for _ in range(2):
        with pytest.raises(exception):
            await bot.get_me()
    await bot.get_me()


async def test_dropped_connection_is_a_network_error_and_stores_nothing(
    sim: BotApiSimulator, bot: Bot
) -> None:
    alice = sim.user(1001)
    await alice.send_text("/start")
    sim.drop_connections("sendMessage")
    with pytest.raises(NetworkError, match="disconnected without sending a response"):
        await bot.send_message(alice.id, "hello")
    assert alice.messages == []
    assert [(c.ok, c.error_code) for c in sim.calls("sendMessage")] == [(False, None)]
    await bot.send_message(alice.id, "hello")
    assert alice.last_text == "hello"


async def test_per_chat_limit_with_burst_1() -> None:
    clock = FakeClock()
    async with (
        BotApiSimulator(limits=Limits(chat_burst=1), clock=clock) as sim,
        Bot(sim.token, base_url=sim.base_url) as bot,
    ):
        alice, bob = sim.user(1001), sim.user(1002)
        await alice.send_text("/start")
        await bob.send_text("/start")
        await bot.send_message(alice.id, "one")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(alice.id, "two")
        assert caught.value.retry_after == dtm.timedelta(seconds=1)
        await bot.send_message(bob.id, "other chat is fine")
        clock.now += 1.0
        await bot.send_message(alice.id, "two")
        assert [m.text for m in alice.messages] == ["one", "two"]


async def test_global_limit() -> None:
    async with (
        BotApiSimulator(limits=Limits(global_burst=2), clock=FakeClock()) as sim,
        Bot(sim.token, base_url=sim.base_url) as bot,
    ):
        users = [sim.user(1000 + n) for n in range(3)]
        for user in users:
            await user.send_text("/start")
        for user in users[:2]:
            await bot.send_message(user.id, "hi")
        with pytest.raises(RetryAfter):
            await bot.send_message(users[2].id, "hi")


async def test_forbidden_and_not_found_chats(sim: BotApiSimulator, bot: Bot) -> None:
    alice = sim.user(1001)
    with raises(Forbidden, "Forbidden: bot can't initiate conversation with a user"):
        await bot.send_message(alice.id, "hello")
    with raises(BadRequest, "Chat not found"):
        await bot.send_message(999, "hello")

    await alice.send_text("/start")
    await alice.block_bot()
    with raises(Forbidden, "Forbidden: bot was blocked by the user"):
        await bot.send_message(alice.id, "hello")
    member_update = (await bot.get_updates())[-1].my_chat_member
    assert member_update is not None and isinstance(member_update.new_chat_member, ChatMemberBanned)

    await alice.unblock_bot()
    await bot.send_message(alice.id, "welcome back")


async def test_get_updates_conflicts_with_a_webhook(bot: Bot) -> None:
    assert await bot.set_webhook("http://127.0.0.1:9/hook")
    with raises(Conflict, "Conflict: can't use getUpdates method while webhook", prefix=True):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_wrong_token_is_invalid(sim: BotApiSimulator) -> None:
    with pytest.raises(InvalidToken, match="was rejected by the server"):
        async with Bot("654321:WRONG", base_url=sim.base_url):
            pass


async def test_commands_and_chat_action(sim: BotApiSimulator, bot: Bot) -> None:
    assert await bot.set_my_commands([("start", "Start the survey")])
    assert [(c.command, c.description) for c in await bot.get_my_commands()] == [
        ("start", "Start the survey")
    ]
    with pytest.raises(BadRequest):
        await bot.set_my_commands([("Bad Command", "x")])
    alice = sim.user(1001)
    await alice.send_text("/start")
    assert await bot.send_chat_action(alice.id, "typing")
