"""The control API over real HTTP: people and groups, texts, presses, deep links, a chat's
messages as they stand (edits applied), long polling, and a clear 4xx for bad input."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity

from simulator import BotApiSimulator

pytestmark = pytest.mark.asyncio

GROUP = -1001234567890


@pytest_asyncio.fixture
async def control(sim: BotApiSimulator) -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client rooted at the control API."""
    async with httpx.AsyncClient(base_url=f"{sim.api_root}/control/") as client:
        yield client


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=f"data:{label}") for label in labels]]
    )


async def test_users_and_groups_are_made_once(control: httpx.AsyncClient) -> None:
    made = await control.post("users", json={"first_name": "Ann"})
    assert made.status_code == 201
    assert made.json() == {
        "id": 5000001,
        "first_name": "Ann",
        "last_name": None,
        "username": None,
        "language_code": "en",
        "started": False,
        "blocked": False,
        "callback_answers": [],
    }
    wang = await control.post(
        "users",
        json={"id": "3001", "first_name": "Lei", "last_name": "Wang", "language_code": "zh-CN"},
    )
    assert wang.status_code == 201 and wang.json()["language_code"] == "zh-CN"
    again = await control.post("users", json={"id": 3001, "first_name": "Other"})
    assert again.status_code == 200 and again.json()["first_name"] == "Lei"
    no_language = await control.post("users", json={"first_name": "Dan", "language_code": ""})
    assert no_language.json()["id"] == 5000002 and no_language.json()["language_code"] is None
    listed = (await control.get("users")).json()["users"]
    assert [user["id"] for user in listed] == [5000001, 3001, 5000002]
    assert (await control.get("users/3001")).json()["last_name"] == "Wang"

    staff = await control.post("groups", json={"id": GROUP, "title": "Staff"})
    assert staff.status_code == 201
    assert staff.json() == {"id": GROUP, "type": "supergroup", "title": "Staff"}
    assert (await control.post("groups", json={"id": GROUP, "title": "X"})).status_code == 200
    small = await control.post("groups", json={"id": -42, "type": "group"})
    assert small.json() == {"id": -42, "type": "group", "title": "Group -42"}
    untitled = (await control.post("groups", json={})).json()
    assert untitled["id"] < GROUP and untitled["type"] == "supergroup"
    groups = (await control.get("groups")).json()["groups"]
    assert [group["id"] for group in groups] == [GROUP, -42, untitled["id"]]


async def test_texts_and_commands_reach_the_bot_from_private_chats_and_groups(
    sim: BotApiSimulator, bot: Bot, control: httpx.AsyncClient
) -> None:
    await control.post("users", json={"id": 1001, "first_name": "Ann"})
    await control.post("groups", json={"id": GROUP, "title": "Staff"})
    sent = await control.post("users/1001/messages", json={"text": "/help"})
    assert sent.json() == {"update_id": 1, "delivered_to": "getUpdates", "webhook_status": None}
    await control.post("users/1001/messages", json={"text": "hello all", "chat_id": GROUP})
    command, text = [update.message for update in await bot.get_updates()]
    assert command is not None and command.text == "/help" and command.chat.id == 1001
    assert command.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 5),)
    assert text is not None and text.text == "hello all" and text.chat.id == GROUP
    assert text.from_user is not None and text.from_user.id == 1001 and not text.entities
    history = (await control.get(f"chats/{GROUP}/messages")).json()
    assert history["chat"] == {"id": GROUP, "type": "supergroup", "title": "Staff"}
    (message,) = history["messages"]
    assert message["from"] == {"id": 1001, "name": "Ann", "is_bot": False}
    assert message["text"] == "hello all" and message["buttons"] == []


async def test_opening_a_deep_link_sends_start_with_its_token(
    sim: BotApiSimulator, bot: Bot, control: httpx.AsyncClient
) -> None:
    await control.post("users", json={"id": 1001, "first_name": "Ann"})
    links = [
        "https://t.me/csat_test_bot?start=tok-1_A",
        "t.me/CSAT_test_bot?start=tok2",
        "tg://resolve?domain=csat_test_bot&start=tok3",
        "  tok4  ",
    ]
    for link in links:
        opened = await control.post("users/1001/links", json={"link": link})
        assert opened.status_code == 200, opened.text
    texts = [update.message.text for update in await bot.get_updates() if update.message]
    assert texts == ["/start tok-1_A", "/start tok2", "/start tok3", "/start tok4"]
    assert (await control.get("users/1001")).json()["started"] is True


async def test_presses_by_label_or_data_and_edits_are_shown_as_they_stand(
    sim: BotApiSimulator, bot: Bot, control: httpx.AsyncClient
) -> None:
    await control.post("users", json={"id": 1001, "first_name": "Ann"})
    await control.post("users/1001/messages", json={"text": "/start"})
    first = await bot.send_message(1001, "Pick one", reply_markup=keyboard("Yes", "No"))
    link = InlineKeyboardMarkup([[InlineKeyboardButton("Site", url="https://example.com/")]])
    await bot.send_message(1001, "Or read", reply_markup=link)

    # The newest message has only a URL button: a label names a message explicitly.
    by_label = await control.post(
        "users/1001/presses", json={"label": "Ye", "message_id": first.message_id}
    )
    assert by_label.status_code == 200, by_label.text
    by_data = await control.post(
        "users/1001/presses", json={"callback_data": "data:No", "message_id": first.message_id}
    )
    assert by_data.status_code == 200, by_data.text
    queries = [u.callback_query for u in await bot.get_updates() if u.callback_query]
    assert [query.data for query in queries] == ["data:Yes", "data:No"]
    await queries[0].answer("Noted: yes")
    await queries[1].answer()
    assert (await control.get("users/1001")).json()["callback_answers"] == ["Noted: yes", None]

    messages = (await control.get("chats/1001/messages")).json()["messages"]
    assert [m["text"] for m in messages] == ["/start", "Pick one", "Or read"]
    assert messages[1]["buttons"] == [
        [
            {"text": "Yes", "callback_data": "data:Yes", "url": None, "web_app": None},
            {"text": "No", "callback_data": "data:No", "url": None, "web_app": None},
        ]
    ]
    assert messages[2]["buttons"] == [
        [{"text": "Site", "callback_data": None, "url": "https://example.com/", "web_app": None}]
    ]
    assert messages[1]["from"]["is_bot"] and not messages[1]["edited"]

    await bot.edit_message_text("You picked yes", chat_id=1001, message_id=first.message_id)
    edited = (await control.get("chats/1001/messages")).json()["messages"][1]
    assert (edited["text"], edited["edited"], edited["buttons"]) == ("You picked yes", True, [])
    gone = await control.post(
        "users/1001/presses", json={"label": "Yes", "message_id": first.message_id}
    )
    assert gone.status_code == 404
    assert gone.json() == {"error": f"no button 'Yes' on message {first.message_id}; buttons: []"}


async def test_members_press_the_buttons_of_a_group_message(
    sim: BotApiSimulator, bot: Bot, control: httpx.AsyncClient
) -> None:
    await control.post("users", json={"id": 3001, "first_name": "Lei"})
    await control.post("groups", json={"id": GROUP, "title": "Staff"})
    alert = await bot.send_message(GROUP, "Ticket #1", reply_markup=keyboard("Take it"))
    pressed = await control.post("users/3001/presses", json={"label": "Take", "chat_id": GROUP})
    assert pressed.status_code == 200, pressed.text
    (update,) = await bot.get_updates()
    query = update.callback_query
    assert query is not None and query.data == "data:Take it" and query.from_user.id == 3001
    assert query.message is not None and query.message.message_id == alert.message_id
    assert query.message.chat.id == GROUP


async def test_a_long_poll_answers_when_something_changes_or_when_it_has_waited(
    sim: BotApiSimulator, bot: Bot, control: httpx.AsyncClient
) -> None:
    await control.post("users", json={"id": 1001, "first_name": "Ann"})
    await control.post("users/1001/messages", json={"text": "/start"})
    now = (await control.get("chats/1001/messages")).json()["revision"]

    started = time.monotonic()
    quiet = await control.get("chats/1001/messages", params={"since": now, "wait": 0.3})
    assert quiet.json()["revision"] == now and time.monotonic() - started >= 0.3

    waiting = asyncio.create_task(
        control.get("chats/1001/messages", params={"since": now, "wait": 10})
    )
    await asyncio.sleep(0.1)
    assert not waiting.done()
    started = time.monotonic()
    await bot.send_message(1001, "Hello")
    answered = (await waiting).json()
    assert time.monotonic() - started < 2
    assert answered["revision"] > now and answered["messages"][-1]["text"] == "Hello"
    behind = await control.get("chats/1001/messages", params={"since": now, "wait": 10})
    assert behind.json()["revision"] == answered["revision"]  # already past: at once


async def test_the_bot_endpoint_says_who_the_bot_is_and_whether_it_is_connected(
    sim: BotApiSimulator, control: httpx.AsyncClient
) -> None:
    before = (await control.get("bot")).json()
    assert before == {
        "id": sim.bot_id,
        "username": "csat_test_bot",
        "deep_link_prefix": "https://t.me/csat_test_bot?start=",
        "mode": "getUpdates",
        "connected": False,
    }
    async with Bot(sim.token, base_url=sim.base_url) as bot:
        await bot.get_me()
        assert (await control.get("bot")).json()["connected"] is True
        await bot.set_webhook("http://127.0.0.1:9/hook")
        assert (await control.get("bot")).json()["mode"] == "webhook"


async def test_a_webhook_bot_has_answered_before_the_control_call_returns(
    sim: BotApiSimulator, control: httpx.AsyncClient
) -> None:
    async with Bot(sim.token, base_url=sim.base_url) as bot:
        await bot.set_webhook("http://127.0.0.1:9/refused")
    await control.post("users", json={"id": 1001, "first_name": "Ann"})
    sent = await control.post("users/1001/messages", json={"text": "hi"})
    # Nothing listens there: the update stays pending, and the answer says it was not taken.
    assert sent.json() == {"update_id": 1, "delivered_to": "webhook", "webhook_status": None}
    assert len(sim.pending_updates) == 1


BAD_INPUT = [
    ("POST", "users", b"not json", 400, "the body must be a JSON object"),
    ("POST", "users", b"[1, 2]", 400, "the body must be a JSON object"),
    ("POST", "users", b"{}", 400, "first_name is required"),
    ("POST", "users", b'{"first_name": 7}', 400, "first_name is a string, got 7"),
    ("POST", "users", b'{"first_name": "A", "id": -5}', 400, "a user id is a positive integer"),
    ("POST", "users", b'{"first_name": "A", "id": true}', 400, "id is an integer, got True"),
    ("POST", "users", b'{"first_name": "A", "id": 4503599627370497}', 400, "up to 2**52"),
    ("POST", "users", b'{"first_name": "A", "id": 123456}', 409, "123456 is the bot's own id"),
    ("POST", "users", b'{"first_name": "' + b"x" * 65 + b'"}', 400, "longer than 64"),
    ("GET", "users/77", b"", 404, "no user 77: create one with POST /control/users"),
    ("GET", "users/abc", b"", 400, "user id is an integer, got 'abc'"),
    ("POST", "users/1001/messages", b"{}", 400, "text is required"),
    ("POST", "users/1001/messages", b'{"text": "  "}', 400, "text is required"),
    ("POST", "users/1001/messages", b'{"text": "a\\u0000b"}', 400, "contains a NUL character"),
    ("POST", "users/1001/messages", b'{"text": "hi", "chat_id": -9}', 404, "no chat -9"),
    ("POST", "users/1001/messages", b'{"text": "hi", "chat_id": 1002}', 403, "private chat"),
    ("POST", "users/1001/presses", b"{}", 400, "give either label or callback_data"),
    ("POST", "users/1001/presses", b'{"label": "a", "callback_data": "b"}', 400, "either"),
    ("POST", "users/1001/presses", b'{"label": "a"}', 404, "no message with an inline keyboard"),
    ("POST", "users/1001/presses", b'{"label": "a", "message_id": 99}', 404, "no message 99"),
    ("POST", "users/1001/links", b"{}", 400, "link is required"),
    ("POST", "users/1001/links", b'{"link": "https://example.com/x"}', 400, "is not a bot link"),
    ("POST", "users/1001/links", b'{"link": "https://t.me/other_bot?start=x"}', 400, "@other"),
    ("POST", "users/1001/links", b'{"link": "https://t.me/csat_test_bot"}', 400, "no start="),
    ("POST", "users/1001/links", b'{"link": "t.me/csat_test_bot?start=a b"}', 400, "1–64"),
    ("POST", "groups", b'{"id": 5}', 400, "group chat ids are negative (down to -2**52), got 5"),
    ("POST", "groups", b'{"type": "channel"}', 400, "type is one of group, supergroup"),
    ("GET", "chats/-77/messages", b"", 404, "no chat -77"),
    ("GET", "chats/1001/messages?wait=soon", b"", 400, "wait is a number, got 'soon'"),
    ("GET", "nowhere", b"", 404, "Not Found"),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "error"), BAD_INPUT)
async def test_bad_input_answers_a_clear_4xx(
    sim: BotApiSimulator,
    control: httpx.AsyncClient,
    method: str,
    path: str,
    body: bytes,
    status: int,
    error: str,
) -> None:
    sim.user(1001, "Ann")
    sim.user(1002, "Bob")
    response = await control.request(method, path, content=body)
    assert response.status_code == status
    payload = response.json()
    assert error in payload.get("error", payload.get("description", "")), payload


async def test_a_blocked_bot_cannot_be_written_to(
    sim: BotApiSimulator, control: httpx.AsyncClient
) -> None:
    ann = sim.user(1001, "Ann")
    await ann.block_bot()
    refused = await control.post("users/1001/messages", json={"text": "hi"})
    assert refused.status_code == 409 and refused.json() == {"error": "user 1001 blocked the bot"}
    link = await control.post("users/1001/links", json={"link": "abc"})
    assert link.status_code == 409
