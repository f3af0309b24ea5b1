"""Mini App (web_app) buttons in the simulator: kept on the message and shown by the control
API; refused without a URL and, as on Telegram, outside a private chat; tapped, they open
their URL with initData signed for the person as Telegram documents it."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo
from telegram.error import BadRequest

from simulator import BotApiSimulator
from simulator.control import PREFIX

pytestmark = pytest.mark.asyncio
FORM = "https://survey.example/s/tok"
CHAT = "https://t.me/csat_test_bot?start=tok"


def with_form(url: str = FORM) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Chat", url=CHAT),
                InlineKeyboardButton("Form", web_app=WebAppInfo(url)),
            ]
        ]
    )


async def test_a_web_app_button_is_kept_and_shown(sim: BotApiSimulator, bot: Bot) -> None:
    alice = sim.user(1001, first_name="Alice")
    await alice.send_text("/start")
    await bot.send_message(alice.id, "Invitation", reply_markup=with_form())
    message = alice.last_message
    assert message is not None
    assert message.web_app_url("Form") == FORM and message.web_app_url("Chat") is None
    async with httpx.AsyncClient(base_url=sim.api_root) as client:
        shown = (await client.get(f"{PREFIX}/chats/{alice.id}/messages")).json()
    assert shown["messages"][-1]["buttons"] == [
        [
            {"text": "Chat", "callback_data": None, "url": CHAT, "web_app": None},
            {"text": "Form", "callback_data": None, "url": None, "web_app": FORM},
        ]
    ]


async def test_an_http_mini_app_is_taken_for_local_servers(sim: BotApiSimulator, bot: Bot) -> None:
    alice = sim.user(1001, first_name="Alice")
    await alice.send_text("/start")
    await bot.send_message(alice.id, "Local", reply_markup=with_form("http://127.0.0.1:1/s/t"))
    assert alice.last_message is not None
    assert alice.last_message.web_app_url("Form") == "http://127.0.0.1:1/s/t"


async def test_a_web_app_button_without_a_url_is_refused(sim: BotApiSimulator, bot: Bot) -> None:
    alice = sim.user(1001, first_name="Alice")
    await alice.send_text("/start")
    with pytest.raises(BadRequest, match=re.escape("Button_url_invalid")):
        await bot.send_message(alice.id, "Broken", reply_markup=with_form("ftp://x"))


async def test_a_web_app_button_in_a_group_is_refused(sim: BotApiSimulator, bot: Bot) -> None:
    group = sim.group(-1001, "Staff")
    with pytest.raises(BadRequest, match=re.escape("Button_type_invalid")):
        await bot.send_message(group.id, "Not here", reply_markup=with_form())


def signed_correctly(init_data: str, token: str) -> bool:
    """Telegram's documented check, written out here (the simulator signs, this verifies)."""
    fields = dict(parse_qsl(init_data, strict_parsing=True))
    received = fields.pop("hash")
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    return hmac.new(secret, check.encode(), hashlib.sha256).hexdigest() == received


async def test_tapping_a_mini_app_opens_it_with_signed_init_data(
    sim: BotApiSimulator, bot: Bot
) -> None:
    alice = sim.user(1001, first_name="Alice", language_code="en")
    await alice.send_text("/start")
    await bot.send_message(alice.id, "Invitation", reply_markup=with_form())
    opened = urlsplit(sim.open_web_app(alice, "Form"))
    assert (opened.scheme, opened.netloc, opened.path) == ("https", "survey.example", "/s/tok")
    launch = dict(parse_qsl(opened.fragment))
    assert launch["tgWebAppVersion"] and signed_correctly(launch["tgWebAppData"], sim.token)
    init = dict(parse_qsl(launch["tgWebAppData"]))
    assert json.loads(init["user"]) == {"id": 1001, "first_name": "Alice", "language_code": "en"}
    assert abs(int(init["auth_date"]) - time.time()) < 60
    assert not signed_correctly(launch["tgWebAppData"], "999:another")

    async with httpx.AsyncClient(base_url=sim.api_root) as client:
        tapped = await client.post(f"{PREFIX}/users/1001/web_apps", json={"label": "Form"})
        assert tapped.status_code == 200
        assert signed_correctly(
            dict(parse_qsl(urlsplit(tapped.json()["url"]).fragment))["tgWebAppData"], sim.token
        )
        not_a_mini_app = await client.post(f"{PREFIX}/users/1001/web_apps", json={"label": "Chat"})
        assert not_a_mini_app.status_code == 404
        assert "opens no Mini App" in not_a_mini_app.json()["error"]
