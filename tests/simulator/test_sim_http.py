"""The simulator's HTTP surface byte for byte: encodings, routing and Telegram's JSON shapes."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from simulator import BotApiSimulator

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def http(sim: BotApiSimulator) -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client rooted at the bot's API URL."""
    async with httpx.AsyncClient(base_url=f"{sim.base_url}{sim.token}/") as client:
        yield client


async def test_error_shape_is_telegrams(http: httpx.AsyncClient) -> None:
    response = await http.post("sendMessage", json={"chat_id": 42, "text": "hi"})
    assert response.status_code == 400
    assert response.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: chat not found",
    }


async def test_injected_429_carries_retry_after(
    sim: BotApiSimulator, http: httpx.AsyncClient
) -> None:
    sim.inject_error("getMe", retry_after=7)
    response = await http.get("getMe")
    assert response.status_code == 429
    assert response.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }


async def test_tokens_and_unknown_methods(sim: BotApiSimulator, http: httpx.AsyncClient) -> None:
    wrong = await http.get(f"{sim.base_url}999:other/getMe")
    assert (wrong.status_code, wrong.json()["description"]) == (401, "Unauthorized")
    malformed = await http.get(f"{sim.base_url}nonsense/getMe")
    assert (malformed.status_code, malformed.json()["description"]) == (404, "Not Found")
    unknown = await http.post("sendPhoto", data={"chat_id": "1"})
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert (await http.get(f"{sim.api_root}/elsewhere")).status_code == 404


@pytest.mark.parametrize("encoding", ["json", "form", "multipart", "query"])
async def test_every_encoding_and_case_insensitive_names(
    sim: BotApiSimulator, http: httpx.AsyncClient, encoding: str
) -> None:
    alice = sim.user(1001)
    await alice.send_text("/start")
    markup = {"inline_keyboard": [[{"text": "Yes", "callback_data": "y"}]]}
    fields = {"chat_id": "1001", "text": "Sure?", "reply_markup": json.dumps(markup)}
    if encoding == "json":
        response = await http.post(
            "SENDMESSAGE", json={"chat_id": 1001, "text": "Sure?", "reply_markup": markup}
        )
    elif encoding == "form":
        response = await http.post("sendmessage", data=fields)
    elif encoding == "multipart":
        response = await http.post("sendMessage", data=fields, files={"unused": ("a.txt", b"x")})
    else:
        response = await http.get("sendMessage", params=fields)
    body = response.json()
    assert body["ok"] is True and body["result"]["reply_markup"] == markup
    assert body["result"]["chat"] == {"id": 1001, "type": "private", "first_name": "User"}
    (call,) = sim.calls("sendMessage", chat_id=1001)
    assert call.method == "sendMessage" and call.ok
    assert call.params["chat_id"] == 1001 and call.params["reply_markup"] == markup


async def test_malformed_reply_markup(sim: BotApiSimulator, http: httpx.AsyncClient) -> None:
    await sim.user(1001).send_text("/start")
    response = await http.post(
        "sendMessage", data={"chat_id": "1001", "text": "x", "reply_markup": "{"}
    )
    assert (
        response.json()["description"]
        == "Bad Request: can't parse reply keyboard markup JSON object"
    )


async def test_long_poll_wakes_at_once_and_offset_confirms(
    sim: BotApiSimulator, http: httpx.AsyncClient
) -> None:
    alice = sim.user(1001)
    started = time.monotonic()
    poll = asyncio.create_task(http.post("getUpdates", json={"timeout": 5}))
    await asyncio.sleep(0.05)
    await alice.send_text("hello")
    (update,) = (await poll).json()["result"]
    assert time.monotonic() - started < 1
    assert update["message"]["text"] == "hello" and update["message"]["date"] > 0

    again = (await http.post("getUpdates", json={"offset": update["update_id"]})).json()["result"]
    assert again == [update]  # not confirmed yet: its own id is not "below" the offset
    after = await http.post("getUpdates", json={"offset": update["update_id"] + 1})
    assert after.json()["result"] == [] and sim.pending_updates == []


async def test_newer_get_updates_terminates_a_waiting_one(http: httpx.AsyncClient) -> None:
    first = asyncio.create_task(http.post("getUpdates", json={"timeout": 5}))
    await asyncio.sleep(0.2)  # let the first poll arrive and start waiting
    await http.post("getUpdates", json={"timeout": 0})
    response = await first
    assert response.status_code == 409
    assert response.json()["description"].startswith("Conflict: terminated by other getUpdates")


async def test_webhook_info_and_secret_validation(http: httpx.AsyncClient) -> None:
    bad = await http.post(
        "setWebhook", json={"url": "http://127.0.0.1:9/h", "secret_token": "no spaces"}
    )
    assert bad.status_code == 400
    ok = await http.post(
        "setWebhook", json={"url": "http://127.0.0.1:9/h", "secret_token": "s_3-t"}
    )
    assert ok.json() == {"ok": True, "result": True, "description": "Webhook was set"}
    info = (await http.get("getWebhookInfo")).json()["result"]
    assert info["url"] == "http://127.0.0.1:9/h" and info["pending_update_count"] == 0
    deleted = await http.post("deleteWebhook")
    assert deleted.json()["description"] == "Webhook was deleted"
