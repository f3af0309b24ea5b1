"""bot.api_slots.SlottedRequest: Bot API calls beyond its few connections wait their turn
before the pool (none fails on PTB's pool timeout), and every one is made."""

from __future__ import annotations

import asyncio

from telegram import Bot

from bot.api_slots import SlottedRequest
from simulator import BotApiSimulator, Limits

CALLS = 60
CONNECTIONS = 3


async def test_many_calls_at_once_share_a_few_connections() -> None:
    async with BotApiSimulator(limits=Limits.unlimited()) as sim:  # our code, not flood limits
        await _send_all(sim)


async def _send_all(sim: BotApiSimulator) -> None:
    users = [sim.user(9000 + n, first_name=f"U{n}") for n in range(CALLS)]
    for user in users:
        await user.send_text("/start")  # the bot may write to them
    request = SlottedRequest(CONNECTIONS)
    async with Bot(sim.token, base_url=sim.base_url, request=request) as bot:
        sent = await asyncio.gather(*(bot.send_message(u.id, f"hello {u.id}") for u in users))
        # httpcore's pool, as the request holds it: never more than its connections.
        pool = request._client._transport._pool  # type: ignore[attr-defined]
        assert 0 < len(pool.connections) <= CONNECTIONS
    assert sorted(m.chat.id for m in sent) == [u.id for u in users]
    texts = {int(c.params["chat_id"]): c.params["text"] for c in sim.calls("sendMessage")}
    assert texts == {u.id: f"hello {u.id}" for u in users}
