"""Hostile webhook bodies (issue 8 point 4): each is a 4xx, nothing is stored, and the bot goes on
serving; a text with NUL is stored without it."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from cli.hosting import AppServer
from simulator import BotApiSimulator
from storage.models import Answer, ChatSession, ProcessedUpdate
from tests.support import WEBHOOK_SECRET, begin, seed_campaign

HEADERS = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET, "Content-Type": "application/json"}
ALICE = {"id": 1001, "is_bot": False, "first_name": "Alice"}


def _message(text: str, user: dict[str, Any] = ALICE, update_id: Any = 77) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "text": text,
            "chat": {"id": user["id"], "type": "private", "first_name": user["first_name"]},
            "from": user,
        },
    }


def _deep(levels: int) -> bytes:
    return b'{"update_id": 1, "message": ' + b'{"a": ' * levels + b"1" + b"}" * levels + b"}"


HOSTILE: dict[str, bytes] = {
    "5,000-deep JSON": _deep(5000),
    "40-deep JSON": _deep(40),
    "no update_id": json.dumps({"message": "hello"}).encode(),
    "update_id true": json.dumps({"update_id": True}).encode(),
    "update_id negative": json.dumps({"update_id": -1}).encode(),
    "update_id a string": json.dumps({"update_id": "1"}).encode(),
    "message a string": json.dumps({"update_id": 5, "message": "hello"}).encode(),
    "a list": b"[1, 2]",
    "not UTF-8": b'{"update_id": 1, "x": "\xff\xfe"}',
    "user id beyond 64 bits": json.dumps(_message("hi", ALICE | {"id": 2**64})).encode(),
    "update id beyond 64 bits": json.dumps(_message("hi", update_id=2**63)).encode(),
}


async def _count(sessions, model) -> int:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
async def test_a_hostile_body_is_a_400_and_stores_nothing(
    app: AppServer, sim: BotApiSimulator, sessions, body: bytes
) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(app.webhook_url, content=body, headers=HEADERS)
    assert response.status_code == 400, response.text
    assert await _count(sessions, ProcessedUpdate) == 0
    assert await _count(sessions, ChatSession) == 0
    async with httpx.AsyncClient() as client:  # and the bot goes on
        fine = await client.post(app.webhook_url, json=_message("/help"), headers=HEADERS)
    assert fine.status_code == 200 and await _count(sessions, ProcessedUpdate) == 1


async def test_a_body_over_a_megabyte_is_a_413(app: AppServer, sessions) -> None:
    big = json.dumps(_message("x" * 1_100_000)).encode()
    async with httpx.AsyncClient() as client:
        response = await client.post(app.webhook_url, content=big, headers=HEADERS)
    assert response.status_code == 413
    assert await _count(sessions, ProcessedUpdate) == 0


@pytest.mark.both_backends
async def test_nul_in_a_typed_text_is_dropped_and_the_rest_kept(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    alice = await begin(sim, tokens["r1"], 1001, "Alice")
    await alice.press("2")
    await alice.press("Done")
    await alice.send_text("late\x00 again")
    async with sessions() as session:
        texts = [t for t in await session.scalars(select(Answer.text)) if t]
    assert texts == ["late again"]
