"""Deep links as people paste them: which open the simulated bot, with which start token."""

from __future__ import annotations

import re

import pytest

from simulator.deeplinks import DeepLinkError, deep_link, start_payload

BOT = "csat_test_bot"
TOKEN = "Ab-_09" + "x" * 58  # 64 characters, the most Telegram allows


@pytest.mark.parametrize(
    "link",
    [
        f"https://t.me/{BOT}?start={TOKEN}",
        f"http://t.me/{BOT}/?start={TOKEN}",
        f"t.me/{BOT}?start={TOKEN}",
        f"https://telegram.me/CSAT_Test_Bot?start={TOKEN}",
        f"tg://resolve?domain={BOT}&start={TOKEN}",
        f"  {TOKEN}\n",
        deep_link(BOT, TOKEN),
    ],
)
def test_links_to_the_bot_give_their_token(link: str) -> None:
    assert start_payload(link, BOT) == TOKEN


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("https://example.com/?start=abc", "is not a bot link: paste one like https://t.me/"),
        (f"https://t.me/{BOT}/extra?start=abc", "is not a bot link"),
        ("https://t.me/other_bot?start=abc", "this link is for @other_bot, but the simulated"),
        (f"https://t.me/{BOT}", "has no start=TOKEN"),
        (f"https://t.me/{BOT}?start=", "the start token must be 1–64 characters"),
        (f"https://t.me/{BOT}?start={TOKEN}x", "the start token must be 1–64 characters"),
        (f"https://t.me/{BOT}?start=a%20b", "got 'a b'"),
        ("", "is not a bot link"),
    ],
)
def test_other_links_are_refused_saying_why(link: str, message: str) -> None:
    with pytest.raises(DeepLinkError, match=re.escape(message)):
        start_payload(link, BOT)


def test_a_link_for_another_bot_says_how_to_start_the_simulator() -> None:
    with pytest.raises(DeepLinkError) as refused:
        start_payload("https://t.me/my_csat_bot?start=abc", BOT)
    assert str(refused.value).endswith("start the simulator with --bot-username my_csat_bot")
